package dev.portcullis.cloud.simulator;

import static dev.portcullis.cloud.simulator.WorldDocument.kind;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.cloud.simulator.WorldDocument.Node;
import dev.portcullis.engine.Canonicalizer;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.NamedGroupPeer;
import dev.portcullis.engine.PeerSpec;
import dev.portcullis.engine.Problem;
import dev.portcullis.engine.Quotas;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleCounts.PrefixListSize;
import dev.portcullis.engine.RuleSpec;
import dev.portcullis.engine.Validation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads the {@code groups} of a world's VPC: names EC2 would take, unique in the VPC whatever their
 * case, and rules in the shape of a SecurityGroup resource's, checked by the engine's {@link
 * Canonicalizer} against the quotas given, with the engine's problems put at their place in the
 * file.
 */
final class WorldGroupReader {
  private final WorldDocument doc;
  private final Quotas quotas;

  WorldGroupReader(WorldDocument doc, Quotas quotas) {
    this.doc = doc;
    this.quotas = quotas;
  }

  /**
   * The groups a VPC declares besides its default group, from its {@code groups} node; {@code
   * vpcId} is null when the VPC's own id is wrong.
   */
  List<World.GroupSpec> groups(
      Node groupsNode, String vpcId, Map<String, World.PrefixList> prefixLists) {
    // Names first, so that rules may reference any group of the VPC whatever the order. Names are
    // case-insensitive in EC2: the map goes from the name's key to the name as declared.
    List<Node> groupNodes = doc.list(groupsNode);
    Map<String, String> names = new LinkedHashMap<>();
    names.put(Ec2Constraints.DEFAULT_GROUP, Ec2Constraints.DEFAULT_GROUP);
    for (Node gn : groupNodes) {
      if (gn.present() && gn.json().isObject() && gn.json().path("name").isTextual()) {
        String name = gn.json().path("name").asText();
        String first = names.putIfAbsent(Ec2Constraints.nameKey(name), name);
        if (Ec2Constraints.isDefaultName(name)) {
          doc.error(
              gn.field("name"),
              "'"
                  + name
                  + "' is the name of the VPC's default group, which every VPC has (group names"
                  + " are case-insensitive); choose another name");
        } else if (first != null) {
          doc.error(
              gn.field("name"),
              "group '"
                  + name
                  + "' is declared twice in "
                  + (vpcId == null ? "this VPC" : vpcId)
                  + (first.equals(name)
                      ? ""
                      : " (as '" + first + "'; group names are case-insensitive)"));
        }
      }
    }
    GroupRefs refs = new GroupRefs(vpcId, names);
    List<World.GroupSpec> groups = new ArrayList<>();
    for (Node gn : groupNodes) {
      World.GroupSpec g = group(gn, refs, prefixLists);
      if (g != null) {
        groups.add(g);
      }
    }
    return groups;
  }

