package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** The outcome of the last evaluation. Written by the operator only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReachabilityCheckStatus implements ConditionedStatus {
  @JsonPropertyDescription(
      "What a client would see: Reachable (the connection opens), TimedOut (a security group"
          + " drops it) or ConnectionRefused (the groups allow it, nothing listens).")
  private ReachabilityVerdict verdict;

  @JsonPropertyDescription("Why, in a sentence: which rules allowed or which leg was dropped.")
  private String explanation;

  @JsonPropertyDescription(
      "The ingress rule of the destination's groups that admitted the connection; for an"
          + " address outside the estate, which has no groups, the source's egress rule that let it"
          + " out. Absent when none did.")
  private DecidingRule decidingRule;

  @JsonPropertyDescription(
      "When the connection was last evaluated (RFC 3339). It moves at every resync interval,"
          + " and whenever the verdict or the status changes; not on each look in between.")
  private String lastEvaluated;

  @JsonPropertyDescription("The metadata.generation of the spec this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Evaluated: the connection could be evaluated (False with a reason when, say, an instance"
          + " does not exist). ExpectationMet: the verdict matches spec.expect; absent without"
          + " expect.")
  @SchemaFrom(type = ConditionSchema[].class)
  private List<Condition> conditions;

  public ReachabilityCheckStatus() {}

  public ReachabilityVerdict getVerdict() {
    return verdict;
  }

  public void setVerdict(ReachabilityVerdict verdict) {
    this.verdict = verdict;
  }

  public String getExplanation() {
    return explanation;
  }

  public void setExplanation(String explanation) {
    this.explanation = explanation;
  }

  public DecidingRule getDecidingRule() {
    return decidingRule;
  }

  public void setDecidingRule(DecidingRule decidingRule) {
    this.decidingRule = decidingRule;
  }

  public String getLastEvaluated() {
    return lastEvaluated;
  }

  public void setLastEvaluated(String lastEvaluated) {
    this.lastEvaluated = lastEvaluated;
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
}
