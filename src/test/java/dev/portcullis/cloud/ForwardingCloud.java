package dev.portcullis.cloud;

import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleCounts;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A cloud that hands every call to another: tests override the calls they want to change, or {@link
 * #before} to act ahead of every call.
 */
public class ForwardingCloud implements CloudPort {
  private final CloudPort to;

  public ForwardingCloud(CloudPort to) {
    this.to = to;
  }

  /** Runs before every call is handed on; by default nothing. */
  protected void before() {}

  @Override
  public SecurityGroupInfo createSecurityGroup(
      String region, String vpcId, String groupName, String description, Map<String, String> tags) {
    before();
    return to.createSecurityGroup(region, vpcId, groupName, description, tags);
  }

  @Override
  public Page<SecurityGroupInfo> describeSecurityGroups(
      String region, GroupFilter filter, String nextToken, Integer maxResults) {
    before();
    return to.describeSecurityGroups(region, filter, nextToken, maxResults);
  }

  @Override
  public void deleteSecurityGroup(String region, String groupId) {
    before();
    to.deleteSecurityGroup(region, groupId);
  }

  @Override
  public void createTags(String region, String resourceId, Map<String, String> tags) {
    before();
    to.createTags(region, resourceId, tags);
  }

  @Override
  public void deleteTags(String region, String resourceId, Map<String, String> tags) {
    before();
    to.deleteTags(region, resourceId, tags);
  }

  @Override
  public List<String> authorize(
      String region, String groupId, Direction direction, List<Rule> rules) {
    before();
    return to.authorize(region, groupId, direction, rules);
  }

  @Override
  public void revoke(String region, String groupId, Direction direction, List<Rule> rules) {
    before();
    to.revoke(region, groupId, direction, rules);
  }

  @Override
  public void updateRuleDescriptions(
      String region, String groupId, Direction direction, List<Rule> rules) {
    before();
    to.updateRuleDescriptions(region, groupId, direction, rules);
  }

  @Override
  public Page<InstanceInfo> describeInstances(
      String region, InstanceFilter filter, String nextToken, Integer maxResults) {
    before();
    return to.describeInstances(region, filter, nextToken, maxResults);
  }

  @Override
  public Page<NetworkInterfaceInfo> describeNetworkInterfaces(
      String region, String groupId, String nextToken, Integer maxResults) {
    before();
    return to.describeNetworkInterfaces(region, groupId, nextToken, maxResults);
  }

  @Override
  public Map<String, RuleCounts.PrefixListSize> describePrefixListSizes(
      String region, Collection<String> ids) {
    before();
    return to.describePrefixListSizes(region, ids);
  }

  @Override
  public void setInterfaceGroups(String region, String interfaceId, List<String> groupIds) {
    before();
    to.setInterfaceGroups(region, interfaceId, groupIds);
  }

  @Override
  public void setInstanceGroups(String region, String instanceId, List<String> groupIds) {
    before();
    to.setInstanceGroups(region, instanceId, groupIds);
  }
}
