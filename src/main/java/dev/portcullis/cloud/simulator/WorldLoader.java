package dev.portcullis.cloud.simulator;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.NamedGroupPeer;
import dev.portcullis.engine.Peer;
import dev.portcullis.engine.PrefixListPeer;
import dev.portcullis.engine.Problem;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Quotas;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleCounts.PrefixListSize;
import dev.portcullis.engine.RuleKey;
import dev.portcullis.engine.SelfPeer;
import dev.portcullis.engine.eval.Listener;
import dev.portcullis.engine.eval.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads a world file (YAML; the format is described in {@code docs/simulator.md}) into a {@link
 * World}, checking everything EC2 would: well-formed and unique ids, addresses inside their VPC's
 * CIDR, known VPCs, group names and prefix lists, valid rules, listeners and traffic. Every problem
 * found is reported at once in a {@link WorldFileException}, each with its path in the document.
 */
public final class WorldLoader {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final String source;
  private final List<Problem> problems = new ArrayList<>();

  /** Where each id was first declared, to name both places when one is declared twice. */
  private final Map<String, String> vpcPaths = new HashMap<>();

  private final Map<String, String> instancePaths = new HashMap<>();
  private final Map<String, String> interfacePaths = new HashMap<>();

  /** Private addresses in use, per VPC. */
  private final Map<String, String> privateIpPaths = new HashMap<>();

  /** The region of every VPC and instance, to say where a misplaced reference points. */
  private final Map<String, String> vpcRegions = new HashMap<>();

  private final Map<String, String> instanceRegions = new HashMap<>();

  /** VPCs declared with an error already reported: what refers to them is not reported again. */
  private final Set<String> brokenVpcs = new HashSet<>();

  private WorldLoader(String source) {
    this.source = source;
  }

