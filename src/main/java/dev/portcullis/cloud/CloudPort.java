package dev.portcullis.cloud;

import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleCounts;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The EC2 operations Portcullis uses, per region. Every call is atomic as in EC2: it succeeds whole
 * or fails with a {@link CloudException} and changes nothing.
 */
public interface CloudPort {

  /** Creates a group; it starts with EC2's default egress rule (all traffic to 0.0.0.0/0). */
  SecurityGroupInfo createSecurityGroup(
      String region, String vpcId, String groupName, String description, Map<String, String> tags);

  /** One page of groups matching the filter; {@code maxResults} null means the service default. */
  Page<SecurityGroupInfo> describeSecurityGroups(
      String region, GroupFilter filter, String nextToken, Integer maxResults);

  /** Every group matching the filter, following pages. */
  default List<SecurityGroupInfo> describeAllSecurityGroups(String region, GroupFilter filter) {
    return Page.all(token -> describeSecurityGroups(region, filter, token, null));
  }

  /** Deletes a group; DependencyViolation while an interface or another group uses it. */
  void deleteSecurityGroup(String region, String groupId);

  /** Adds or overwrites tags on a group. */
  void createTags(String region, String resourceId, Map<String, String> tags);

  /**
   * Removes tags from a group or an instance (DeleteTags), as EC2 does: a key mapped to null
   * removes that tag whatever its value; a key mapped to a value removes the tag only while it has
   * that value ({@code ""} included). Keys the resource does not have are ignored.
   *
   * @param tags at least one key: an empty map is a caller's bug ({@link
   *     IllegalArgumentException}), because EC2 reads a DeleteTags that names no tag as "delete
   *     every tag of the resource"
   */
  void deleteTags(String region, String resourceId, Map<String, String> tags);

  /**
   * Adds rules of one direction to a group, all or none; returns their {@code sgr-} ids, in the
   * order of {@code rules}, leaving out any the cloud did not tell (the rules are added all the
   * same).
   */
  List<String> authorize(String region, String groupId, Direction direction, List<Rule> rules);

  /** Removes rules of one direction from a group, all or none. */
  void revoke(String region, String groupId, Direction direction, List<Rule> rules);

  /** Changes the descriptions of existing rules, matched by everything but the description. */
  void updateRuleDescriptions(String region, String groupId, Direction direction, List<Rule> rules);

  /** One page of instances matching the filter. */
  Page<InstanceInfo> describeInstances(
      String region, InstanceFilter filter, String nextToken, Integer maxResults);

  /** Every instance matching the filter, following pages. */
  default List<InstanceInfo> describeAllInstances(String region, InstanceFilter filter) {
    return Page.all(token -> describeInstances(region, filter, token, null));
  }

  /**
   * One page of the network interfaces that carry a group (DescribeNetworkInterfaces with the
   * filter {@code group-id}), whatever made them: instances, load balancers, functions.
   */
  Page<NetworkInterfaceInfo> describeNetworkInterfaces(
      String region, String groupId, String nextToken, Integer maxResults);

  /** Every network interface that carries a group, following pages. */
  default List<NetworkInterfaceInfo> describeAllNetworkInterfaces(String region, String groupId) {
    return Page.all(token -> describeNetworkInterfaces(region, groupId, token, null));
  }

  /**
   * The sizes of managed prefix lists (DescribeManagedPrefixLists): each list's maximum number of
   * entries and its address family. A rule that references a list counts as that many rules against
   * the quota of its group. A list the region does not have fails the call with {@code
   * InvalidPrefixListID.NotFound}.
   *
   * @param ids at least one {@code pl-} id
   */
  Map<String, RuleCounts.PrefixListSize> describePrefixListSizes(
      String region, Collection<String> ids);

  /** Replaces the groups of a network interface (ModifyNetworkInterfaceAttribute). */
  void setInterfaceGroups(String region, String interfaceId, List<String> groupIds);

  /**
   * Replaces the groups of an instance's primary network interface (ModifyInstanceAttribute with
   * Groups). EC2 refuses this for an instance with more than one network interface: set the groups
   * of each interface with {@link #setInterfaceGroups} instead.
   */
  void setInstanceGroups(String region, String instanceId, List<String> groupIds);
}
