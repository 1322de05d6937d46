package dev.portcullis.cloud;

import java.util.List;
import java.util.Map;

/**
 * Which groups a describe call returns; every non-empty criterion must hold (EC2's filter
 * semantics). Empty lists and maps mean "any".
 *
 * @param ruleIds whether the rules come with their {@code sgr-} ids; without them a cloud may
 *     answer with fewer requests (EC2's DescribeSecurityGroups carries no rule ids: the AWS adapter
 *     reads them with DescribeSecurityGroupRules), and a rule's id may be null
 */
public record GroupFilter(
    List<String> groupIds,
    List<String> groupNames,
    String vpcId,
    Map<String, String> tags,
    boolean ruleIds) {
  public GroupFilter {
    groupIds = groupIds == null ? List.of() : List.copyOf(groupIds);
    groupNames = groupNames == null ? List.of() : List.copyOf(groupNames);
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }

  /** A filter whose groups come with their rules' ids. */
  public GroupFilter(
      List<String> groupIds, List<String> groupNames, String vpcId, Map<String, String> tags) {
    this(groupIds, groupNames, vpcId, tags, true);
  }

  /** The same groups, their rules without ids. */
  public GroupFilter withoutRuleIds() {
    return new GroupFilter(groupIds, groupNames, vpcId, tags, false);
  }

  public static GroupFilter all() {
    return new GroupFilter(null, null, null, null);
  }

  public static GroupFilter ids(String... ids) {
    return new GroupFilter(List.of(ids), null, null, null);
  }

  public static GroupFilter tags(Map<String, String> tags) {
    return new GroupFilter(null, null, null, tags);
  }

  /** Whether this filter is unfiltered (EC2 throttles unfiltered describes harder). */
  public boolean isUnfiltered() {
    return groupIds.isEmpty() && groupNames.isEmpty() && vpcId == null && tags.isEmpty();
  }
}
