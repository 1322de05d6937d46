package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which rules of the EC2 group the operator answers for. */
public enum RuleOwnership {
  /** The spec is the whole truth: rules in EC2 that the spec does not list are removed. */
  @JsonProperty("Authoritative")
  AUTHORITATIVE,
  /**
   * The operator adds the rules of the spec and removes only rules it added itself (see {@code
   * status.managedRules}); rules added by others are left alone.
   */
  @JsonProperty("Additive")
  ADDITIVE
}
