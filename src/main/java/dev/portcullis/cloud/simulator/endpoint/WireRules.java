package dev.portcullis.cloud.simulator.endpoint;

import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.CloudException.Kind;
import dev.portcullis.cloud.simulator.Ec2Api;
import dev.portcullis.engine.Canonicalizer;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Peer;
import dev.portcullis.engine.PrefixListPeer;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rules on the wire: EC2's {@code IpPermissions} (one protocol and port range with several peers,
 * each peer with its description) read into the model's atomic canonical rules, and written back
 * from them, as EC2 groups them in its answers; and one rule as a {@code SecurityGroupRule}.
 */
final class WireRules {
  private WireRules() {}

  /**
   * The rules of {@code IpPermissions.N.*}, plus the legacy top-level form ({@code IpProtocol},
   * {@code FromPort}, {@code ToPort}, {@code CidrIp}) that AuthorizeSecurityGroupIngress takes.
   */
  static List<Rule> read(QueryRequest request, Direction direction) {
    List<Rule> out = new ArrayList<>();
    for (QueryRequest p : request.members("IpPermissions")) {
      String protocol = p.required("IpProtocol");
      Integer from = p.integer("FromPort");
      Integer to = p.integer("ToPort");
      int before = out.size();
      for (QueryRequest r : p.members("IpRanges")) {
        out.add(rule(direction, protocol, from, to, cidr(r.required("CidrIp"), false), r));
      }
      for (QueryRequest r : p.members("Ipv6Ranges")) {
        out.add(rule(direction, protocol, from, to, cidr(r.required("CidrIpv6"), true), r));
      }
      for (QueryRequest r : p.members("Groups")) {
        out.add(rule(direction, protocol, from, to, groupPeer(r), r));
      }
      for (QueryRequest r : p.members("PrefixListIds")) {
        out.add(
            rule(direction, protocol, from, to, new PrefixListPeer(r.required("PrefixListId")), r));
      }
      if (out.size() == before) {
        throw new CloudException(
            "MissingParameter",
            Kind.INVALID,
            "The request must contain the parameter ipRanges, ipv6Ranges, groups or prefixListIds"
                + " of each IpPermissions");
      }
    }
    if (request.has("IpProtocol") || request.has("CidrIp")) {
      String protocol = request.required("IpProtocol");
      Peer peer = cidr(request.required("CidrIp"), false);
      out.add(
          rule(
              direction,
              protocol,
              request.integer("FromPort"),
              request.integer("ToPort"),
              peer,
              QueryRequest.of(Map.of())));
    }
    return out;
  }

  private static Rule rule(
      Direction d, String protocol, Integer from, Integer to, Peer peer, QueryRequest withDesc) {
    return rule(d, protocol, from, to, peer, withDesc.get("Description"));
  }

  static Rule rule(
      Direction d, String protocol, Integer from, Integer to, Peer peer, String description) {
    Protocol p =
        Protocol.parse(protocol)
            .orElseThrow(
                () ->
                    new CloudException(
                        "InvalidParameterValue",
                        Kind.INVALID,
                        "Invalid value '" + protocol + "' for IP protocol. Unknown protocol."));
    if (p.hasPorts() && (from == null || to == null)) {
      throw new CloudException(
          "InvalidParameterValue",
          Kind.INVALID,
          "Invalid value for portRange. Must specify both from and to ports with TCP/UDP.");
    }
    return Canonicalizer.fromEc2(d, protocol, from, to, peer, description);
  }

  /** A CIDR of the family the parameter is for; host bits are dropped, as EC2 stores it. */
  static Peer cidr(String text, boolean ipv6) {
    Ip.CidrParse c = Ip.parseCidr(text);
    String parameter = ipv6 ? "cidrIpv6" : "cidrIp";
    if (!c.ok() || (c.cidr() instanceof Cidr6) != ipv6) {
      throw new CloudException(
          "InvalidParameterValue",
          Kind.INVALID,
          "Value ("
              + text
              + ") for parameter "
              + parameter
              + " is invalid. This is not a valid "
              + (ipv6 ? "IPv6 " : "")
              + "CIDR block.");
    }
    return c.cidr();
  }

  private static Peer groupPeer(QueryRequest pair) {
    String id = pair.get("GroupId");
    if (id == null || id.isEmpty()) {
      // A group named without its id is EC2-Classic's or the default VPC's form.
      throw new CloudException(
          "VPCIdNotSpecified",
          Kind.INVALID,
          "No default VPC for this user: name the referenced group by its GroupId");
    }
    return new GroupPeer(id);
  }

