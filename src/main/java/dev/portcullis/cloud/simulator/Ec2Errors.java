package dev.portcullis.cloud.simulator;

import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.CloudException.Kind;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The errors the simulator answers with: EC2's error codes (from the EC2 API reference's list of
 * error codes), a kind that says whether retrying can help, and messages modelled on EC2's with the
 * names a user needs to act on.
 */
final class Ec2Errors {
  private Ec2Errors() {}

  static CloudException requestLimitExceeded(Ec2Action action) {
    return new CloudException(
        "RequestLimitExceeded", Kind.THROTTLED, "Request limit exceeded (" + action + ").");
  }

  static CloudException missingParameter(String parameter) {
    return new CloudException(
        "MissingParameter", Kind.INVALID, "The request must contain the parameter " + parameter);
  }

  static CloudException invalidParameterValue(String message) {
    return new CloudException("InvalidParameterValue", Kind.INVALID, message);
  }

  static CloudException invalidParameterCombination(String message) {
    return new CloudException("InvalidParameterCombination", Kind.INVALID, message);
  }

  static CloudException paginationToken() {
    return new CloudException(
        "InvalidPaginationToken",
        Kind.INVALID,
        "The specified pagination token is not valid for this request");
  }

  static CloudException groupIdMalformed(String id) {
    return new CloudException(
        "InvalidGroupId.Malformed",
        Kind.INVALID,
        "Invalid id: \"" + id + "\" (expecting \"sg-...\")");
  }

  static CloudException groupNotFound(List<String> ids) {
    String message =
        ids.size() == 1
            ? "The security group '" + ids.get(0) + "' does not exist"
            : "The security groups " + quoted(ids) + " do not exist";
    return new CloudException("InvalidGroup.NotFound", Kind.NOT_FOUND, message);
  }

  static CloudException groupNotFound(String id) {
    return groupNotFound(List.of(id));
  }

  /** EC2 answers a reference to a group of another VPC as if the group did not exist. */
  static CloudException groupNotInVpc(String id, String vpcId) {
    return new CloudException(
        "InvalidGroup.NotFound",
        Kind.NOT_FOUND,
        "The security group '" + id + "' does not exist in VPC '" + vpcId + "'");
  }

  /**
   * {@code existing} is the name as the group holds it, which may differ from {@code name} in case.
   */
  static CloudException groupDuplicate(String name, String existing, String vpcId) {
    return new CloudException(
        "InvalidGroup.Duplicate",
        Kind.CONFLICT,
        "The security group '"
            + name
            + "' already exists for VPC '"
            + vpcId
            + "'"
            + (existing.equals(name)
                ? ""
                : " as '" + existing + "' (group names are case-insensitive)"));
  }

  static CloudException groupReserved(String name) {
    return new CloudException(
        "InvalidGroup.Reserved",
        Kind.INVALID,
        "The security group name '"
            + name
            + "' is reserved for the VPC's default group"
            + (name.equals("default") ? "" : " (group names are case-insensitive)"));
  }

  static CloudException cannotDelete(String id) {
    return new CloudException(
        "CannotDelete",
        Kind.INVALID,
        "the specified group: \""
            + id
            + "\" name: \"default\" cannot be deleted by a user; it is the default group of its"
            + " VPC, whose rules can be changed but which cannot be removed");
  }

  /**
   * A group that cannot be deleted while {@code interfaces} ("eni-... (instance i-...)") carry it
   * or the rules of {@code referencing} ("sg-... (name)") name it; at least one is not empty.
   */
  static CloudException dependencyViolation(
      String id, List<String> interfaces, List<String> referencing) {
    List<String> parts = new ArrayList<>();
    if (!interfaces.isEmpty()) {
      parts.add(
          "it is attached to network interface"
              + (interfaces.size() == 1 ? " " : "s ")
              + String.join(", ", interfaces));
    }
    if (!referencing.isEmpty()) {
      parts.add(
          "rules of security group"
              + (referencing.size() == 1 ? " " : "s ")
              + String.join(", ", referencing)
              + " reference it");
    }
    return new CloudException(
        "DependencyViolation",
        Kind.CONFLICT,
        "resource " + id + " has a dependent object: " + String.join("; ", parts));
  }

  static CloudException vpcIdMalformed(String id) {
    return new CloudException(
        "InvalidVpcID.Malformed",
        Kind.INVALID,
        "Invalid id: \"" + id + "\" (expecting \"vpc-...\")");
  }

  static CloudException vpcNotFound(String id) {
    return new CloudException(
        "InvalidVpcID.NotFound", Kind.NOT_FOUND, "The vpc ID '" + id + "' does not exist");
  }

  static CloudException permissionDuplicate(Rule rule, boolean withinRequest) {
    return new CloudException(
        "InvalidPermission.Duplicate",
        Kind.CONFLICT,
        "the specified rule \""
            + ec2Text(rule)
            + "\" already exists"
            + (withinRequest ? " (it appears twice in this request)" : ""));
  }

  static CloudException permissionNotFound(Rule rule) {
    return new CloudException(
        "InvalidPermission.NotFound",
        Kind.NOT_FOUND,
        "The specified rule does not exist in this security group: \"" + ec2Text(rule) + "\"");
  }

