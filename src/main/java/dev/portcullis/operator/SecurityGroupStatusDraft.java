package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.ConditionTypes;
import dev.portcullis.api.v1alpha1.DriftPolicy;
import dev.portcullis.api.v1alpha1.DriftSummary;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupSpec;
import dev.portcullis.api.v1alpha1.SecurityGroupStatus;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Plan;
import dev.portcullis.engine.Problem;
import dev.portcullis.engine.Rule;
import dev.portcullis.sync.ManagedRules;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The status a SecurityGroup's reconciliation builds: its conditions, rule counts and drift. */
final class SecurityGroupStatusDraft extends StatusDraft<SecurityGroupStatus, SecurityGroup> {
  /** Set by {@link #queued}. */
  boolean queued;

  SecurityGroupStatusDraft(SecurityGroup sg, OperatorContext op) {
    super(sg, SecurityGroupStatus::new, op);
  }

  boolean specChanged() {
    return !Objects.equals(status.getObservedGeneration(), generation);
  }

  /**
   * Whether the rules of this generation have not been applied yet: the spec changed, or the last
   * reconciliation waited for a referenced group and so applied nothing. A difference from EC2 is
   * then the spec's to apply, not drift.
   */
  boolean rulesPending() {
    return specChanged()
        || Conditions.hasReason(status.getConditions(), ConditionTypes.READY, REFERENCE_NOT_FOUND);
  }

  private String uid() {
    return resource.getMetadata().getUid();
  }

  boolean reportsDrift() {
    return resource.getSpec().getDriftPolicy() == DriftPolicy.REPORT;
  }

  /** Sets Ready (and Synced) to False with a reason, sending a Warning event on a change. */
  private void notReady(String reason, String message, boolean synced) {
    announce(ConditionTypes.READY, false, reason, message);
    condition(
        ConditionTypes.SYNCED,
        synced,
        synced ? "Synced" : reason,
        synced ? "EC2 was read and written as planned" : message);
  }

  /**
   * What the spec asks for that EC2 holds differently (CIDR host bits masked): kept in status, and
   * a Warning event when they change. They do not make the group unready: the rules are applied as
   * EC2 holds them, as EC2 itself would apply them.
   */
  void warnings(List<Problem> warnings) {
    List<String> now =
        warnings.isEmpty() ? null : warnings.stream().map(Problem::toString).toList();
    if (now != null && !now.equals(status.getWarnings())) {
      op.events().warning(resource, "SpecWarning", String.join("; ", now));
    }
    status.setWarnings(now);
  }

  void invalid(String message) {
    observe();
    notReady("InvalidSpec", message + "; nothing was sent to EC2", false);
  }

  void refused(String reason, String message) {
    observe();
    notReady(reason, message, false);
  }

  void cloudRefused(CloudException e) {
    observe();
    notReady(
        e.code(),
        "EC2 refused the change: "
            + e.getMessage()
            + " (not retried until the spec changes or the next resync)",
        false);
  }

  void group(SecurityGroupInfo g) {
    status.setGroupId(g.groupId());
    status.setGroupName(g.groupName());
  }

  void groupDeleted(String id) {
    observe();
    if (op.reportedDrift().report(uid(), ReportedDrift.Drift.deleted(id), before)) {
      op.metrics().driftFound(REPORT, OperatorMetrics.DriftOutcome.GROUP_DELETED);
      op.metrics().driftSeen(resource, resource.getSpec().getRegion(), Instant.now(op.clock()));
    }
    condition(
        ConditionTypes.DRIFTED,
        true,
        "GroupDeleted",
        id + " was deleted outside Portcullis; driftPolicy Report leaves it so");
    notReady(
        "GroupDeleted",
        id + " no longer exists in EC2 (driftPolicy: Report, so it was not recreated)",
        true);
  }

  void waitingFor(List<String> waiting) {
    observe();
    notReady(
        REFERENCE_NOT_FOUND,
        "Waiting for SecurityGroup "
            + String.join(", ", waiting)
            + "; rules are applied once every referenced group exists",
        true);
  }

  /**
   * How long a group waits for its turn to be created before its status says so. Most waits are
   * shorter; and when many resources arrive at once, their reconciliations then end without a
   * status write while the first turns are handed out, so the creates start at EC2's full burst.
   */
  static final Duration QUEUED_NOTICE = Duration.ofSeconds(10);

  /** The drift policies as the spec writes them, for the meters' {@code policy} label. */
  static final String CORRECT = "Correct";

  static final String REPORT = "Report";

  /** The reason of Ready while the group's rules wait for a group they reference. */
  static final String REFERENCE_NOT_FOUND = "ReferenceNotFound";

  /** The reason of Ready and Synced while a group waits for its turn to be created. */
  static final String QUEUED = "CreationQueued";

