package dev.portcullis.cloud;

import java.util.List;
import java.util.Map;

/** Which instances a describe call returns: by id, by tags, or both (both must hold). */
public record InstanceFilter(List<String> instanceIds, Map<String, String> tags) {
  public InstanceFilter {
    instanceIds = instanceIds == null ? List.of() : List.copyOf(instanceIds);
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }

  public boolean isUnfiltered() {
    return instanceIds.isEmpty() && tags.isEmpty();
  }
}
