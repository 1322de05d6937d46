package dev.portcullis.operator;

import static dev.portcullis.operator.ReconcilerWorld.condition;
import static dev.portcullis.operator.ReconcilerWorld.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.api.v1alpha1.ConditionTypes;
import dev.portcullis.api.v1alpha1.ReachabilityCheck;
import dev.portcullis.api.v1alpha1.ReachabilityCheckStatus;
import dev.portcullis.api.v1alpha1.ReachabilityVerdict;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupStatus;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reachability check reconciler's branches, on the simulator, without an API server. */
class ReachabilityCheckReconcilerTest {
  final ReconcilerWorld world = new ReconcilerWorld();
  final ReachabilityCheckReconciler reconciler = new ReachabilityCheckReconciler(world.op);

  static ReachabilityCheck check(String from, String to, int port, String expect) {
    return resource(
        ReachabilityCheck.class,
        "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: ReachabilityCheck\n"
            + "metadata: {name: probe}\n"
            + "spec: {region: eu-west-1, from: "
            + from
            + ", to: {instanceId: "
            + to
            + "}, port: "
            + port
            + (expect == null ? "" : ", expect: " + expect)
            + "}\n");
  }

  ReachabilityCheckStatus reconcile(ReachabilityCheck c) {
    UpdateControl<ReachabilityCheck> control = reconciler.reconcile(c, null);
    ReachabilityCheckStatus s =
        control.isPatchStatus() ? control.getResource().orElseThrow().getStatus() : c.getStatus();
    c.setStatus(s);
    return s;
  }

  @Test
  void aSourceGroupWithoutItsEc2GroupIsNotEvaluatedYet() {
    world.securityGroup("app", false);
    ReachabilityCheckStatus s =
        reconcile(check("{securityGroup: app}", "i-0a000003", 5432, "Reachable"));
    assertThat(s.getVerdict()).isNull();
    assertThat(condition(s.getConditions(), ConditionTypes.EVALUATED).getReason())
        .isEqualTo("GroupNotReady");
    assertThat(condition(s.getConditions(), ConditionTypes.EXPECTATION_MET)).isNull();
    assertThat(world.eventLines()).containsExactly("Warning GroupNotReady");
  }

  @Test
  void anUnknownDestinationIsSaidAndNotGivenAVerdict() {
    ReachabilityCheckStatus s =
        reconcile(check("{cidr: 10.0.0.9/32}", "i-0fffffff", 22, "Blocked"));
    assertThat(s.getVerdict()).isNull();
    assertThat(condition(s.getConditions(), ConditionTypes.EVALUATED).getReason())
        .isEqualTo("InstanceNotFound");
  }