  /**
   * A group's rules are written as a SecurityGroup resource's are, and checked by the engine's
   * {@link Canonicalizer}, so that a rule has one shape and one set of checks wherever it is
   * written. What only a world can get wrong (a group name or prefix list the world does not
   * declare) is checked here first.
   */
  private World.GroupSpec group(Node n, GroupRefs refs, Map<String, World.PrefixList> prefixLists) {
    if (!doc.mapping(n, "security group", "name", "description", "tags", "ingress", "egress")) {
      return null;
    }
    String name = doc.string(n.field("name"), true);
    if (name != null && Ec2Constraints.isDefaultName(name)) {
      name = null; // reported with the VPC's names
    } else if (name != null) {
      String p = Ec2Constraints.groupNameProblem(name);
      if (p != null) {
        doc.error(n.field("name"), p);
        name = null;
      }
    }
    String description = doc.string(n.field("description"), false);
    if (description == null) {
      description = name == null ? "" : name;
    } else {
      String p = Ec2Constraints.groupDescriptionProblem(description);
      if (p != null) {
        doc.error(n.field("description"), p);
      }
    }
    Map<String, String> tags = doc.tags(n.field("tags"));
    int before = doc.problemCount();
    List<RuleSpec> specs = new ArrayList<>();
    ruleSpecs(n.field("ingress"), Direction.INGRESS, refs, prefixLists.keySet(), specs);
    boolean keepsDefaultEgress = !n.field("egress").present();
    ruleSpecs(n.field("egress"), Direction.EGRESS, refs, prefixLists.keySet(), specs);
    Map<String, PrefixListSize> sizes = new HashMap<>();
    prefixLists.values().forEach(pl -> sizes.put(pl.id(), pl.size()));
    Canonicalizer.Result result = Canonicalizer.canonicalize(specs, quotas, sizes);
    for (Problem p : result.problems()) {
      // The engine names a direction as a whole (for its quota) with the resource's path.
      String field = p.field().startsWith("spec.") ? n.path() + p.field().substring(4) : p.field();
      if (doc.severalFiles() && !p.isError()) {
        field = doc.source() + ": " + field; // a warning outlives the file it was found in
      }
      Problem here = new Problem(p.severity(), field, refs.inMessage(p.message()));
      if (here.isError()) {
        doc.problems.add(here);
      } else {
        doc.warnings.add(here);
      }
    }
    if (name == null || doc.problemCount() > before) {
      return null;
    }
    List<Rule> ingress = new ArrayList<>();
    List<Rule> egress = new ArrayList<>();
    for (Rule r : result.rules()) {
      Rule named = refs.declared(r);
      (r.direction() == Direction.INGRESS ? ingress : egress).add(named);
    }
    if (keepsDefaultEgress) {
      // As for a SecurityGroup resource: no egress field keeps EC2's allow-all rule; an empty
      // list means no egress at all.
      egress.add(Rule.DEFAULT_EGRESS);
    }
    return new World.GroupSpec(name, description, tags, ingress, egress);
  }

  /**
   * Reads the rules of one direction as written (the SecurityGroup resource's shape: protocol,
   * ports, icmp, description, and peers under {@code from} or {@code to}) into {@code out}, with
   * their paths. A rule whose fields are of the wrong kind is reported here and left out, so that
   * the engine does not report it a second time as, say, a rule without ports.
   */
  private void ruleSpecs(
      Node n, Direction direction, GroupRefs refs, Set<String> prefixLists, List<RuleSpec> out) {
    String peersField = direction == Direction.INGRESS ? "from" : "to";
    for (Node rn : doc.list(n)) {
      if (!doc.mapping(
          rn, direction.word() + " rule", "protocol", "ports", "icmp", peersField, "description")) {
        continue;
      }
      int before = doc.problemCount();
      String protocol = null;
      Node pn = rn.field("protocol");
      if (pn.present()) {
        if (pn.json().isTextual() || pn.json().isIntegralNumber()) {
          protocol = pn.json().asText();
        } else {
          doc.error(
              pn,
              "a protocol is a name (tcp, udp, icmp, icmpv6, all) or a number, not " + kind(pn));
        }
      }
      List<String> ports = new ArrayList<>();
      for (Node item : doc.list(rn.field("ports"))) {
        JsonNode j = item.json();
        if (j != null && (j.isTextual() || j.isIntegralNumber())) {
          ports.add(j.asText());
        } else {
          doc.error(
              item,
              "a port is a number (22), a range (\"8000-8080\") or a name (ssh), not "
                  + kind(item));
        }
      }
      Integer icmpType = null;
      Integer icmpCode = null;
      Node icmp = rn.field("icmp");
      if (icmp.present() && doc.mapping(icmp, "ICMP match", "type", "code")) {
        icmpType = doc.integer(icmp.field("type"), true);
        icmpCode = doc.integer(icmp.field("code"), false);
      }
      String description = doc.string(rn.field("description"), false);
      List<PeerSpec> peers = new ArrayList<>();
      for (Node item : doc.list(rn.field(peersField))) {
        peers.add(peerSpec(item, refs, prefixLists));
      }
      if (doc.problemCount() == before) {
        out.add(
            new RuleSpec(
                rn.path(), direction, protocol, ports, icmpType, icmpCode, peers, description));
      }
    }
  }

