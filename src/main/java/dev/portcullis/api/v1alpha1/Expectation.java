package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What the author of a ReachabilityCheck expects. */
public enum Expectation {
  /** Met by the verdict Reachable. */
  @JsonProperty("Reachable")
  REACHABLE,
  /** Met by the verdict TimedOut: a security group drops the connection. */
  @JsonProperty("Blocked")
  BLOCKED
}