  /**
   * Writes rules of one direction as EC2's permissions ({@code ipPermissions} or {@code
   * ipPermissionsEgress}): one item per protocol and port range, its peers in EC2's four lists.
   */
  static void write(Xml out, String element, List<Rule> rules) {
    Map<List<Integer>, List<Rule>> byPorts = new LinkedHashMap<>();
    for (Rule r : rules) {
      byPorts
          .computeIfAbsent(
              List.of(r.protocol().number(), r.fromPort(), r.toPort()), k -> new ArrayList<>())
          .add(r);
    }
    out.start(element);
    for (List<Rule> same : byPorts.values()) {
      Rule first = same.get(0);
      out.start("item").leaf("ipProtocol", first.protocol().ec2Name());
      if (first.protocol().hasPorts() || first.protocol().isIcmp()) {
        out.leaf("fromPort", first.fromPort()).leaf("toPort", first.toPort());
      }
      peers(out, "groups", same, GroupPeer.class);
      peers(out, "ipRanges", same, Cidr4.class);
      peers(out, "ipv6Ranges", same, Cidr6.class);
      peers(out, "prefixListIds", same, PrefixListPeer.class);
      out.end();
    }
    out.end();
  }

  private static void peers(Xml out, String element, List<Rule> rules, Class<?> kind) {
    out.start(element);
    for (Rule r : rules) {
      Peer p = r.peer();
      if (!kind.isInstance(p)) {
        continue;
      }
      String d = description(r);
      out.start("item");
      if (p instanceof GroupPeer g) {
        out.leaf("description", d).leaf("userId", Ec2Api.ACCOUNT_ID).leaf("groupId", g.groupId());
      } else if (p instanceof Cidr4 c) {
        out.leaf("description", d).leaf("cidrIp", c.display());
      } else if (p instanceof Cidr6 c) {
        out.leaf("description", d).leaf("cidrIpv6", c.display());
      } else if (p instanceof PrefixListPeer pl) {
        out.leaf("description", d).leaf("prefixListId", pl.prefixListId());
      }
      out.end();
    }
    out.end();
  }

  /** One rule as a {@code securityGroupRuleSet} item (DescribeSecurityGroupRules, authorize). */
  static void writeRule(Xml out, String region, String groupId, String ruleId, Rule r) {
    out.start("item")
        .leaf("securityGroupRuleId", ruleId)
        .leaf("groupId", groupId)
        .leaf("groupOwnerId", Ec2Api.ACCOUNT_ID);
    ruleFields(out, r);
    if (r.peer() instanceof GroupPeer g) {
      out.start("referencedGroupInfo")
          .leaf("groupId", g.groupId())
          .leaf("userId", Ec2Api.ACCOUNT_ID)
          .end();
    }
    out.leaf("description", description(r))
        .start("tagSet")
        .end()
        .leaf(
            "securityGroupRuleArn",
            "arn:aws:ec2:" + region + ":" + Ec2Api.ACCOUNT_ID + ":security-group-rule/" + ruleId)
        .end();
  }

  /** The same rule as a {@code revokedSecurityGroupRuleSet} item. */
  static void writeRevoked(Xml out, String groupId, String ruleId, Rule r) {
    out.start("item").leaf("securityGroupRuleId", ruleId).leaf("groupId", groupId);
    ruleFields(out, r);
    if (r.peer() instanceof GroupPeer g) {
      out.leaf("referencedGroupId", g.groupId());
    }
    out.leaf("description", description(r)).end();
  }

  /**
   * What both rule items say alike: direction, protocol, ports and an address peer (a group peer
   * each writes its own way, in the same place).
   */
  private static void ruleFields(Xml out, Rule r) {
    out.leaf("isEgress", r.direction() == Direction.EGRESS)
        .leaf("ipProtocol", r.protocol().ec2Name())
        .leaf("fromPort", r.fromPort())
        .leaf("toPort", r.toPort());
    Peer p = r.peer();
    if (p instanceof Cidr4 c) {
      out.leaf("cidrIpv4", c.display());
    } else if (p instanceof Cidr6 c) {
      out.leaf("cidrIpv6", c.display());
    } else if (p instanceof PrefixListPeer pl) {
      out.leaf("prefixListId", pl.prefixListId());
    }
  }

  /** A rule's description, absent when empty, as EC2 writes it. */
  private static String description(Rule r) {
    return r.description().isEmpty() ? null : r.description();
  }

  /** Tags as EC2's {@code tagSet}. */
  static void writeTags(Xml out, Map<String, String> tags) {
    out.start("tagSet");
    tags.forEach((k, v) -> out.start("item").leaf("key", k).leaf("value", v).end());
    out.end();
  }
}
