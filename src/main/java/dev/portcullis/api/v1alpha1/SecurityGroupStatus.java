package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Map;

/** What the operator last observed of the EC2 group. Written by the operator only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecurityGroupStatus implements ConditionedStatus {
  @JsonPropertyDescription("The id of the EC2 group (sg-...), once it exists.")
  private String groupId;

  @JsonPropertyDescription(
      "The name of the EC2 group: spec.groupName, the name derived from the namespace and name,"
          + " or the adopted group's name.")
  private String groupName;

  @JsonPropertyDescription("The metadata.generation of the spec this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Ready: EC2 matches the spec. Synced: the last reconciliation reached EC2. Drifted: the"
          + " rules in EC2 differ from the spec (see drift). Each has a reason and a message.")
  @SchemaFrom(type = ConditionSchema[].class)
  private List<Condition> conditions;

  @JsonPropertyDescription(
      "Atomic inbound rules in EC2: one per protocol, port range and peer, as EC2 counts them.")
  private Integer ingressRules;

  @JsonPropertyDescription("Atomic outbound rules in EC2, counted as for ingressRules.")
  private Integer egressRules;

  @JsonPropertyDescription(
      "How the rules in EC2 differ from the spec; absent when they do not. With driftPolicy"
          + " Correct, the difference is corrected on the next reconciliation.")
  private DriftSummary drift;

  @JsonPropertyDescription(
      "The group ids that securityGroup peers resolved to, by SecurityGroup name.")
  private Map<String, String> resolvedReferences;

  @JsonPropertyDescription(
      "When the operator last compared EC2 with the spec (RFC 3339). It moves at every resync"
          + " interval, and whenever the status changes; not on each look in between.")
  private String lastSyncTime;

  @JsonPropertyDescription(
      "The atomic rules the operator has applied, in canonical text form. With Additive"
          + " ownership these are the only rules it removes.")
  private List<String> managedRules;

  @JsonPropertyDescription(
      "What the spec asks for that EC2 holds differently, such as a cidr with host bits set"
          + " (10.0.0.5/8 is held as 10.0.0.0/8), each with the field it concerns. The rules are"
          + " applied as EC2 holds them; absent when there is nothing to say.")
  private List<String> warnings;

  @JsonPropertyDescription(
      "What the group's network interfaces have been rejecting, from VPC Flow Logs: the most"
          + " frequent rejections of the last read that found any, with counts and reasons."
          + " Written at most once per read of the flow logs; absent when the operator reads"
          + " none, and once no rejection has been seen for 15 minutes.")
  private DenialSummary denials;

  public SecurityGroupStatus() {}

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

  public Integer getIngressRules() {
    return ingressRules;
  }

  public void setIngressRules(Integer ingressRules) {
    this.ingressRules = ingressRules;
  }

  public Integer getEgressRules() {
    return egressRules;
  }

  public void setEgressRules(Integer egressRules) {
    this.egressRules = egressRules;
  }

  public DriftSummary getDrift() {
    return drift;
  }

  public void setDrift(DriftSummary drift) {
    this.drift = drift;
  }

  public Map<String, String> getResolvedReferences() {
    return resolvedReferences;
  }

  public void setResolvedReferences(Map<String, String> resolvedReferences) {
    this.resolvedReferences = resolvedReferences;
  }

  public String getLastSyncTime() {
    return lastSyncTime;
  }

  public void setLastSyncTime(String lastSyncTime) {
    this.lastSyncTime = lastSyncTime;
  }

  public List<String> getManagedRules() {
    return managedRules;
  }

  public void setManagedRules(List<String> managedRules) {
    this.managedRules = managedRules;
  }

  public DenialSummary getDenials() {
    return denials;
  }

  public void setDenials(DenialSummary denials) {
    this.denials = denials;
  }

  public List<String> getWarnings() {
    return warnings;
  }

  public void setWarnings(List<String> warnings) {
    this.warnings = warnings;
  }
}
