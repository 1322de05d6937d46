package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** The security-group rule that let a checked connection in. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DecidingRule {
  @JsonPropertyDescription("The id of the group that holds the rule (sg-...).")
  private String groupId;

  @JsonPropertyDescription("The name of that group in EC2.")
  private String groupName;

  @JsonPropertyDescription("The rule, one line, such as \"ingress tcp port 443 from 0.0.0.0/0\".")
  private String rule;

  public DecidingRule() {}

  public DecidingRule(String groupId, String groupName, String rule) {
    this.groupId = groupId;
    this.groupName = groupName;
    this.rule = rule;
  }

  public String getGroupId() {
    return groupId;
  }

  public void setGroupId(String groupId) {
    this.groupId = groupId;
  }

  public String getGroupName() {
    return groupName;
  }

  public void setGroupName(String groupName) {
    this.groupName = groupName;
  }

  public String getRule() {
    return rule;
  }

  public void setRule(String rule) {
    this.rule = rule;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DecidingRule d
        && Objects.equals(groupId, d.groupId)
        && Objects.equals(groupName, d.groupName)
        && Objects.equals(rule, d.rule);
  }

  @Override
  public int hashCode() {
    return Objects.hash(groupId, groupName, rule);
  }
}
