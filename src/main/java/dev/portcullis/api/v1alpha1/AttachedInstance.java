package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Objects;

/** One network interface the attachment has put its groups on. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AttachedInstance {
  @JsonPropertyDescription("The instance id (i-...).")
  private String instanceId;

  @JsonPropertyDescription("The network interface (eni-...) that carries the groups.")
  private String interfaceId;

  @JsonPropertyDescription(
      "Every group id on the interface after the attachment, its own and any others.")
  private List<String> groupIds;

  public AttachedInstance() {}

  public AttachedInstance(String instanceId, String interfaceId, List<String> groupIds) {
    this.instanceId = instanceId;
    this.interfaceId = interfaceId;
    this.groupIds = groupIds;
  }

  public String getInstanceId() {
    return instanceId;
  }

  public void setInstanceId(String instanceId) {
    this.instanceId = instanceId;
  }

  public String getInterfaceId() {
    return interfaceId;
  }

  public void setInterfaceId(String interfaceId) {
    this.interfaceId = interfaceId;
  }

  public List<String> getGroupIds() {
    return groupIds;
  }

  public void setGroupIds(List<String> groupIds) {
    this.groupIds = groupIds;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AttachedInstance a
        && Objects.equals(instanceId, a.instanceId)
        && Objects.equals(interfaceId, a.interfaceId)
        && Objects.equals(groupIds, a.groupIds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(instanceId, interfaceId, groupIds);
  }
}
