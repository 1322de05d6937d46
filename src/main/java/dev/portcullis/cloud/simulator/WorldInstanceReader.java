package dev.portcullis.cloud.simulator;

import static dev.portcullis.cloud.simulator.WorldDocument.kind;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.cloud.simulator.WorldDocument.Node;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Quotas;
import dev.portcullis.engine.eval.Listener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the {@code instances} of a world's region: each in a VPC of its own file and region, with
 * its network interfaces (addresses inside the VPC and unique in it, groups the VPC has) and the
 * ports it listens on.
 */
final class WorldInstanceReader {
  private final WorldDocument doc;
  private final WorldIds ids;

  WorldInstanceReader(WorldDocument doc, WorldIds ids) {
    this.doc = doc;
    this.ids = ids;
  }

  World.Instance instance(String region, Node n, Map<String, World.Vpc> vpcs) {
    if (!doc.mapping(
        n,
        "instance",
        "id",
        "vpc",
        "privateIp",
        "publicIp",
        "ipv6",
        "interfaceId",
        "groups",
        "tags",
        "listening",
        "interfaces")) {
      return null;
    }
    String id = doc.id(n.field("id"), Ec2Constraints.INSTANCE_ID.asMatchPredicate(), "i-");
    if (id != null && !doc.firstDeclaration(ids.instancePaths, id, n.field("id"), "instance")) {
      id = null;
    }
    World.Vpc vpc = null;
    Node vn = n.field("vpc");
    String vpcId = doc.string(vn, true);
    if (vpcId != null) {
      vpc = vpcs.get(vpcId);
      if (vpc == null && !ids.brokenVpcs.contains(vpcId)) {
        String elsewhere = ids.vpcRegions.get(vpcId);
        doc.error(
            vn,
            elsewhere != null && elsewhere.equals(region)
                ? "VPC "
                    + vpcId
                    + " is declared in "
                    + ids.vpcSources.get(vpcId)
                    + "; an instance is declared in the same world file as its VPC"
                : elsewhere != null
                    ? "VPC " + vpcId + " is in region " + elsewhere + ", not " + region
                    : "unknown VPC '"
                        + vpcId
                        + "'; "
                        + (vpcs.isEmpty()
                            ? "region " + region + " declares no VPC"
                            : "the VPCs of "
                                + region
                                + " are "
                                + String.join(", ", vpcs.keySet())));
      }
    }
    Map<String, String> tags = doc.tags(n.field("tags"));
    Set<Listener> listening = new LinkedHashSet<>();
    for (Node ln : doc.list(n.field("listening"))) {
      Listener l = listener(ln);
      if (l != null) {
        listening.add(l);
      }
    }
    if (vpc == null) {
      // Addresses and groups cannot be checked without the VPC; their syntax still can.
      return null;
    }
    List<World.Interface> interfaces = new ArrayList<>();
    World.Interface primary = networkInterface(n, "interfaceId", vpc);
    List<Node> extras = doc.list(n.field("interfaces"));
    boolean ok = primary != null;
    interfaces.add(primary);
    for (Node en : extras) {
      if (!doc.mapping(en, "network interface", "id", "privateIp", "publicIp", "ipv6", "groups")) {
        ok = false;
        continue;
      }
      World.Interface extra = networkInterface(en, "id", vpc);
      ok &= extra != null;
      interfaces.add(extra);
    }
    if (id == null || !ok) {
      return null;
    }
    ids.instanceRegions.put(id, region);
    return new World.Instance(id, vpc.id(), tags, listening, interfaces);
  }

