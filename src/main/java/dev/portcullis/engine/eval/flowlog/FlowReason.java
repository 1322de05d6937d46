package dev.portcullis.engine.eval.flowlog;

/** Why a flow log record got its action: the {@code reason} label of the flow meters. */
public enum FlowReason {
  /** Accepted. */
  ALLOWED("allowed"),
  /** Rejected arriving: no ingress rule of the interface's groups allows it. */
  NO_INGRESS_RULE("no_ingress_rule"),
  /** Rejected leaving: no egress rule of the interface's groups allows it. */
  NO_EGRESS_RULE("no_egress_rule"),
  /**
   * Rejected although the interface's groups allow it: a network ACL dropped it, or it was a late
   * packet of a connection whose tracking had ended. Not a security group.
   */
  NOT_SECURITY_GROUP("not_security_group");

  private final String label;

  FlowReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
