package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** Where a checked connection goes to. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FlowTarget {
  @JsonPropertyDescription(
      "The destination instance (i-...): its groups' ingress rules decide, and whether anything"
          + " listens on the port tells Reachable from ConnectionRefused.")
  @Required
  @ValidationRule(
      value = Schema.INSTANCE_ID_RULE,
      message = "instanceId" + Schema.IS_AN_INSTANCE_ID)
  @Size(max = Schema.ID_MAX)
  private String instanceId;

  public FlowTarget() {}

  public FlowTarget(String instanceId) {
    this.instanceId = instanceId;
  }

  public String getInstanceId() {
    return instanceId;
  }

  public void setInstanceId(String instanceId) {
    this.instanceId = instanceId;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FlowTarget t && Objects.equals(instanceId, t.instanceId);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(instanceId);
  }
}
