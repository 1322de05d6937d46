package dev.portcullis.api.v1alpha1;

/**
 * The condition types the operator sets in {@code status.conditions}, each with status True, False
 * or Unknown and a reason in CamelCase that says why.
 */
public final class ConditionTypes {
  private ConditionTypes() {}

  /** SecurityGroup and SecurityGroupAttachment: EC2 matches the spec, as far as it can. */
  public static final String READY = "Ready";

  /** SecurityGroup: the last reconciliation reached EC2 and applied its plan. */
  public static final String SYNCED = "Synced";

  /** SecurityGroup: the rules in EC2 differ from the spec (see {@code status.drift}). */
  public static final String DRIFTED = "Drifted";

  /** ReachabilityCheck: the flow was evaluated against the groups in EC2. */
  public static final String EVALUATED = "Evaluated";

  /** ReachabilityCheck: the verdict matches {@code spec.expect}. */
  public static final String EXPECTATION_MET = "ExpectationMet";
}
