package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** Where a checked connection comes from: exactly one of the fields is set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "(has(self.cidr) ? 1 : 0) + (has(self.instanceId) ? 1 : 0)"
            + " + (has(self.securityGroup) ? 1 : 0) + (has(self.securityGroupId) ? 1 : 0) == 1",
    message = "from must set exactly one of cidr, instanceId, securityGroup or securityGroupId")
public class FlowSource {
  @JsonPropertyDescription(
      "Addresses outside the estate, such as 203.0.113.7/32 for one laptop: the connection is"
          + " Reachable only when it is for every address of the block.")
  @Size(max = Schema.CIDR_MAX)
  @ValidationRule(value = Schema.CIDR_RULE, message = Schema.CIDR_MESSAGE)
  private String cidr;

  @JsonPropertyDescription(
      "An instance (i-...): its own groups' egress rules apply as well as the target's ingress"
          + " rules.")
  @ValidationRule(
      value = Schema.INSTANCE_ID_RULE,
      message = "instanceId" + Schema.IS_AN_INSTANCE_ID)
  @Size(max = Schema.ID_MAX)
  private String instanceId;

  @JsonPropertyDescription(
      "The name of a SecurityGroup in this namespace: a hypothetical instance that carries only"
          + " that group.")
  @ValidationRule(
      value = Schema.OBJECT_NAME_RULE,
      message = "securityGroup" + Schema.IS_AN_OBJECT_NAME)
  @Size(max = Schema.OBJECT_NAME_MAX)
  private String securityGroup;

  @JsonPropertyDescription(
      "A security group id (sg-...): a hypothetical instance that carries only that group.")
  @ValidationRule(value = Schema.GROUP_ID_RULE, message = "securityGroupId" + Schema.IS_A_GROUP_ID)
  @Size(max = Schema.ID_MAX)
  private String securityGroupId;

  public FlowSource() {}

  public String getCidr() {
    return cidr;
  }

  public void setCidr(String cidr) {
    this.cidr = cidr;
  }

  public String getInstanceId() {
    return instanceId;
  }

  public void setInstanceId(String instanceId) {
    this.instanceId = instanceId;
  }

  public String getSecurityGroup() {
    return securityGroup;
  }

  public void setSecurityGroup(String securityGroup) {
    this.securityGroup = securityGroup;
  }

  public String getSecurityGroupId() {
    return securityGroupId;
  }

  public void setSecurityGroupId(String securityGroupId) {
    this.securityGroupId = securityGroupId;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FlowSource s
        && Objects.equals(cidr, s.cidr)
        && Objects.equals(instanceId, s.instanceId)
        && Objects.equals(securityGroup, s.securityGroup)
        && Objects.equals(securityGroupId, s.securityGroupId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cidr, instanceId, securityGroup, securityGroupId);
  }
}
