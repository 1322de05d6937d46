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
import dev.portcullis.engine.eval.Verdict;
import dev.portcullis.sync.FlowSpecs;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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

  private final OperatorContext op;

  public ReachabilityCheckReconciler(OperatorContext op) {
    this.op = op;
  }

  @Override
  public List<EventSource<?, ReachabilityCheck>> prepareEventSources(
      EventSourceContext<ReachabilityCheck> context) {
    context
        .getPrimaryCache()
        .addIndexer(
            Triggers.REGION,
            c -> c.getSpec() == null ? List.of() : List.of(c.getSpec().getRegion()));
    SimpleInboundEventSource<ReachabilityCheck> wake =
        new SimpleInboundEventSource<>("region-changes");
    op.triggers().registerChecks(wake, context.getPrimaryCache());
    return List.of(wake);
  }

  @Override
  public UpdateControl<ReachabilityCheck> reconcile(
      ReachabilityCheck check, Context<ReachabilityCheck> context) {
    ReachabilityCheckStatus before =
        check.getStatus() == null ? new ReachabilityCheckStatus() : check.getStatus();
    ReachabilityCheckStatus status = copy(before);
    long generation = Optional.ofNullable(check.getMetadata().getGeneration()).orElse(0L);
    status.setObservedGeneration(generation);
    ReachabilityCheckSpec spec = check.getSpec();
    FlowSource from = spec.getFrom();
    String ns = check.getMetadata().getNamespace();

    String groupId = null;
    if (from.getSecurityGroup() != null) {
      Optional<SecurityGroup> sg = op.triggers().securityGroup(ns, from.getSecurityGroup());
      Optional<SecurityGroupInfo> g =
          sg.flatMap(s -> op.inventory().ownedBy(spec.getRegion(), s.getMetadata().getUid()));
      if (g.isEmpty()) {
        return notEvaluated(
            check,
            before,
            status,
            generation,
            "GroupNotReady",
            "SecurityGroup "
                + from.getSecurityGroup()
                + (sg.isEmpty() ? " does not exist in namespace " + ns : " has no EC2 group yet"));
      }
      groupId = g.get().groupId();
    }
    List<Problem> problems = new ArrayList<>();
    Flow flow = FlowSpecs.of(spec, groupId, problems);
    if (flow == null || problems.stream().anyMatch(Problem::isError)) {
      return notEvaluated(
          check,
          before,
          status,
          generation,
          "InvalidSpec",
          problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
    }
    Decision d = op.cloud().evaluatorForRegion().apply(spec.getRegion()).decide(flow);
    if (d.reason() == dev.portcullis.engine.eval.Reason.UNKNOWN_INSTANCE) {
      return notEvaluated(check, before, status, generation, "InstanceNotFound", d.explanation());
    }
    ReachabilityVerdict verdict =
        switch (d.verdict()) {
          case REACHABLE -> ReachabilityVerdict.REACHABLE;
          case CONNECTION_REFUSED -> ReachabilityVerdict.CONNECTION_REFUSED;
          case TIMED_OUT -> ReachabilityVerdict.TIMED_OUT;
        };
    boolean verdictChanged =
        verdict != before.getVerdict() || !Objects.equals(d.explanation(), before.getExplanation());
    status.setVerdict(verdict);
    status.setExplanation(d.explanation());
    Match m = d.ingress();
    status.setDecidingRule(
        m == null ? null : new DecidingRule(m.groupId(), m.groupName(), m.rule().display()));
    if (verdictChanged || status.getLastEvaluated() == null) {
      status.setLastEvaluated(Instant.now(op.clock()).truncatedTo(ChronoUnit.SECONDS).toString());
    }
    status.setConditions(
        Conditions.set(
            status.getConditions(),
            ConditionTypes.EVALUATED,
            true,
            "Evaluated",
            "Evaluated against the security groups EC2 holds",
            generation,
            op.clock()));
    Expectation expect = spec.getExpect();
    if (expect == null) {
      status.setConditions(
          Conditions.remove(status.getConditions(), ConditionTypes.EXPECTATION_MET));
    } else {
      boolean met =
          expect == Expectation.REACHABLE
              ? d.verdict() == Verdict.REACHABLE
              : d.verdict() == Verdict.TIMED_OUT;
      String message =
          "Expected "
              + (expect == Expectation.REACHABLE ? "Reachable" : "Blocked (TimedOut)")
              + ", got "
              + verdictWord(verdict)
              + ": "
              + d.explanation();
      String reason = met ? "ExpectationMet" : "ExpectationNotMet";
      boolean news =
          !Conditions.hasReason(status.getConditions(), ConditionTypes.EXPECTATION_MET, reason);
      status.setConditions(
          Conditions.set(
              status.getConditions(),
              ConditionTypes.EXPECTATION_MET,
              met,
              reason,
              message,
              generation,
              op.clock()));
      if (news && !met) {
        op.events().warning(check, reason, message);
      } else if (news) {
        op.events().normal(check, reason, message);
      }
    }
    return control(check, before, status);
  }

  static String verdictWord(ReachabilityVerdict v) {
    return switch (v) {
      case REACHABLE -> "Reachable";
      case TIMED_OUT -> "TimedOut";
      case CONNECTION_REFUSED -> "ConnectionRefused";
    };
  }

  private UpdateControl<ReachabilityCheck> notEvaluated(
      ReachabilityCheck check,
      ReachabilityCheckStatus before,
      ReachabilityCheckStatus status,
      long generation,
      String reason,
      String message) {
    boolean news = !Conditions.hasReason(status.getConditions(), ConditionTypes.EVALUATED, reason);
    status.setVerdict(null);
    status.setExplanation(null);
    status.setDecidingRule(null);
    status.setConditions(
        Conditions.set(
            status.getConditions(),
            ConditionTypes.EVALUATED,
            false,
            reason,
            message,
            generation,
            op.clock()));
    if (news) {
      op.events().warning(check, reason, message);
    }
    return control(check, before, status);
  }

  private static UpdateControl<ReachabilityCheck> control(
      ReachabilityCheck check, ReachabilityCheckStatus before, ReachabilityCheckStatus after) {
    if (after.equals(before)) {
      return UpdateControl.noUpdate();
    }
    check.setStatus(after);
    return UpdateControl.patchStatus(check);
  }

  private static ReachabilityCheckStatus copy(ReachabilityCheckStatus s) {
    ReachabilityCheckStatus c = new ReachabilityCheckStatus();
    c.setVerdict(s.getVerdict());
    c.setExplanation(s.getExplanation());
    c.setDecidingRule(s.getDecidingRule());
    c.setLastEvaluated(s.getLastEvaluated());
    c.setObservedGeneration(s.getObservedGeneration());
    c.setConditions(s.getConditions() == null ? null : new ArrayList<>(s.getConditions()));
    return c;
  }
}
