package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.ConditionTypes;
import dev.portcullis.api.v1alpha1.DecidingRule;
import dev.portcullis.api.v1alpha1.Expectation;
import dev.portcullis.api.v1alpha1.FlowSource;
import dev.portcullis.api.v1alpha1.ReachabilityCheck;
import dev.portcullis.api.v1alpha1.ReachabilityCheckSpec;
import dev.portcullis.api.v1alpha1.ReachabilityCheckStatus;
import dev.portcullis.api.v1alpha1.ReachabilityVerdict;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Problem;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.eval.Flow;
import dev.portcullis.engine.eval.Match;
import dev.portcullis.engine.eval.Reason;
import dev.portcullis.engine.eval.Verdict;
import dev.portcullis.sync.FlowSpecs;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Answers a ReachabilityCheck from what EC2 holds, through the rule engine: re-evaluated whenever a
 * group or attachment of its region changes, and on every resync. An expectation that does not hold
 * is a False condition and a Warning event.
 */
@ControllerConfiguration(name = ReachabilityCheckReconciler.NAME)
public final class ReachabilityCheckReconciler implements Reconciler<ReachabilityCheck> {
  public static final String NAME = "reachabilitycheck";

  /** The reason of Evaluated when the source group is one of another shard ({@link Shard}). */
  static final String OUTSIDE_SHARD = "GroupOutsideShard";

  /** The reason of ExpectationMet=Unknown while the groups and attachments still converge. */
  static final String CONVERGING = "Converging";

  /** The reason of ExpectationMet=Unknown while the flow cannot be evaluated. */
  static final String NOT_EVALUATED = "NotEvaluated";

  /**
   * How long a new check waits before it judges: groups and attachments applied in the same {@code
   * kubectl apply} reach the operator's caches within this time.
   */
  static final Duration SETTLING = Duration.ofSeconds(5);

  /** How soon a check whose expectation waits looks again. */
  static final Duration CONVERGING_RECHECK = Duration.ofSeconds(3);

  private final OperatorContext op;

  public ReachabilityCheckReconciler(OperatorContext op) {
    this.op = op;
  }

  @Override
  public List<EventSource<?, ReachabilityCheck>> prepareEventSources(
      EventSourceContext<ReachabilityCheck> context) {
    return op.triggers().checks(context);
  }

  @Override
  public UpdateControl<ReachabilityCheck> reconcile(
      ReachabilityCheck check, Context<ReachabilityCheck> context) {
    Draft draft = new Draft(check, op);
    draft.observe();
    evaluate(check, draft);
    return draft.control();
  }

