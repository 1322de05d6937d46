package dev.portcullis.engine.eval;

/** Why a flow got its verdict, as a stable code for conditions and metrics. */
public enum Reason {
  ALLOWED_LISTENING,
  ALLOWED_NOT_LISTENING,
  /**
   * The sender's egress rules allow a flow to an address outside the estate: as far as security
   * groups go it gets through; the far side (its groups, listeners, network ACLs, routes) is not
   * known.
   */
  ALLOWED_FAR_SIDE_UNKNOWN,
  NO_INGRESS_RULE,
  NO_EGRESS_RULE,
  NO_ROUTE,
  UNKNOWN_INSTANCE,
  UNKNOWN_GROUP
}
