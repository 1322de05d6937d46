package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Objects;

/** The instances an attachment applies to: listed by id, chosen by tags, or both. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.ids) || has(self.selector)",
    message = "instances needs ids, a selector or both")
public class InstanceTargets {
  @JsonPropertyDescription("Instance ids (i- followed by 8 or 17 hex digits): 1 to 100.")
  @Size(min = 1, max = 100)
  @ValidationRule(
      value = Schema.INSTANCE_IDS_RULE,
      message = Schema.INSTANCE_IDS_MESSAGE,
      messageExpression = Schema.INSTANCE_IDS_MESSAGE_EXPRESSION)
  private List<@Size(max = Schema.ID_MAX) String> ids;

  @JsonPropertyDescription(
      "Instances chosen by their tags, in the attachment's region. Together with ids, the"
          + " attachment applies to both sets.")
  private InstanceSelector selector;

  public InstanceTargets() {}

  public List<String> getIds() {
    return ids;
  }

  public void setIds(List<String> ids) {
    this.ids = ids;
  }

  public InstanceSelector getSelector() {
    return selector;
  }

  public void setSelector(InstanceSelector selector) {
    this.selector = selector;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InstanceTargets t
        && Objects.equals(ids, t.ids)
        && Objects.equals(selector, t.selector);
  }

  @Override
  public int hashCode() {
    return Objects.hash(ids, selector);
  }
}
