package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** Where the attachment's groups are, as last observed. Written by the operator only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecurityGroupAttachmentStatus implements ConditionedStatus {
  @JsonPropertyDescription("The metadata.generation of the spec this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Ready: every selected instance carries every group of the spec. Its reason and message"
          + " say what is missing otherwise.")
  @SchemaFrom(type = ConditionSchema[].class)
  private List<Condition> conditions;

  @JsonPropertyDescription("How many instances carry the groups (the Instances column).")
  private Integer instanceCount;

  @JsonPropertyDescription("The network interfaces that carry the groups, one entry each.")
  private List<AttachedInstance> attachedInstances;

  @JsonPropertyDescription(
      "The group ids this attachment puts on the instances: the ones it takes off again when a"
          + " group leaves the spec, an instance stops matching, or the attachment is deleted.")
  private List<String> groupIds;

  public SecurityGroupAttachmentStatus() {}

  public List<String> getGroupIds() {
    return groupIds;
  }

  public void setGroupIds(List<String> groupIds) {
    this.groupIds = groupIds;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public Integer getInstanceCount() {
    return instanceCount;
  }

  public void setInstanceCount(Integer instanceCount) {
    this.instanceCount = instanceCount;
  }

  public List<AttachedInstance> getAttachedInstances() {
    return attachedInstances;
  }

  public void setAttachedInstances(List<AttachedInstance> attachedInstances) {
    this.attachedInstances = attachedInstances;
  }
}