  /**
   * The group waits for its turn to be created ({@link dev.portcullis.sync.CreationQueue}). Once it
   * has waited {@link #QUEUED_NOTICE}, Ready and Synced say so, without a Warning event: with
   * creates paced, waiting is the normal course. The observed generation stays as it was, as
   * nothing of this generation has been applied.
   *
   * <p>A refusal of this generation (EC2 refused the last create, which waits for its next turn)
   * stays in Ready until the next attempt settles it: it says more than the wait does, and
   * replacing it would send its Warning event again when the attempt fails the same way.
   *
   * @param waited how long it has waited so far
   */
  void queued(Duration waited) {
    queued = true;
    if (waited.compareTo(QUEUED_NOTICE) < 0) {
      recheckIn(QUEUED_NOTICE.minus(waited));
      return;
    }
    Condition ready = condition(ConditionTypes.READY);
    if (ready != null
        && Conditions.FALSE.equals(ready.getStatus())
        && !QUEUED.equals(ready.getReason())
        && Objects.equals(ready.getObservedGeneration(), generation)) {
      return;
    }
    String message =
        "Waiting for a turn to create the EC2 group: creates are paced to EC2's"
            + " CreateSecurityGroup request rate";
    condition(ConditionTypes.READY, false, QUEUED, message);
    condition(ConditionTypes.SYNCED, false, QUEUED, message);
  }

  void synced(
      List<Rule> now,
      List<Rule> desired,
      Plan plan,
      boolean drift,
      boolean applied,
      SecurityGroupSpec spec) {
    observe();
    looked(status::setLastSyncTime, status.getLastSyncTime());
    status.setIngressRules(
        (int) now.stream().filter(r -> r.direction() == Direction.INGRESS).count());
    status.setEgressRules(
        (int) now.stream().filter(r -> r.direction() == Direction.EGRESS).count());
    status.setManagedRules(ManagedRules.texts(desired));
    condition(ConditionTypes.SYNCED, true, "Synced", "EC2 was read and written as planned");
    DriftSummary summary = drift ? summary(plan) : null;
    if (!drift || applied) {
      op.reportedDrift().report(uid(), ReportedDrift.Drift.NONE, before);
    }
    if (drift && applied) {
      op.metrics().driftFound(CORRECT, OperatorMetrics.DriftOutcome.CORRECTED);
      op.metrics().driftSeen(resource, spec.getRegion(), Instant.now(op.clock()));
      op.events()
          .warning(
              resource,
              "DriftCorrected",
              "EC2 differed from the spec and was corrected: "
                  + String.join("; ", summary.getRules()));
      condition(
          ConditionTypes.DRIFTED,
          false,
          "Corrected",
          "Drift found at " + now() + " was corrected: " + String.join("; ", summary.getRules()));
      status.setDrift(null);
    } else if (drift) {
      boolean changed = op.reportedDrift().report(uid(), ReportedDrift.Drift.of(summary), before);
      status.setDrift(summary);
      condition(
          ConditionTypes.DRIFTED,
          true,
          "DriftDetected",
          "EC2 differs from the spec (driftPolicy: Report): "
              + String.join("; ", summary.getRules()));
      if (changed) {
        op.metrics().driftFound(REPORT, OperatorMetrics.DriftOutcome.REPORTED);
        op.events().warning(resource, "DriftDetected", String.join("; ", summary.getRules()));
      }
      op.metrics().drift(resource, spec.getRegion(), summary);
      op.metrics().driftSeen(resource, spec.getRegion(), Instant.now(op.clock()));
      notReady("DriftDetected", "EC2 differs from the spec and driftPolicy is Report", true);
      return;
    } else if (plan.isEmpty() || applied) {
      status.setDrift(null);
      if (Conditions.find(status.getConditions(), ConditionTypes.DRIFTED) == null
          || Conditions.hasReason(status.getConditions(), ConditionTypes.DRIFTED, "DriftDetected")
          || Conditions.hasReason(status.getConditions(), ConditionTypes.DRIFTED, "GroupDeleted")) {
        condition(ConditionTypes.DRIFTED, false, "InSync", "EC2 matches the spec");
      }
    }
    op.metrics().drift(resource, spec.getRegion(), null);
    condition(
        ConditionTypes.READY,
        true,
        "Ready",
        "EC2 group " + status.getGroupId() + " matches the spec");
  }

  /** The drift a plan for a settled group means, as the status reports it. */
  static DriftSummary summary(Plan plan) {
    List<String> lines = new ArrayList<>();
    int missing = 0;
    int unexpected = 0;
    for (Direction d : Direction.values()) {
      for (Rule r : plan.authorize(d)) {
        missing++;
        lines.add("missing: " + ManagedRules.text(r));
      }
      for (Rule r : plan.revoke(d)) {
        unexpected++;
        lines.add("unexpected: " + ManagedRules.text(r));
      }
      for (Rule r : plan.updateDescription(d)) {
        lines.add("description differs: " + ManagedRules.text(r));
      }
    }
    return new DriftSummary(missing, unexpected, lines.stream().limit(10).toList());
  }
}
