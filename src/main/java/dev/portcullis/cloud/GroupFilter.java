package dev.portcullis.cloud;

import java.util.List;
import java.util.Map;

/**
 * Which groups a describe call returns; every non-empty criterion must hold (EC2's filter
 * semantics). Empty lists and maps mean "any".
 */
public record GroupFilter(
    List<String> groupIds, List<String> groupNames, String vpcId, Map<String, String> tags) {
  public GroupFilter {
    groupIds = groupIds == null ? List.of() : List.copyOf(groupIds);
    groupNames = groupNames == null ? List.of() : List.copyOf(groupNames);
    tags = tags == null ? Map.of() : Map.copyOf(tags);
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
