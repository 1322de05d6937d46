package dev.portcullis.engine.eval;

/** Why a flow got its verdict, as a stable code for conditions and metrics. */
public enum Reason {
  ALLOWED_LISTENING,
  ALLOWED_NOT_LISTENING,
  NO_INGRESS_RULE,
  NO_EGRESS_RULE,
  NO_ROUTE,
  UNKNOWN_INSTANCE,
  UNKNOWN_GROUP
}