  /**
   * One peer as the engine takes it. A peer that names what the world does not have is reported
   * here and handed on as {@code self}, so that the rule's other problems are still found.
   */
  private PeerSpec peerSpec(Node n, GroupRefs refs, Set<String> prefixLists) {
    PeerSpec stand = PeerSpec.selfRef();
    if (!doc.mapping(
        n, "peer", "cidr", "securityGroup", "securityGroupId", "prefixListId", "self")) {
      return stand;
    }
    int before = doc.problemCount();
    String cidr = doc.string(n.field("cidr"), false);
    String group = doc.string(n.field("securityGroup"), false);
    String groupId = doc.string(n.field("securityGroupId"), false);
    String prefixList = doc.string(n.field("prefixListId"), false);
    Boolean self = null;
    Node sn = n.field("self");
    if (sn.present()) {
      if (sn.json().isBoolean()) {
        self = sn.json().booleanValue();
      } else {
        doc.error(sn, "must be true (the rule's own group), not " + kind(sn));
      }
    }
    if (doc.problemCount() > before) {
      return stand;
    }
    PeerSpec spec = new PeerSpec(cidr, group, groupId, prefixList, self);
    long named = Stream.of(cidr, group, groupId, prefixList, self).filter(Objects::nonNull).count();
    if (named != 1) {
      return spec; // the engine says what is wrong with it
    }
    if (group != null) {
      String standIn = refs.standIn(group);
      if (standIn == null) {
        doc.error(
            n.field("securityGroup"),
            "no group '" + group + "' in " + refs.vpc() + "; its groups are " + refs.names());
        return stand;
      }
      return PeerSpec.group(standIn);
    }
    if (groupId != null) {
      doc.error(
          n.field("securityGroupId"),
          "the groups of a world get their ids when the simulator starts, so a world's rule cannot"
              + " name one by id; name a group of the same VPC with securityGroup, or the rule's"
              + " own group with self: true");
      return stand;
    }
    if (prefixList != null
        && Ec2Constraints.isPrefixListId(prefixList)
        && !prefixLists.contains(prefixList)) {
      doc.error(
          n.field("prefixListId"),
          "prefix list " + prefixList + " is not declared in this region's prefixLists");
      return stand;
    }
    return spec;
  }

  /**
   * The groups a rule of one VPC may name. The engine reads a {@code securityGroup} peer as the
   * name of a SecurityGroup resource, which allows fewer characters than an EC2 group name (no
   * capitals, no spaces). Each group is therefore handed to the engine under a stand-in that is a
   * valid resource name, and its own name is put back in the canonical rules and in the engine's
   * messages: the stand-in is the name itself when it is a valid resource name, otherwise {@code
   * sg-N-name}, which no EC2 group can be called. References are case-insensitive, as EC2's names
   * are, and resolve to the name as declared.
   */
  private static final class GroupRefs {
    private final String vpc;
    private final Map<String, String> byKey;
    private final Map<String, String> standIns = new HashMap<>();
    private final Map<String, String> declared = new HashMap<>();

    GroupRefs(String vpcId, Map<String, String> byKey) {
      this.vpc = vpcId == null ? "this VPC" : vpcId;
      this.byKey = byKey;
      int k = 0;
      for (String name : byKey.values()) {
        String standIn = name;
        if (!Validation.isKubernetesName(name)) {
          standIn = "sg-" + k + "-name";
          k++;
        }
        standIns.put(name, standIn);
        declared.put(standIn, name);
      }
    }

    String vpc() {
      return vpc;
    }

    Collection<String> names() {
      return byKey.values();
    }

    /** The stand-in for a referenced name, or null when the VPC has no such group. */
    String standIn(String reference) {
      String name = byKey.get(Ec2Constraints.nameKey(reference));
      return name == null ? null : standIns.get(name);
    }

    /** A canonical rule with its group reference, if any, back under the group's own name. */
    Rule declared(Rule r) {
      if (r.peer() instanceof NamedGroupPeer n) {
        return r.withPeer(new NamedGroupPeer(declared.get(n.name())));
      }
      return r;
    }

    String inMessage(String message) {
      String out = message;
      for (Map.Entry<String, String> e : declared.entrySet()) {
        if (!e.getKey().equals(e.getValue())) {
          out =
              out.replace(
                  new NamedGroupPeer(e.getKey()).display(),
                  new NamedGroupPeer(e.getValue()).display());
        }
      }
      return out;
    }
  }
}
