package dev.portcullis.cloud.simulator.endpoint;

import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.CloudException.Kind;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.cloud.Page;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.cloud.simulator.Ec2Api;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Rule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Security groups: CreateSecurityGroup, DeleteSecurityGroup, DescribeSecurityGroups. */
final class GroupActions {
  private final Ec2Api api;

  private GroupActions(Ec2Api api) {
    this.api = api;
  }

  static void register(Actions actions, Ec2Api api) {
    GroupActions g = new GroupActions(api);
    actions
        .add(
            "CreateSecurityGroup",
            Set.of("GroupName", "GroupDescription", "VpcId", "TagSpecification"),
            g::create)
        .add("DeleteSecurityGroup", Set.of("GroupId", "GroupName"), g::delete)
        .add(
            "DescribeSecurityGroups",
            Set.of("GroupId", "GroupName", "Filter", "MaxResults", "NextToken"),
            g::describe);
  }

  private void create(String region, QueryRequest req, Xml out) {
    Map<String, String> tags = tagSpecifications(req, "security-group");
    SecurityGroupInfo g =
        api.simulator()
            .createSecurityGroup(
                region, req.get("VpcId"), req.get("GroupName"), req.get("GroupDescription"), tags);
    out.leaf("return", true).leaf("groupId", g.groupId());
    WireRules.writeTags(out, g.tags());
    out.leaf("securityGroupArn", arn(region, g.groupId()));
  }

  private void delete(String region, QueryRequest req, Xml out) {
    String id = groupId(req);
    api.simulator().deleteSecurityGroup(region, id);
    out.leaf("return", true).leaf("groupId", id);
  }

  private void describe(String region, QueryRequest req, Xml out) {
    Page<SecurityGroupInfo> page =
        api.describeSecurityGroups(region, req.describeQuery("GroupId"), req.list("GroupName"));
    out.start("securityGroupInfo");
    for (SecurityGroupInfo g : page.items()) {
      out.start("item")
          .leaf("ownerId", Ec2Api.ACCOUNT_ID)
          .leaf("groupId", g.groupId())
          .leaf("groupName", g.groupName())
          .leaf("groupDescription", g.description())
          .leaf("vpcId", g.vpcId());
      List<Rule> rules = g.rules().stream().map(ObservedRule::rule).toList();
      WireRules.write(
          out,
          "ipPermissions",
          rules.stream().filter(r -> r.direction() == Direction.INGRESS).toList());
      WireRules.write(
          out,
          "ipPermissionsEgress",
          rules.stream().filter(r -> r.direction() == Direction.EGRESS).toList());
      WireRules.writeTags(out, g.tags());
      out.leaf("securityGroupArn", arn(region, g.groupId())).end();
    }
    out.end().leaf("nextToken", page.nextToken());
  }

  static String arn(String region, String groupId) {
    return "arn:aws:ec2:" + region + ":" + Ec2Api.ACCOUNT_ID + ":security-group/" + groupId;
  }

  /**
   * The group an action names. A name without an id is the form of EC2-Classic and the default VPC,
   * which the simulator does not have; EC2 answers it so in an account without a default VPC.
   */
  static String groupId(QueryRequest req) {
    String id = req.get("GroupId");
    if ((id == null || id.isEmpty()) && req.get("GroupName") != null) {
      throw new CloudException(
          "VPCIdNotSpecified",
          Kind.INVALID,
          "No default VPC for this user: name the group by its GroupId");
    }
    return req.required("GroupId");
  }

  /** The tags of {@code TagSpecification.N}, each of which must be for {@code resourceType}. */
  static Map<String, String> tagSpecifications(QueryRequest req, String resourceType) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (QueryRequest spec : req.members("TagSpecification")) {
      String type = spec.required("ResourceType");
      if (!type.equals(resourceType)) {
        throw new CloudException(
            "InvalidParameterValue",
            Kind.INVALID,
            "'" + type + "' is not a valid taggable resource type for this operation.");
      }
      spec.tags("Tag").forEach((k, v) -> tags.put(k, v == null ? "" : v));
    }
    return tags;
  }
}