  @Test
  void anExpectationNotMetIsAWarningOnceAndItsRepairANormalEvent() {
    ReachabilityCheck c = check("{cidr: 10.0.0.9/32}", "i-0a000003", 5432, "Reachable");
    ReachabilityCheckStatus s = reconcile(c);
    assertThat(s.getVerdict()).isEqualTo(ReachabilityVerdict.TIMED_OUT);
    assertThat(condition(s.getConditions(), ConditionTypes.EXPECTATION_MET).getStatus())
        .isEqualTo("False");
    assertThat(s.getLastEvaluated()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(reconciler.reconcile(c, null).isPatchStatus())
        .as("the same verdict again: nothing to write")
        .isFalse();
    assertThat(world.eventLines()).containsExactly("Warning ExpectationNotMet");

    // a rule on the group the db instance carries lets the flow in
    String db = world.groupsOn("i-0a000003").get(0);
    world.sim.authorize(
        ReconcilerWorld.EU,
        db,
        Direction.INGRESS,
        List.of(
            new Rule(
                Direction.INGRESS,
                Protocol.TCP,
                5432,
                5432,
                Cidr4.host(Ip.parse4("10.0.0.9").orElseThrow()),
                "")));
    s = reconcile(c);
    assertThat(s.getVerdict()).isEqualTo(ReachabilityVerdict.REACHABLE);
    assertThat(s.getDecidingRule().getGroupId()).isEqualTo(db);
    assertThat(world.eventLines())
        .containsExactly("Warning ExpectationNotMet", "Normal ExpectationMet");
  }

  @Test
  void withoutAnExpectationThereIsNoExpectationCondition() {
    ReachabilityCheck c = check("{cidr: 10.0.0.9/32}", "i-0a000002", 80, "Reachable");
    reconcile(c);
    c.getSpec().setExpect(null);
    c.getMetadata().setGeneration(2L);
    ReachabilityCheckStatus s = reconcile(c);
    assertThat(condition(s.getConditions(), ConditionTypes.EXPECTATION_MET)).isNull();
    assertThat(s.getObservedGeneration()).isEqualTo(2L);
    assertThat(condition(s.getConditions(), ConditionTypes.EVALUATED).getStatus())
        .isEqualTo("True");
  }

  @Test
  void anExpectationIsNotJudgedWhileTheGroupsOfItsRegionStillConverge() {
    SecurityGroup web = world.securityGroup("web", false);
    ReachabilityCheck c = check("{cidr: 10.0.0.9/32}", "i-0a000003", 5432, "Reachable");
    UpdateControl<ReachabilityCheck> control = reconciler.reconcile(c, null);
    ReachabilityCheckStatus s = control.getResource().orElseThrow().getStatus();
    c.setStatus(s);
    assertThat(s.getVerdict())
        .as("the verdict so far is shown")
        .isEqualTo(ReachabilityVerdict.TIMED_OUT);
    Condition met = condition(s.getConditions(), ConditionTypes.EXPECTATION_MET);
    assertThat(met.getStatus()).isEqualTo("Unknown");
    assertThat(met.getReason()).isEqualTo("Converging");
    assertThat(met.getMessage())
        .isEqualTo(
            "Not judged while SecurityGroup web is still being reconciled; the verdict so far is"
                + " TimedOut");
    assertThat(control.getScheduleDelay()).contains(3_000L);
    assertThat(world.events).as("no false alarm").isEmpty();

    // the group is reconciled for its generation, and waits for nothing: the check judges
    SecurityGroupStatus ready = new SecurityGroupStatus();
    ready.setObservedGeneration(1L);
    ready.setConditions(
        Conditions.set(null, ConditionTypes.READY, true, "Ready", "fine", 1L, world.clock));
    web.setStatus(ready);
    s = reconcile(c);
    assertThat(condition(s.getConditions(), ConditionTypes.EXPECTATION_MET).getStatus())
        .isEqualTo("False");
    assertThat(world.eventLines()).containsExactly("Warning ExpectationNotMet");
  }

  @Test
  void aGroupRefusedForGoodDoesNotHoldTheJudgementBack() {
    SecurityGroup web = world.securityGroup("web", false);
    SecurityGroupStatus refused = new SecurityGroupStatus();
    refused.setObservedGeneration(1L);
    refused.setConditions(
        Conditions.set(null, ConditionTypes.READY, false, "InvalidSpec", "no", 1L, world.clock));
    web.setStatus(refused);
    ReachabilityCheckStatus s =
        reconcile(check("{cidr: 10.0.0.9/32}", "i-0a000003", 5432, "Blocked"));
    assertThat(condition(s.getConditions(), ConditionTypes.EXPECTATION_MET).getStatus())
        .isEqualTo("True");
  }

  @Test
  void lastEvaluatedMovesOncePerResyncAndWhenTheVerdictDoes() {
    ReachabilityCheck c = check("{cidr: 10.0.0.9/32}", "i-0a000003", 5432, "Blocked");
    assertThat(reconcile(c).getLastEvaluated()).isEqualTo("2026-01-01T00:00:00Z");
    world.clock.advance(Duration.ofMinutes(2));
    assertThat(reconciler.reconcile(c, null).isPatchStatus()).isFalse();
    world.clock.advance(Duration.ofMinutes(1));
    assertThat(reconcile(c).getLastEvaluated()).isEqualTo("2026-01-01T00:03:00Z");
  }

  @Test
  void aNewCheckWaitsAMomentForWhatWasAppliedWithIt() {
    ReachabilityCheck c = check("{cidr: 10.0.0.9/32}", "i-0a000003", 5432, "Reachable");
    c.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
    ReachabilityCheckStatus s = reconcile(c);
    Condition met = condition(s.getConditions(), ConditionTypes.EXPECTATION_MET);
    assertThat(met.getReason()).isEqualTo("Converging");
    assertThat(met.getMessage()).contains("what was applied with this check");
    assertThat(world.events).isEmpty();

    world.clock.advance(ReachabilityCheckReconciler.SETTLING);
    s = reconcile(c);
    assertThat(condition(s.getConditions(), ConditionTypes.EXPECTATION_MET).getReason())
        .isEqualTo("ExpectationNotMet");
  }
}
