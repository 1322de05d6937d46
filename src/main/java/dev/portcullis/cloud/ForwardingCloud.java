package dev.portcullis.cloud;

import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleCounts;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A cloud that hands every call to another, unchanged: a wrapper of a port extends it and overrides
 * only the calls it changes, reaching the other cloud through {@code super}.
 *
 * <p>The port's default methods, which follow a describe's pages, are not handed on: they run here,
 * on this cloud's own describe calls, so that a wrapper that changes a describe changes every page
 * of it too (pacing each page, or counting it).
 */
public class ForwardingCloud implements CloudPort {
  private final CloudPort delegate;

  public ForwardingCloud(CloudPort delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /**
   * The cloud the calls are handed to. Every call asks for it anew, so a wrapper that must act
   * before every call, whichever it is, overrides this.
   */
  public CloudPort delegate() {
    return delegate;
  }

  @Override
  public SecurityGroupInfo createSecurityGroup(
      String region, String vpcId, String groupName, String description, Map<String, String> tags) {
    return delegate().createSecurityGroup(region, vpcId, groupName, description, tags);
  }

  @Override
  public Page<SecurityGroupInfo> describeSecurityGroups(
      String region, GroupFilter filter, String nextToken, Integer maxResults) {
    return delegate().describeSecurityGroups(region, filter, nextToken, maxResults);
  }

  @Override
  public void deleteSecurityGroup(String region, String groupId) {
    delegate().deleteSecurityGroup(region, groupId);
  }

  @Override
  public void createTags(String region, String resourceId, Map<String, String> tags) {
    delegate().createTags(region, resourceId, tags);
  }

  @Override
  public void deleteTags(String region, String resourceId, Map<String, String> tags) {
    delegate().deleteTags(region, resourceId, tags);
  }

  @Override
  public List<String> authorize(
      String region, String groupId, Direction direction, List<Rule> rules) {
    return delegate().authorize(region, groupId, direction, rules);
  }

  @Override
  public void revoke(String region, String groupId, Direction direction, List<Rule> rules) {
    delegate().revoke(region, groupId, direction, rules);
  }

  @Override
  public void updateRuleDescriptions(
      String region, String groupId, Direction direction, List<Rule> rules) {
    delegate().updateRuleDescriptions(region, groupId, direction, rules);
  }

  @Override
  public Page<InstanceInfo> describeInstances(
      String region, InstanceFilter filter, String nextToken, Integer maxResults) {
    return delegate().describeInstances(region, filter, nextToken, maxResults);
  }

  @Override
  public Page<NetworkInterfaceInfo> describeNetworkInterfaces(
      String region, String groupId, String nextToken, Integer maxResults) {
    return delegate().describeNetworkInterfaces(region, groupId, nextToken, maxResults);
  }

  @Override
  public Map<String, RuleCounts.PrefixListSize> describePrefixListSizes(
      String region, Collection<String> ids) {
    return delegate().describePrefixListSizes(region, ids);
  }

  @Override
  public void setInterfaceGroups(String region, String interfaceId, List<String> groupIds) {
    delegate().setInterfaceGroups(region, interfaceId, groupIds);
  }

  @Override
  public void setInstanceGroups(String region, String instanceId, List<String> groupIds) {
    delegate().setInstanceGroups(region, instanceId, groupIds);
  }
}
