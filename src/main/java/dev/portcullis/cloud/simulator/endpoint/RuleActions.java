package dev.portcullis.cloud.simulator.endpoint;

import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.CloudException.Kind;
import dev.portcullis.cloud.Page;
import dev.portcullis.cloud.simulator.Ec2Api;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Peer;
import dev.portcullis.engine.PrefixListPeer;
import dev.portcullis.engine.Rule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rules: authorize and revoke (by permission or by rule id) in both directions, their descriptions
 * (by permission or by rule id), DescribeSecurityGroupRules and ModifySecurityGroupRules.
 */
final class RuleActions {
  private static final Set<String> PERMISSION_PARAMETERS =
      Set.of(
          "GroupId",
          "GroupName",
          "IpPermissions",
          "IpProtocol",
          "FromPort",
          "ToPort",
          "CidrIp",
          "SourceSecurityGroupName",
          "SourceSecurityGroupOwnerId");

  private final Ec2Api api;

  private RuleActions(Ec2Api api) {
    this.api = api;
  }

  static void register(Actions actions, Ec2Api api) {
    RuleActions a = new RuleActions(api);
    Set<String> authorize = new HashSet<>(PERMISSION_PARAMETERS);
    authorize.add("TagSpecification");
    Set<String> revoke = new HashSet<>(PERMISSION_PARAMETERS);
    revoke.add("SecurityGroupRuleId");
    Set<String> describe = new HashSet<>(PERMISSION_PARAMETERS);
    describe.add("SecurityGroupRuleDescription");
    for (Direction d : Direction.values()) {
      String suffix = d == Direction.INGRESS ? "Ingress" : "Egress";
      actions
          .add("AuthorizeSecurityGroup" + suffix, authorize, (r, q, o) -> a.authorize(r, q, o, d))
          .add("RevokeSecurityGroup" + suffix, revoke, (r, q, o) -> a.revoke(r, q, o, d))
          .add(
              "UpdateSecurityGroupRuleDescriptions" + suffix,
              describe,
              (r, q, o) -> a.descriptions(r, q, o, d));
    }
    actions
        .add(
            "DescribeSecurityGroupRules",
            Set.of("SecurityGroupRuleId", "Filter", "MaxResults", "NextToken"),
            a::describe)
        .add("ModifySecurityGroupRules", Set.of("GroupId", "SecurityGroupRule"), a::modify);
  }

  private static void noSourceGroupName(QueryRequest req) {
    if (req.has("SourceSecurityGroupName") || req.has("SourceSecurityGroupOwnerId")) {
      throw new CloudException(
          "VPCIdNotSpecified",
          Kind.INVALID,
          "No default VPC for this user: reference groups in IpPermissions by their GroupId");
    }
  }

  private void authorize(String region, QueryRequest req, Xml out, Direction d) {
    String groupId = GroupActions.groupId(req);
    noSourceGroupName(req);
    if (!req.members("TagSpecification").isEmpty()) {
      throw unsupported("tags on security group rules");
    }
    List<Rule> rules = WireRules.read(req, d);
    List<String> ids = api.simulator().authorize(region, groupId, d, rules);
    out.leaf("return", true).start("securityGroupRuleSet");
    for (int i = 0; i < rules.size() && i < ids.size(); i++) {
      WireRules.writeRule(out, region, groupId, ids.get(i), rules.get(i));
    }
    out.end();
  }

  private void revoke(String region, QueryRequest req, Xml out, Direction d) {
    String groupId = GroupActions.groupId(req);
    noSourceGroupName(req);
    List<String> ruleIds = req.list("SecurityGroupRuleId");
    List<Rule> rules = WireRules.read(req, d);
    if (!ruleIds.isEmpty() && !rules.isEmpty()) {
      throw new CloudException(
          "InvalidParameterCombination",
          Kind.INVALID,
          "The parameter SecurityGroupRuleIds cannot be used with the parameter IpPermissions");
    }
    List<Ec2Api.RuleEntry> removed =
        ruleIds.isEmpty()
            ? api.revokeRules(region, groupId, d, rules)
            : api.revokeRuleIds(region, groupId, d, ruleIds);
    out.leaf("return", true).start("revokedSecurityGroupRuleSet");
    removed.forEach(e -> WireRules.writeRevoked(out, e.groupId(), e.ruleId(), e.rule()));
    out.end();
  }

