package dev.portcullis.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a client would see, as in {@link dev.portcullis.engine.eval.Verdict}. */
public enum ReachabilityVerdict {
  /** The groups allow the connection and something listens: it opens. */
  @JsonProperty("Reachable")
  REACHABLE,
  /** A security group drops the connection: the client waits and times out. */
  @JsonProperty("TimedOut")
  TIMED_OUT,
  /** The groups allow it but nothing listens on the port: refused at once. */
  @JsonProperty("ConnectionRefused")
  CONNECTION_REFUSED
}