  private World.Interface networkInterface(Node n, String idField, World.Vpc vpc) {
    boolean ok = true;
    String id = null;
    if (n.field(idField).present()) {
      id = doc.id(n.field(idField), Ec2Constraints.INTERFACE_ID.asMatchPredicate(), "eni-");
      ok &=
          id != null && doc.firstDeclaration(ids.interfacePaths, id, n.field(idField), "interface");
    }
    Node pn = n.field("privateIp");
    String privateIp = null;
    String text = doc.string(pn, true);
    if (text != null) {
      Optional<Integer> a = Ip.parse4(text);
      if (a.isEmpty()) {
        doc.error(pn, "'" + text + "' is not an IPv4 address");
      } else if (!vpc.cidr().contains(a.get())) {
        doc.error(
            pn,
            text
                + " is outside "
                + vpc.id()
                + "'s CIDR "
                + vpc.cidr().display()
                + "; pick an address inside it");
      } else {
        privateIp = Ip.format4(a.get());
        String key = vpc.id() + "/" + privateIp;
        String first = ids.privateIpPaths.putIfAbsent(key, pn.path());
        if (first != null) {
          doc.error(pn, privateIp + " is already used in " + vpc.id() + " by " + first);
          privateIp = null;
        }
      }
    }
    ok &= privateIp != null;
    String publicIp = null;
    Node pubn = n.field("publicIp");
    String pubText = doc.string(pubn, false);
    if (pubText != null) {
      Optional<Integer> a = Ip.parse4(pubText);
      if (a.isEmpty()) {
        doc.error(pubn, "'" + pubText + "' is not an IPv4 address");
        ok = false;
      } else {
        publicIp = Ip.format4(a.get());
      }
    }
    String ipv6 = null;
    Node v6n = n.field("ipv6");
    String v6Text = doc.string(v6n, false);
    if (v6Text != null) {
      Optional<long[]> a = Ip.parse6(v6Text);
      if (a.isEmpty()) {
        doc.error(v6n, "'" + v6Text + "' is not an IPv6 address");
        ok = false;
      } else if (vpc.ipv6Cidr() == null) {
        doc.error(v6n, vpc.id() + " has no IPv6 CIDR (ipv6Cidr), so its instances have no IPv6");
        ok = false;
      } else if (!vpc.ipv6Cidr().contains(a.get()[0], a.get()[1])) {
        doc.error(
            v6n, v6Text + " is outside " + vpc.id() + "'s IPv6 CIDR " + vpc.ipv6Cidr().display());
        ok = false;
      } else {
        ipv6 = Ip.format6(a.get()[0], a.get()[1]);
      }
    }
    List<String> groups = new ArrayList<>();
    Node gn = n.field("groups");
    if (gn.present()) {
      // Names are case-insensitive: each is kept as the group declares it.
      Map<String, String> known = new LinkedHashMap<>();
      known.put(Ec2Constraints.DEFAULT_GROUP, Ec2Constraints.DEFAULT_GROUP);
      vpc.groups().forEach(g -> known.put(Ec2Constraints.nameKey(g.name()), g.name()));
      List<Node> items = doc.list(gn);
      if (gn.json().isArray() && items.isEmpty()) {
        doc.error(
            gn,
            "an interface carries at least one group; leave 'groups' out for the VPC's default");
        ok = false;
      }
      if (items.size() > Quotas.MAX_GROUPS_PER_INTERFACE) {
        doc.error(
            gn,
            items.size()
                + " groups; EC2 allows at most "
                + Quotas.MAX_GROUPS_PER_INTERFACE
                + " per interface");
        ok = false;
      }
      for (Node item : items) {
        String name = doc.string(item, true);
        if (name == null) {
          ok = false;
        } else if (!known.containsKey(Ec2Constraints.nameKey(name))) {
          doc.error(
              item,
              "no group '" + name + "' in " + vpc.id() + "; its groups are " + known.values());
          ok = false;
        } else if (groups.contains(known.get(Ec2Constraints.nameKey(name)))) {
          doc.error(item, "group '" + name + "' is listed twice");
          ok = false;
        } else {
          groups.add(known.get(Ec2Constraints.nameKey(name)));
        }
      }
    }
    return ok ? new World.Interface(id, privateIp, publicIp, ipv6, groups) : null;
  }

  private Listener listener(Node n) {
    JsonNode j = n.json();
    String hint = "write tcp/22, udp/53, or a TCP port such as 22";
    if (j != null && j.isIntegralNumber()) {
      return doc.port(n, j.asInt(), "tcp") ? new Listener(Protocol.TCP, j.asInt()) : null;
    }
    if (j == null || !j.isTextual()) {
      doc.error(n, "a listener is a string or a port number, not " + kind(n) + "; " + hint);
      return null;
    }
    String text = j.asText().trim();
    String protoText = "tcp";
    String portText = text;
    int slash = text.indexOf('/');
    if (slash >= 0) {
      protoText = text.substring(0, slash);
      portText = text.substring(slash + 1);
    }
    Optional<Protocol> p = Protocol.parse(protoText);
    if (p.isEmpty() || !p.get().hasPorts()) {
      doc.error(n, "'" + text + "' is not a listener: the protocol must be tcp or udp; " + hint);
      return null;
    }
    if (portText.isEmpty()
        || portText.length() > 5
        || !portText.chars().allMatch(Character::isDigit)) {
      doc.error(n, "'" + text + "' is not a listener: '" + portText + "' is not a port; " + hint);
      return null;
    }
    int port = Integer.parseInt(portText);
    return doc.port(n, port, p.get().name()) ? new Listener(p.get(), port) : null;
  }
}