  private void descriptions(String region, QueryRequest req, Xml out, Direction d) {
    String groupId = GroupActions.groupId(req);
    noSourceGroupName(req);
    List<QueryRequest> byId = req.members("SecurityGroupRuleDescription");
    List<Rule> rules = WireRules.read(req, d);
    if (!byId.isEmpty() && !rules.isEmpty()) {
      throw new CloudException(
          "InvalidParameterCombination",
          Kind.INVALID,
          "The parameter SecurityGroupRuleDescriptions cannot be used with the parameter"
              + " IpPermissions");
    }
    if (!byId.isEmpty()) {
      Map<String, String> descriptions = new LinkedHashMap<>();
      for (QueryRequest m : byId) {
        descriptions.put(m.required("SecurityGroupRuleId"), m.get("Description"));
      }
      api.updateRuleDescriptionsById(region, groupId, d, descriptions);
    } else {
      api.simulator().updateRuleDescriptions(region, groupId, d, rules);
    }
    out.leaf("return", true);
  }

  private void describe(String region, QueryRequest req, Xml out) {
    Page<Ec2Api.RuleEntry> page =
        api.describeSecurityGroupRules(region, req.describeQuery("SecurityGroupRuleId"));
    out.start("securityGroupRuleSet");
    for (Ec2Api.RuleEntry e : page.items()) {
      WireRules.writeRule(out, region, e.groupId(), e.ruleId(), e.rule());
    }
    out.end().leaf("nextToken", page.nextToken());
  }

  private void modify(String region, QueryRequest req, Xml out) {
    String groupId = req.required("GroupId");
    List<Ec2Api.RuleChange> changes = new ArrayList<>();
    for (QueryRequest m : req.members("SecurityGroupRule")) {
      String id = m.required("SecurityGroupRuleId");
      QueryRequest r = m.member("SecurityGroupRule");
      Peer peer = null;
      int peers = 0;
      if (r.get("CidrIpv4") != null) {
        peer = WireRules.cidr(r.get("CidrIpv4"), false);
        peers++;
      }
      if (r.get("CidrIpv6") != null) {
        peer = WireRules.cidr(r.get("CidrIpv6"), true);
        peers++;
      }
      if (r.get("PrefixListId") != null) {
        peer = new PrefixListPeer(r.required("PrefixListId"));
        peers++;
      }
      if (r.get("ReferencedGroupId") != null) {
        peer = new GroupPeer(r.required("ReferencedGroupId"));
        peers++;
      }
      if (peers != 1) {
        throw new CloudException(
            "InvalidParameterCombination",
            Kind.INVALID,
            "A security group rule takes exactly one of CidrIpv4, CidrIpv6, PrefixListId and"
                + " ReferencedGroupId; "
                + id
                + " has "
                + peers);
      }
      String protocol = r.required("IpProtocol");
      // the same checks as a permission's; the direction is the rule's own, set by the model
      WireRules.rule(
          Direction.INGRESS,
          protocol,
          r.integer("FromPort"),
          r.integer("ToPort"),
          peer,
          r.get("Description"));
      changes.add(
          new Ec2Api.RuleChange(
              id,
              protocol,
              r.integer("FromPort"),
              r.integer("ToPort"),
              peer,
              r.get("Description")));
    }
    api.modifySecurityGroupRules(region, groupId, changes);
    out.leaf("return", true);
  }

  static CloudException unsupported(String what) {
    return new CloudException(
        "UnsupportedOperation",
        Kind.INVALID,
        "The simulator does not support " + what + "; see docs/simulator.md");
  }
}