  static CloudException rulesLimit(String groupId, Direction direction, int v4, int v6, int quota) {
    return new CloudException(
        "RulesPerSecurityGroupLimitExceeded",
        Kind.INVALID,
        "The maximum number of rules per security group has been reached: "
            + groupId
            + " would have "
            + v4
            + " IPv4 and "
            + v6
            + " IPv6 "
            + direction.word()
            + " rules, above the quota of "
            + quota);
  }

  static CloudException prefixListNotFound(String id) {
    return new CloudException(
        "InvalidPrefixListID.NotFound",
        Kind.NOT_FOUND,
        "The prefix list ID '" + id + "' does not exist");
  }

  static CloudException prefixListIdMalformed(String id) {
    return new CloudException(
        "InvalidPrefixListID.Malformed",
        Kind.INVALID,
        "The prefix list ID '" + id + "' is malformed");
  }

  static CloudException ruleIdMalformed(String id) {
    return new CloudException(
        "InvalidSecurityGroupRuleId.Malformed",
        Kind.INVALID,
        "The security group rule ID '" + id + "' is malformed");
  }

  static CloudException ruleNotFound(String id) {
    return new CloudException(
        "InvalidSecurityGroupRuleId.NotFound",
        Kind.NOT_FOUND,
        "The security group rule ID '" + id + "' does not exist");
  }

  static CloudException ruleNotInGroup(String id, String groupId) {
    return new CloudException(
        "InvalidSecurityGroupRuleId.NotFound",
        Kind.NOT_FOUND,
        "The specified rule " + id + " does not exist in this security group (" + groupId + ")");
  }

  static CloudException interfaceIdMalformed(String id) {
    return new CloudException(
        "InvalidNetworkInterfaceId.Malformed",
        Kind.INVALID,
        "Invalid id: \"" + id + "\" (expecting \"eni-...\")");
  }

  static CloudException interfaceNotFound(String id) {
    return new CloudException(
        "InvalidNetworkInterfaceID.NotFound",
        Kind.NOT_FOUND,
        "The networkInterface ID '" + id + "' does not exist");
  }

  static CloudException differentNetworks(String resourceId, String vpcId, List<String> others) {
    return new CloudException(
        "InvalidParameter",
        Kind.INVALID,
        "You have specified two resources that belong to different networks: "
            + resourceId
            + " is in "
            + vpcId
            + ", security group"
            + (others.size() == 1 ? " " : "s ")
            + String.join(", ", others)
            + (others.size() == 1 ? " is" : " are")
            + " not");
  }

  static CloudException groupsPerInterface(String resourceId, int requested, int quota) {
    return new CloudException(
        "SecurityGroupsPerInterfaceLimitExceeded",
        Kind.INVALID,
        "The maximum number of security groups per interface has been reached: "
            + requested
            + " groups for "
            + resourceId
            + ", quota "
            + quota);
  }

  /** ModifyInstanceAttribute names no interface, so EC2 refuses it when there is a choice. */
  static CloudException multipleInterfaces(String instanceId, List<String> interfaceIds) {
    return new CloudException(
        "InvalidInstanceID",
        Kind.INVALID,
        "Instance '"
            + instanceId
            + "' has "
            + interfaceIds.size()
            + " network interfaces ("
            + String.join(", ", interfaceIds)
            + "), so its groups cannot be replaced as a whole; name the interface instead"
            + " (ModifyNetworkInterfaceAttribute)");
  }

  static CloudException instanceIdMalformed(String id) {
    return new CloudException(
        "InvalidInstanceID.Malformed",
        Kind.INVALID,
        "Invalid id: \"" + id + "\" (expecting \"i-...\")");
  }

  static CloudException instanceNotFound(List<String> ids) {
    String message =
        ids.size() == 1
            ? "The instance ID '" + ids.get(0) + "' does not exist"
            : "The instance IDs " + quoted(ids) + " do not exist";
    return new CloudException("InvalidInstanceID.NotFound", Kind.NOT_FOUND, message);
  }

  static CloudException invalidId(String id) {
    return new CloudException(
        "InvalidID",
        Kind.INVALID,
        "The ID '"
            + id
            + "' is not valid: tags go on security groups (sg-...) or instances (i-...)");
  }

  static CloudException tagLimit(String resourceId, int count, int max) {
    return new CloudException(
        "TagLimitExceeded",
        Kind.INVALID,
        "The maximum number of tags for a resource has been reached: "
            + resourceId
            + " would have "
            + count
            + " tags, at most "
            + max
            + " are allowed");
  }

  /** A rule as EC2 spells it in InvalidPermission messages. */
  static String ec2Text(Rule r) {
    Protocol p = r.protocol();
    String proto = p.number() == -1 ? "ALL" : p.name().toUpperCase(Locale.ROOT);
    return "peer: "
        + r.peer().display()
        + ", "
        + proto
        + ", from port: "
        + r.fromPort()
        + ", to port: "
        + r.toPort()
        + ", ALLOW";
  }

  private static String quoted(List<String> ids) {
    return ids.stream().map(i -> "'" + i + "'").collect(Collectors.joining(", "));
  }
}