  private void evaluate(ReachabilityCheck check, Draft draft) {
    ReachabilityCheckSpec spec = check.getSpec();
    FlowSource from = spec.getFrom();
    String ns = check.getMetadata().getNamespace();

    String groupId = null;
    if (from.getSecurityGroup() != null) {
      Optional<SecurityGroup> sg = op.triggers().securityGroup(ns, from.getSecurityGroup());
      Optional<SecurityGroupInfo> g =
          sg.flatMap(s -> op.inventory().ownedBy(spec.getRegion(), s.getMetadata().getUid()));
      Optional<String> outside =
          sg.isPresent()
              ? Optional.empty()
              : op.shard().outside("ReachabilityCheck", ns, from.getSecurityGroup());
      if (outside.isPresent()) {
        draft.notEvaluated(OUTSIDE_SHARD, outside.get());
        return;
      }
      if (g.isEmpty()) {
        draft.notEvaluated(
            "GroupNotReady",
            "SecurityGroup "
                + from.getSecurityGroup()
                + (sg.isEmpty() ? " does not exist in namespace " + ns : " has no EC2 group yet"));
        return;
      }
      groupId = g.get().groupId();
    }
    List<Problem> problems = new ArrayList<>();
    Flow flow = FlowSpecs.of(spec, groupId, problems);
    if (flow == null || problems.stream().anyMatch(Problem::isError)) {
      draft.notEvaluated(
          "InvalidSpec",
          problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
      return;
    }
    Decision d = op.cloud().evaluatorForRegion().apply(spec.getRegion()).decide(flow);
    if (d.reason() == Reason.UNKNOWN_INSTANCE) {
      draft.notEvaluated("InstanceNotFound", d.explanation());
      return;
    }
    ReachabilityVerdict verdict =
        switch (d.verdict()) {
          case REACHABLE -> ReachabilityVerdict.REACHABLE;
          case CONNECTION_REFUSED -> ReachabilityVerdict.CONNECTION_REFUSED;
          case TIMED_OUT -> ReachabilityVerdict.TIMED_OUT;
        };
    ReachabilityCheckStatus status = draft.status;
    status.setVerdict(verdict);
    status.setExplanation(d.explanation());
    // An address outside the estate has no groups: the source's egress rule is what decided.
    Match m = d.reason() == Reason.ALLOWED_FAR_SIDE_UNKNOWN ? d.egress() : d.ingress();
    status.setDecidingRule(
        m == null ? null : new DecidingRule(m.groupId(), m.groupName(), m.rule().display()));
    draft.looked(status::setLastEvaluated, status.getLastEvaluated());
    draft.condition(
        ConditionTypes.EVALUATED,
        true,
        "Evaluated",
        "Evaluated against the security groups EC2 holds");
    Expectation expect = spec.getExpect();
    List<String> converging =
        expect == null
            ? List.of()
            : converging(check, op.triggers().converging(ns, spec.getRegion()));
    if (expect == null) {
      status.setConditions(
          Conditions.remove(status.getConditions(), ConditionTypes.EXPECTATION_MET));
    } else if (!converging.isEmpty()) {
      // the verdict may still change as they converge: judging it now would be a false alarm
      draft.unknown(
          ConditionTypes.EXPECTATION_MET,
          CONVERGING,
          "Not judged while "
              + String.join(", ", converging)
              + (converging.size() == 1 ? " is" : " are")
              + " still being reconciled; the verdict so far is "
              + verdictWord(verdict));
      draft.recheckIn(CONVERGING_RECHECK);
    } else {
      boolean met =
          expect == Expectation.REACHABLE
              ? d.verdict() == Verdict.REACHABLE
              : d.verdict() == Verdict.TIMED_OUT;
      draft.announce(
          ConditionTypes.EXPECTATION_MET,
          met,
          met ? "ExpectationMet" : "ExpectationNotMet",
          "Expected "
              + (expect == Expectation.REACHABLE ? "Reachable" : "Blocked (TimedOut)")
              + ", got "
              + verdictWord(verdict)
              + ": "
              + d.explanation());
    }
  }

  /**
   * What the check's verdict may still change with: the groups and attachments that converge and,
   * in its first seconds, those applied with it that the informers may not have seen yet.
   */
  private List<String> converging(ReachabilityCheck check, List<String> resources) {
    String created = check.getMetadata().getCreationTimestamp();
    if (created == null
        || !Instant.parse(created).plus(SETTLING).isAfter(Instant.now(op.clock()))) {
      return resources;
    }
    List<String> out = new ArrayList<>(resources);
    out.add("what was applied with this check (it is " + SETTLING.toSeconds() + " s old at most)");
    return out;
  }

  static String verdictWord(ReachabilityVerdict v) {
    return switch (v) {
      case REACHABLE -> "Reachable";
      case TIMED_OUT -> "TimedOut";
      case CONNECTION_REFUSED -> "ConnectionRefused";
    };
  }

  /** The check's status: its verdict, and whether its expectation holds. */
  private static final class Draft extends StatusDraft<ReachabilityCheckStatus, ReachabilityCheck> {
    Draft(ReachabilityCheck check, OperatorContext op) {
      super(check, ReachabilityCheckStatus::new, op);
    }

    /** The flow could not be decided: no verdict, and Evaluated says why. */
    void notEvaluated(String reason, String message) {
      status.setVerdict(null);
      status.setExplanation(null);
      status.setDecidingRule(null);
      announce(ConditionTypes.EVALUATED, false, reason, message);
      // an earlier judgement no longer stands without a verdict
      if (condition(ConditionTypes.EXPECTATION_MET) != null) {
        unknown(ConditionTypes.EXPECTATION_MET, NOT_EVALUATED, "Not judged: " + message);
      }
    }
  }
}