  /** Reads and checks a world file. */
  public static World load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read world file " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** Reads and checks a world from the class path, such as {@code /worlds/demo.yaml}. */
  public static World loadResource(String resource) {
    try (InputStream in = WorldLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no world resource " + resource + " on the class path");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read world resource " + resource, e);
    }
  }

  /**
   * Parses and checks a world.
   *
   * @param source where the text came from, for messages (a file name)
   */
  public static World parse(String yaml, String source) {
    return new WorldLoader(source).read(yaml);
  }

  /** A place in the document: the YAML node there (null when absent) and its path. */
  private record Node(JsonNode json, String path) {
    Node field(String name) {
      return new Node(
          json == null ? null : json.get(name), path.isEmpty() ? name : path + "." + name);
    }

    Node item(int i) {
      return new Node(json.get(i), path + "[" + i + "]");
    }

    boolean present() {
      return json != null && !json.isNull() && !json.isMissingNode();
    }
  }

  private World read(String text) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "(document)" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new WorldFileException(
          source, List.of(Problem.error(where, "malformed YAML: " + e.getOriginalMessage())));
    }
    Node doc = new Node(root, "");
    if (!doc.present()) {
      throw new WorldFileException(
          source,
          List.of(Problem.error("(document)", "the file is empty; a world needs 'regions'")));
    }
    World world = null;
    if (mapping(doc, "world", "regions", "traffic")) {
      Map<String, World.Region> regions = regions(doc.field("regions"));
      List<World.TrafficFlow> traffic = new ArrayList<>();
      for (Node n : list(doc.field("traffic"))) {
        World.TrafficFlow f = trafficFlow(n, regions, traffic);
        if (f != null) {
          traffic.add(f);
        }
      }
      world = new World(regions, traffic);
    }
    if (!problems.isEmpty()) {
      throw new WorldFileException(source, problems);
    }
    return world;
  }

  // ---------------------------------------------------------------- regions and VPCs

  private Map<String, World.Region> regions(Node n) {
    Map<String, World.Region> out = new LinkedHashMap<>();
    if (!n.present()) {
      error(n, "missing required field 'regions' (a mapping from region name to its VPCs)");
      return out;
    }
    if (!n.json().isObject()) {
      error(
          n,
          "must be a mapping from region name (such as eu-west-1) to the region, not " + kind(n));
      return out;
    }
    for (Iterator<String> it = n.json().fieldNames(); it.hasNext(); ) {
      String name = it.next();
      Node rn = n.field(name);
      if (!Ec2Constraints.REGION.matcher(name).matches()) {
        error(rn, "'" + name + "' is not a region name such as eu-west-1");
        continue;
      }
      World.Region r = region(name, rn);
      if (r != null) {
        out.put(name, r);
      }
    }
    return out;
  }

  private World.Region region(String name, Node n) {
    if (!mapping(n, "region", "vpcs", "prefixLists", "instances")) {
      return null;
    }
    Map<String, World.PrefixList> prefixLists = new LinkedHashMap<>();
    for (Node pn : list(n.field("prefixLists"))) {
      World.PrefixList pl = prefixList(pn, prefixLists);
      if (pl != null) {
        prefixLists.put(pl.id(), pl);
      }
    }
    Map<String, World.Vpc> vpcs = new LinkedHashMap<>();
    for (Node vn : list(n.field("vpcs"))) {
      World.Vpc v = vpc(name, vn, prefixLists.keySet());
      if (v != null) {
        vpcs.put(v.id(), v);
      }
    }
    List<World.Instance> instances = new ArrayList<>();
    for (Node in : list(n.field("instances"))) {
      World.Instance i = instance(name, in, vpcs);
      if (i != null) {
        instances.add(i);
      }
    }
    return new World.Region(
        name, List.copyOf(vpcs.values()), List.copyOf(prefixLists.values()), instances);
  }

  private World.PrefixList prefixList(Node n, Map<String, World.PrefixList> seen) {
    if (!mapping(n, "prefix list", "id", "maxEntries", "family")) {
      return null;
    }
    String id = id(n.field("id"), Ec2Constraints::isPrefixListId, "pl-");
    Integer max = integer(n.field("maxEntries"), true);
    String familyText = string(n.field("family"), false);
    PrefixListSize.Family family = PrefixListSize.Family.IPV4;
    if (familyText != null) {
      if (familyText.equals("ipv4")) {
        family = PrefixListSize.Family.IPV4;
      } else if (familyText.equals("ipv6")) {
        family = PrefixListSize.Family.IPV6;
      } else {
        error(n.field("family"), "'" + familyText + "' is not a family: write ipv4 or ipv6");
        return null;
      }
    }
    if (max != null && max < 1) {
      error(n.field("maxEntries"), "must be at least 1, not " + max);
      return null;
    }
    if (id == null || max == null) {
      return null;
    }
    if (seen.containsKey(id)) {
      error(n.field("id"), "prefix list " + id + " is declared twice in this region");
      return null;
    }
    return new World.PrefixList(id, max, family);
  }

  private World.Vpc vpc(String region, Node n, Set<String> prefixLists) {
    if (!mapping(n, "VPC", "id", "cidr", "ipv6Cidr", "groups")) {
      return null;
    }
    String id = id(n.field("id"), Ec2Constraints.VPC_ID.asMatchPredicate(), "vpc-");
    if (id != null && !firstDeclaration(vpcPaths, id, n.field("id"), "VPC")) {
      id = null;
    }
    Cidr4 cidr = null;
    Node cn = n.field("cidr");
    String cidrText = string(cn, true);
    if (cidrText != null) {
      Peer p = cidr(cn, cidrText);
      if (p instanceof Cidr4 c) {
        if (c.prefixLength() < 16 || c.prefixLength() > 28) {
          error(cn, cidrText + ": EC2 VPC blocks are between /16 and /28");
        } else {
          cidr = c;
        }
      } else if (p != null) {
        error(cn, cidrText + " is IPv6; put a VPC's IPv6 block in 'ipv6Cidr'");
      }
    }
    Cidr6 ipv6 = null;
    Node v6n = n.field("ipv6Cidr");
    String v6Text = string(v6n, false);
    if (v6Text != null) {
      Peer p = cidr(v6n, v6Text);
      if (p instanceof Cidr6 c) {
        ipv6 = c;
      } else if (p != null) {
        error(v6n, v6Text + " is not an IPv6 CIDR");
      }
    }
    // Names first, so that rules may reference any group of the VPC whatever the order. Names are
    // case-insensitive in EC2: the map goes from the name's key to the name as declared.
    List<Node> groupNodes = list(n.field("groups"));
    Map<String, String> names = new LinkedHashMap<>();
    names.put(Ec2Constraints.DEFAULT_GROUP, Ec2Constraints.DEFAULT_GROUP);
    for (Node gn : groupNodes) {
      if (gn.present() && gn.json().isObject() && gn.json().path("name").isTextual()) {
        String name = gn.json().path("name").asText();
        String first = names.putIfAbsent(Ec2Constraints.nameKey(name), name);
        if (Ec2Constraints.isDefaultName(name)) {
          error(
              gn.field("name"),
              "'"
                  + name
                  + "' is the name of the VPC's default group, which every VPC has (group names"
                  + " are case-insensitive); choose another name");
        } else if (first != null) {
          error(
              gn.field("name"),
              "group '"
                  + name
                  + "' is declared twice in "
                  + (id == null ? "this VPC" : id)
                  + (first.equals(name)
                      ? ""
                      : " (as '" + first + "'; group names are case-insensitive)"));
        }
      }
    }
    List<World.GroupSpec> groups = new ArrayList<>();
    for (Node gn : groupNodes) {
      World.GroupSpec g = group(gn, names, prefixLists);
      if (g != null) {
        groups.add(g);
      }
    }
    if (id == null || cidr == null) {
      if (id != null) {
        brokenVpcs.add(id);
      }
      return null;
    }
    vpcRegions.put(id, region);
    return new World.Vpc(id, cidr, ipv6, groups);
  }

  private World.GroupSpec group(Node n, Map<String, String> vpcGroups, Set<String> prefixLists) {
    if (!mapping(n, "security group", "name", "description", "tags", "ingress", "egress")) {
      return null;
    }
    String name = string(n.field("name"), true);
    if (name != null && Ec2Constraints.isDefaultName(name)) {
      name = null; // reported with the VPC's names
    } else if (name != null) {
      String p = Ec2Constraints.groupNameProblem(name);
      if (p != null) {
        error(n.field("name"), p);
        name = null;
      }
    }
    String description = string(n.field("description"), false);
    if (description == null) {
      description = name == null ? "" : name;
    } else {
      String p = Ec2Constraints.groupDescriptionProblem(description);
      if (p != null) {
        error(n.field("description"), p);
      }
    }
    Map<String, String> tags = tags(n.field("tags"));
    List<Rule> ingress = rules(n.field("ingress"), Direction.INGRESS, vpcGroups, prefixLists);
    List<Rule> egress =
        n.field("egress").present()
            ? rules(n.field("egress"), Direction.EGRESS, vpcGroups, prefixLists)
            : List.of(Rule.DEFAULT_EGRESS);
    if (name == null || ingress == null || egress == null) {
      return null;
    }
    return new World.GroupSpec(name, description, tags, ingress, egress);
  }

  private List<Rule> rules(
      Node n, Direction direction, Map<String, String> vpcGroups, Set<String> prefixLists) {
    List<Rule> out = new ArrayList<>();
    Set<RuleKey> keys = new HashSet<>();
    boolean ok = true;
    List<Node> items = list(n);
    for (Node rn : items) {
      Rule r = rule(rn, direction, vpcGroups, prefixLists);
      if (r == null) {
        ok = false;
      } else if (!keys.add(r.key())) {
        error(rn, "duplicate rule: " + r.display());
        ok = false;
      } else {
        out.add(r);
      }
    }
    return ok ? out : null;
  }

  private Rule rule(
      Node n, Direction direction, Map<String, String> vpcGroups, Set<String> prefixLists) {
    if (!mapping(
        n,
        "rule",
        "protocol",
        "port",
        "icmpType",
        "icmpCode",
        "cidr",
        "group",
        "self",
        "prefixList",
        "description")) {
      return null;
    }
    Protocol protocol = protocol(n.field("protocol"), true);
    if (protocol == null) {
      return null;
    }
    int from = -1;
    int to = -1;
    Node portNode = n.field("port");
    boolean icmpFields = n.field("icmpType").present() || n.field("icmpCode").present();
    if (protocol.hasPorts()) {
      if (icmpFields) {
        error(n, "icmpType and icmpCode are for icmp and icmpv6 rules, not " + protocol.name());
        return null;
      }
      int[] range = portRange(portNode);
      if (range == null) {
        return null;
      }
      from = range[0];
      to = range[1];
    } else if (protocol.isIcmp()) {
      if (portNode.present()) {
        error(portNode, protocol.name() + " has no ports: write icmpType (and icmpCode)");
        return null;
      }
      Integer type = integer(n.field("icmpType"), false);
      Integer code = integer(n.field("icmpCode"), false);
      from = type == null ? -1 : type;
      to = code == null ? -1 : code;
    } else if (portNode.present() || icmpFields) {
      error(n, "protocol " + protocol.name() + " has no ports; remove port, icmpType and icmpCode");
      return null;
    }
    Peer peer = rulePeer(n, vpcGroups, prefixLists);
    if (peer == null) {
      return null;
    }
    String description = string(n.field("description"), false);
    if (description != null) {
      String p = Ec2Constraints.ruleDescriptionProblem(description);
      if (p != null) {
        error(n.field("description"), p);
        return null;
      }
    }
    Rule r = new Rule(direction, protocol, from, to, peer, description);
    String p = Ec2Constraints.portsProblem(r);
    if (p != null) {
      error(n, p);
      return null;
    }
    return r;
  }

  private Peer rulePeer(Node n, Map<String, String> vpcGroups, Set<String> prefixLists) {
    List<String> given = new ArrayList<>();
    for (String f : List.of("cidr", "group", "self", "prefixList")) {
      if (n.field(f).present()) {
        given.add(f);
      }
    }
    if (given.size() != 1) {
      error(
          n,
          given.isEmpty()
              ? "a rule needs a peer: one of cidr, group, self or prefixList"
              : "a rule has one peer, but this one has " + String.join(" and ", given));
      return null;
    }
    Node pn = n.field(given.get(0));
    switch (given.get(0)) {
      case "cidr":
        {
          String text = string(pn, true);
          return text == null ? null : cidr(pn, text);
        }
      case "group":
        {
          String name = string(pn, true);
          if (name == null) {
            return null;
          }
          String declared = vpcGroups.get(Ec2Constraints.nameKey(name));
          if (declared == null) {
            error(pn, "no group '" + name + "' in this VPC; its groups are " + vpcGroups.values());
            return null;
          }
          return new NamedGroupPeer(declared);
        }
      case "self":
        if (!pn.json().isBoolean() || !pn.json().booleanValue()) {
          error(pn, "write 'self: true' for a rule that references its own group");
          return null;
        }
        return SelfPeer.INSTANCE;
      default:
        {
          String id = id(pn, Ec2Constraints::isPrefixListId, "pl-");
          if (id == null) {
            return null;
          }
          if (!prefixLists.contains(id)) {
            error(pn, "prefix list " + id + " is not declared in this region's prefixLists");
            return null;
          }
          return new PrefixListPeer(id);
        }
    }
  }

  // ---------------------------------------------------------------- instances

  private World.Instance instance(String region, Node n, Map<String, World.Vpc> vpcs) {
    if (!mapping(
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
    String id = id(n.field("id"), Ec2Constraints.INSTANCE_ID.asMatchPredicate(), "i-");
    if (id != null && !firstDeclaration(instancePaths, id, n.field("id"), "instance")) {
      id = null;
    }
    World.Vpc vpc = null;
    Node vn = n.field("vpc");
    String vpcId = string(vn, true);
    if (vpcId != null) {
      vpc = vpcs.get(vpcId);
      if (vpc == null && !brokenVpcs.contains(vpcId)) {
        String elsewhere = vpcRegions.get(vpcId);
        error(
            vn,
            elsewhere != null
                ? "VPC " + vpcId + " is in region " + elsewhere + ", not " + region
                : "unknown VPC '"
                    + vpcId
                    + "'; "
                    + (vpcs.isEmpty()
                        ? "region " + region + " declares no VPC"
                        : "the VPCs of " + region + " are " + String.join(", ", vpcs.keySet())));
      }
    }
    Map<String, String> tags = tags(n.field("tags"));
    Set<Listener> listening = new LinkedHashSet<>();
    for (Node ln : list(n.field("listening"))) {
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
    List<Node> extras = list(n.field("interfaces"));
    boolean ok = primary != null;
    interfaces.add(primary);
    for (Node en : extras) {
      if (!mapping(en, "network interface", "id", "privateIp", "publicIp", "ipv6", "groups")) {
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
    instanceRegions.put(id, region);
    return new World.Instance(id, vpc.id(), tags, listening, interfaces);
  }

  private World.Interface networkInterface(Node n, String idField, World.Vpc vpc) {
    boolean ok = true;
    String id = null;
    if (n.field(idField).present()) {
      id = id(n.field(idField), Ec2Constraints.INTERFACE_ID.asMatchPredicate(), "eni-");
      ok &= id != null && firstDeclaration(interfacePaths, id, n.field(idField), "interface");
    }
    Node pn = n.field("privateIp");
    String privateIp = null;
    String text = string(pn, true);
    if (text != null) {
      Optional<Integer> a = Ip.parse4(text);
      if (a.isEmpty()) {
        error(pn, "'" + text + "' is not an IPv4 address");
      } else if (!vpc.cidr().contains(a.get())) {
        error(
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
        String first = privateIpPaths.putIfAbsent(key, pn.path());
        if (first != null) {
          error(pn, privateIp + " is already used in " + vpc.id() + " by " + first);
          privateIp = null;
        }
      }
    }
    ok &= privateIp != null;
    String publicIp = null;
    Node pubn = n.field("publicIp");
    String pubText = string(pubn, false);
    if (pubText != null) {
      Optional<Integer> a = Ip.parse4(pubText);
      if (a.isEmpty()) {
        error(pubn, "'" + pubText + "' is not an IPv4 address");
        ok = false;
      } else {
        publicIp = Ip.format4(a.get());
      }
    }
    String ipv6 = null;
    Node v6n = n.field("ipv6");
    String v6Text = string(v6n, false);
    if (v6Text != null) {
      Optional<long[]> a = Ip.parse6(v6Text);
      if (a.isEmpty()) {
        error(v6n, "'" + v6Text + "' is not an IPv6 address");
        ok = false;
      } else if (vpc.ipv6Cidr() == null) {
        error(v6n, vpc.id() + " has no IPv6 CIDR (ipv6Cidr), so its instances have no IPv6");
        ok = false;
      } else if (!vpc.ipv6Cidr().contains(a.get()[0], a.get()[1])) {
        error(v6n, v6Text + " is outside " + vpc.id() + "'s IPv6 CIDR " + vpc.ipv6Cidr().display());
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
      List<Node> items = list(gn);
      if (gn.json().isArray() && items.isEmpty()) {
        error(
            gn,
            "an interface carries at least one group; leave 'groups' out for the VPC's default");
        ok = false;
      }
      if (items.size() > Quotas.MAX_GROUPS_PER_INTERFACE) {
        error(
            gn,
            items.size()
                + " groups; EC2 allows at most "
                + Quotas.MAX_GROUPS_PER_INTERFACE
                + " per interface");
        ok = false;
      }
      for (Node item : items) {
        String name = string(item, true);
        if (name == null) {
          ok = false;
        } else if (!known.containsKey(Ec2Constraints.nameKey(name))) {
          error(
              item,
              "no group '" + name + "' in " + vpc.id() + "; its groups are " + known.values());
          ok = false;
        } else if (groups.contains(known.get(Ec2Constraints.nameKey(name)))) {
          error(item, "group '" + name + "' is listed twice");
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
      return port(n, j.asInt(), "tcp") ? new Listener(Protocol.TCP, j.asInt()) : null;
    }
    if (j == null || !j.isTextual()) {
      error(n, "a listener is a string or a port number, not " + kind(n) + "; " + hint);
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
      error(n, "'" + text + "' is not a listener: the protocol must be tcp or udp; " + hint);
      return null;
    }
    if (portText.isEmpty()
        || portText.length() > 5
        || !portText.chars().allMatch(Character::isDigit)) {
      error(n, "'" + text + "' is not a listener: '" + portText + "' is not a port; " + hint);
      return null;
    }
    int port = Integer.parseInt(portText);
    return port(n, port, p.get().name()) ? new Listener(p.get(), port) : null;
  }

  private boolean port(Node n, int port, String protocol) {
    if (port < 1 || port > 65535) {
      error(n, protocol + " port " + port + " is outside 1-65535");
      return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- traffic

  private World.TrafficFlow trafficFlow(
      Node n, Map<String, World.Region> regions, List<World.TrafficFlow> earlier) {
    if (!mapping(
        n, "traffic flow", "name", "region", "from", "to", "protocol", "port", "ratePerSecond")) {
      return null;
    }
    boolean ok = true;
    String name = string(n.field("name"), true);
    if (name != null && earlier.stream().anyMatch(f -> f.name().equals(name))) {
      error(n.field("name"), "a traffic flow named '" + name + "' is already declared");
      ok = false;
    }
    String region = string(n.field("region"), true);
    if (region != null && !regions.containsKey(region)) {
      error(
          n.field("region"), "unknown region '" + region + "'; the world has " + regions.keySet());
      ok = false;
    }
    Source from = trafficSource(n.field("from"));
    String to = string(n.field("to"), true);
    if (to != null) {
      String where = instanceRegions.get(to);
      if (where == null) {
        error(n.field("to"), "unknown instance '" + to + "'");
        ok = false;
      } else if (region != null && !where.equals(region)) {
        error(n.field("to"), "instance " + to + " is in region " + where + ", not " + region);
        ok = false;
      }
    }
    Protocol protocol = protocol(n.field("protocol"), false);
    Integer port = null;
    if (protocol != null) {
      Node pn = n.field("port");
      if (protocol.hasPorts()) {
        port = integer(pn, true);
        if (port != null && !port(pn, port, protocol.name())) {
          port = null;
        }
      } else if (protocol.isIcmp()) {
        port = pn.present() ? integer(pn, true) : Integer.valueOf(8);
        if (port != null && (port < 0 || port > 255)) {
          error(pn, protocol.name() + " type " + port + " is outside 0-255");
          port = null;
        }
      } else {
        if (pn.present()) {
          error(pn, "protocol " + protocol.name() + " has no ports");
        }
        port = pn.present() ? null : Integer.valueOf(0);
      }
    }
    Node rn = n.field("ratePerSecond");
    Double rate = null;
    if (!rn.present()) {
      error(rn, "missing required field 'ratePerSecond'");
    } else if (!rn.json().isNumber() || !(rn.json().asDouble() > 0)) {
      error(rn, "must be a positive number of connections per second, not " + rn.json());
    } else {
      rate = rn.json().asDouble();
    }
    if (!ok
        || name == null
        || region == null
        || from == null
        || to == null
        || protocol == null
        || port == null
        || rate == null) {
      return null;
    }
    return new World.TrafficFlow(name, region, from, to, protocol, port, rate);
  }

  private Source trafficSource(Node n) {
    if (!n.present()) {
      error(n, "missing required field 'from' (either ip or instanceId)");
      return null;
    }
    if (!mapping(n, "traffic source", "ip", "instanceId")) {
      return null;
    }
    boolean hasIp = n.field("ip").present();
    boolean hasInstance = n.field("instanceId").present();
    if (hasIp == hasInstance) {
      error(n, "a traffic source has exactly one of ip and instanceId");
      return null;
    }
    if (hasIp) {
      String ip = string(n.field("ip"), true);
      if (ip == null) {
        return null;
      }
      Optional<Integer> v4 = Ip.parse4(ip);
      if (v4.isPresent()) {
        return new Source.Address4(v4.get());
      }
      Optional<long[]> v6 = Ip.parse6(ip);
      if (v6.isPresent()) {
        return new Source.Address6(v6.get()[0], v6.get()[1]);
      }
      error(n.field("ip"), "'" + ip + "' is not an IPv4 or IPv6 address");
      return null;
    }
    String id = string(n.field("instanceId"), true);
    if (id != null && !instanceRegions.containsKey(id)) {
      error(n.field("instanceId"), "unknown instance '" + id + "'");
      return null;
    }
    return id == null ? null : new Source.Instance(id);
  }

  // ---------------------------------------------------------------- scalar helpers

  private Protocol protocol(Node n, boolean allowAll) {
    if (!n.present()) {
      return Protocol.TCP;
    }
    JsonNode j = n.json();
    if (!j.isTextual() && !j.isIntegralNumber()) {
      error(n, "a protocol is a name (tcp, udp, icmp, icmpv6, all) or a number, not " + kind(n));
      return null;
    }
    Optional<Protocol> p = Protocol.parse(j.asText());
    if (p.isEmpty()) {
      error(
          n, "'" + j.asText() + "' is not a protocol: write tcp, udp, icmp, icmpv6, all or 0-255");
      return null;
    }
    if (!allowAll && p.get().number() == -1) {
      error(n, "a flow has one concrete protocol, not 'all'");
      return null;
    }
    return p.get();
  }

  /** A port or a {@code from-to} range; absent means every port. */
  private int[] portRange(Node n) {
    if (!n.present()) {
      error(n, "missing required field 'port' (a port such as 22 or a range such as 8000-8080)");
      return null;
    }
    JsonNode j = n.json();
    int from;
    int to;
    if (j.isIntegralNumber()) {
      from = j.asInt();
      to = from;
    } else if (j.isTextual() && j.asText().matches("\\d{1,5}-\\d{1,5}")) {
      String[] parts = j.asText().split("-");
      from = Integer.parseInt(parts[0]);
      to = Integer.parseInt(parts[1]);
    } else {
      error(n, "'" + j.asText() + "' is not a port or a range such as 8000-8080");
      return null;
    }
    if (from < 0 || to > 65535 || from > to) {
      error(n, "port range " + from + "-" + to + " is not within 0-65535, lowest first");
      return null;
    }
    return new int[] {from, to};
  }

  private Peer cidr(Node n, String text) {
    Ip.CidrParse p = Ip.parseCidr(text);
    if (!p.ok()) {
      error(n, p.error());
      return null;
    }
    if (p.hostBitsMasked()) {
      error(n, text + " has host bits set; write " + p.cidr().display());
      return null;
    }
    return p.cidr();
  }

  private String id(Node n, Predicate<String> wellFormed, String prefix) {
    String id = string(n, true);
    if (id == null) {
      return null;
    }
    if (!wellFormed.test(id)) {
      error(
          n,
          "'"
              + id
              + "' is not an EC2 id: write "
              + prefix
              + " and 8 or 17 lower-case hex digits, such as "
              + prefix
              + "0a1b2c3d");
      return null;
    }
    return id;
  }

  private boolean firstDeclaration(Map<String, String> seen, String id, Node n, String what) {
    String first = seen.putIfAbsent(id, n.path());
    if (first != null) {
      error(n, "duplicate " + what + " id " + id + ", first declared at " + first);
      return false;
    }
    return true;
  }

  private String string(Node n, boolean required) {
    if (!n.present()) {
      if (required) {
        error(n, "missing required field '" + lastSegment(n.path()) + "'");
      }
      return null;
    }
    if (!n.json().isTextual()) {
      error(n, "must be a string, not " + kind(n));
      return null;
    }
    return n.json().asText();
  }

  private Integer integer(Node n, boolean required) {
    if (!n.present()) {
      if (required) {
        error(n, "missing required field '" + lastSegment(n.path()) + "'");
      }
      return null;
    }
    if (!n.json().isIntegralNumber() || !n.json().canConvertToInt()) {
      error(n, "must be a whole number, not " + kind(n));
      return null;
    }
    return n.json().asInt();
  }

  private Map<String, String> tags(Node n) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!n.present()) {
      return out;
    }
    if (!n.json().isObject()) {
      error(n, "tags are a mapping from key to value, not " + kind(n));
      return out;
    }
    for (Iterator<String> it = n.json().fieldNames(); it.hasNext(); ) {
      String key = it.next();
      Node tn = n.field(key);
      if (!tn.json().isValueNode() || tn.json().isNull()) {
        error(tn, "a tag value is a string, not " + kind(tn));
        continue;
      }
      String p = Ec2Constraints.tagProblem(key, tn.json().asText());
      if (p != null) {
        error(tn, p);
        continue;
      }
      out.put(key, tn.json().asText());
    }
    if (out.size() > Ec2Constraints.MAX_TAGS) {
      error(
          n, out.size() + " tags; EC2 allows at most " + Ec2Constraints.MAX_TAGS + " per resource");
    }
    return out;
  }

  private List<Node> list(Node n) {
    List<Node> out = new ArrayList<>();
    if (!n.present()) {
      return out;
    }
    if (!n.json().isArray()) {
      error(n, "must be a list, not " + kind(n));
      return out;
    }
    for (int i = 0; i < n.json().size(); i++) {
      out.add(n.item(i));
    }
    return out;
  }

  /** Whether {@code n} is a mapping with only the allowed fields; reports what is not. */
  private boolean mapping(Node n, String what, String... allowed) {
    if (!n.present() || !n.json().isObject()) {
      error(
          n,
          article(what)
              + " is a mapping of fields ("
              + String.join(", ", allowed)
              + "), not "
              + kind(n));
      return false;
    }
    Set<String> ok = Set.of(allowed);
    boolean clean = true;
    for (Iterator<String> it = n.json().fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!ok.contains(f)) {
        error(
            n.field(f),
            "unknown field '"
                + f
                + "'; the fields of "
                + article(what)
                + " are "
                + String.join(", ", allowed));
        clean = false;
      }
    }
    return clean;
  }

  private static String article(String noun) {
    return ("aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
  }

  private static String kind(Node n) {
    JsonNode j = n.json();
    if (j == null || j.isNull() || j.isMissingNode()) {
      return "nothing";
    }
    if (j.isArray()) {
      return "a list";
    }
    if (j.isObject()) {
      return "a mapping";
    }
    if (j.isBoolean()) {
      return "a boolean (" + j.asText() + ")";
    }
    if (j.isNumber()) {
      return "a number (" + j.asText() + ")";
    }
    return "a string (\"" + j.asText() + "\")";
  }

  private static String lastSegment(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? path : path.substring(dot + 1);
  }

  private void error(Node n, String message) {
    problems.add(Problem.error(n.path().isEmpty() ? "(document)" : n.path(), message));
  }
}
