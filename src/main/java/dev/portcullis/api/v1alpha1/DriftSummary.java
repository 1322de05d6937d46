package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Objects;

/** How the rules in EC2 differ from the spec, as last observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DriftSummary {
  @JsonPropertyDescription("Atomic rules the spec asks for that EC2 does not have.")
  private Integer missing;

  @JsonPropertyDescription(
      "Atomic rules EC2 has that the spec does not ask for (with Additive ownership, only rules"
          + " the operator had added).")
  private Integer unexpected;

  @JsonPropertyDescription(
      "The first few differing rules, one line each, such as \"missing: ingress tcp port 22"
          + " from 10.0.0.0/8\".")
  private List<String> rules;

  public DriftSummary() {}

  public DriftSummary(Integer missing, Integer unexpected, List<String> rules) {
    this.missing = missing;
    this.unexpected = unexpected;
    this.rules = rules;
  }

  public Integer getMissing() {
    return missing;
  }

  public void setMissing(Integer missing) {
    this.missing = missing;
  }

  public Integer getUnexpected() {
    return unexpected;
  }

  public void setUnexpected(Integer unexpected) {
    this.unexpected = unexpected;
  }

  public List<String> getRules() {
    return rules;
  }

  public void setRules(List<String> rules) {
    this.rules = rules;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DriftSummary d
        && Objects.equals(missing, d.missing)
        && Objects.equals(unexpected, d.unexpected)
        && Objects.equals(rules, d.rules);
  }

  @Override
  public int hashCode() {
    return Objects.hash(missing, unexpected, rules);
  }
}
