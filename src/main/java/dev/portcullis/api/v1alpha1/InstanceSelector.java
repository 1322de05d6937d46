package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;
import java.util.Objects;

/** Instances chosen by their EC2 tags. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InstanceSelector {
  @JsonPropertyDescription(
      "EC2 tags an instance must all carry, with these exact values: 1 to 10. Instances that"
          + " gain the tags later are attached on a later reconciliation.")
  @Required
  @Size(min = 1, max = 10)
  @ValidationRule(
      value = "self.all(k, size(k) >= 1 && size(k) <= 128)",
      message = "tag keys must have 1 to 128 characters")
  private Map<String, @Size(max = 256) String> tags;

  public InstanceSelector() {}

  public InstanceSelector(Map<String, String> tags) {
    this.tags = tags;
  }

  public Map<String, String> getTags() {
    return tags;
  }

  public void setTags(Map<String, String> tags) {
    this.tags = tags;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InstanceSelector s && Objects.equals(tags, s.tags);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(tags);
  }
}
