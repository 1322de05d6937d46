package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What the operator does when the rules in EC2 no longer match the spec. */
public enum DriftPolicy {
  /** Put EC2 back the way the spec says. */
  @JsonProperty("Correct")
  CORRECT,
  /** Leave EC2 alone; report the difference in {@code status.drift} and the Drifted condition. */
  @JsonProperty("Report")
  REPORT
}
