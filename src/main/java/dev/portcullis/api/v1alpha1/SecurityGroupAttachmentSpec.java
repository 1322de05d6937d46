package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Objects;

/** Security groups to put on a set of instances. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "size(self.securityGroups)"
            + " + (has(self.securityGroupIds) ? size(self.securityGroupIds) : 0) <= 16",
    message =
        "securityGroups and securityGroupIds together name at most 16 groups, EC2's limit per"
            + " network interface")
public class SecurityGroupAttachmentSpec {
  @JsonPropertyDescription(
      "The AWS region of the instances and groups, such as eu-west-1. Immutable.")
  @Required
  @ValidationRule(value = Schema.REGION_RULE, message = Schema.REGION_MESSAGE)
  @Size(max = Schema.REGION_MAX)
  @ValidationRule(value = Schema.IMMUTABLE, message = "region is immutable")
  private String region;

  @JsonPropertyDescription(
      "Names of SecurityGroups in this namespace to attach: 1 to 16. The attachment waits until"
          + " each has a group id.")
  @Required
  @Size(min = 1, max = 16)
  @ValidationRule(
      value = Schema.OBJECT_NAMES_RULE,
      message = Schema.OBJECT_NAMES_MESSAGE,
      messageExpression = Schema.OBJECT_NAMES_MESSAGE_EXPRESSION)
  private List<@Size(max = Schema.OBJECT_NAME_MAX) String> securityGroups;

  @JsonPropertyDescription(
      "Ids of further groups not managed in this namespace (sg-...), attached as well: up to"
          + " 15, 16 in all with securityGroups.")
  @Size(max = 15)
  @ValidationRule(
      value = Schema.GROUP_IDS_RULE,
      message = Schema.GROUP_IDS_MESSAGE,
      messageExpression = Schema.GROUP_IDS_MESSAGE_EXPRESSION)
  private List<@Size(max = Schema.ID_MAX) String> securityGroupIds;

  @JsonPropertyDescription("The instances to attach the groups to: ids, a tag selector or both.")
  @Required
  private InstanceTargets instances;

  @JsonPropertyDescription(
      "Whether to keep the VPC's default group on the interfaces. EC2 puts it on an interface"
          + " launched without groups, and it admits all traffic from every other member, which is"
          + " rarely wanted next to groups of your own: by default (false) it is taken off when"
          + " these groups go on. Every other group already on an interface is always kept.")
  @Default("false")
  private Boolean keepDefaultGroup;

  public SecurityGroupAttachmentSpec() {}

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public List<String> getSecurityGroups() {
    return securityGroups;
  }

  public void setSecurityGroups(List<String> securityGroups) {
    this.securityGroups = securityGroups;
  }

  public List<String> getSecurityGroupIds() {
    return securityGroupIds;
  }

  public void setSecurityGroupIds(List<String> securityGroupIds) {
    this.securityGroupIds = securityGroupIds;
  }

  public Boolean getKeepDefaultGroup() {
    return keepDefaultGroup;
  }

  public void setKeepDefaultGroup(Boolean keepDefaultGroup) {
    this.keepDefaultGroup = keepDefaultGroup;
  }

  public InstanceTargets getInstances() {
    return instances;
  }

  public void setInstances(InstanceTargets instances) {
    this.instances = instances;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecurityGroupAttachmentSpec s
        && Objects.equals(region, s.region)
        && Objects.equals(securityGroups, s.securityGroups)
        && Objects.equals(securityGroupIds, s.securityGroupIds)
        && Objects.equals(instances, s.instances)
        && Objects.equals(keepDefaultGroup, s.keepDefaultGroup);
  }

  @Override
  public int hashCode() {
    return Objects.hash(region, securityGroups, securityGroupIds, instances, keepDefaultGroup);
  }
}
