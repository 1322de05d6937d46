package dev.portcullis.operator;

import static dev.portcullis.engine.eval.flowlog.FlowLogFixtures.line;
import static dev.portcullis.operator.ReconcilerWorld.EU;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.api.v1alpha1.DenialSummary;
import dev.portcullis.api.v1alpha1.DeniedFlow;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.engine.eval.flowlog.Attributor;
import dev.portcullis.engine.eval.flowlog.FlowLogFormat;
import dev.portcullis.engine.eval.flowlog.FlowLogParser;
import dev.portcullis.engine.eval.flowlog.FlowTally;
import dev.portcullis.engine.eval.flowlog.PortLabels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A SecurityGroup's summary of recent denials: made from a read's rejections on the interfaces that
 * carry its group, written by its reconciliation only when it changed, taken off once no rejection
 * has been seen for a while.
 */
class DenialReportsTest {
  static final String BASTION = "i-0a000001";
  static final String BASTION_ENI = "eni-0a000001";
  static final String BASTION_IP = "10.0.1.10";

  final ReconcilerWorld world = new ReconcilerWorld();
  final SecurityGroupReconciler reconciler = new SecurityGroupReconciler(world.op);
  final DenialReports reports = world.op.denialReports();

  /** One read of the flow logs that found {@code lines}, attributed against the simulator. */
  void read(List<String> lines) {
    Attributor attributor = Attributor.of(world.sim.estate(), Map.of(), PortLabels.of(List.of()));
    FlowTally t = FlowTally.of(lines, new FlowLogParser(FlowLogFormat.DEFAULT), attributor);
    reports.accept(t.denials());
  }

  SecurityGroup webOnTheBastion() {
    SecurityGroup web = world.httpsGroup("web", "");
    String id = world.reconcile(reconciler, web).getGroupId();
    world.sim.setInstanceGroups(EU, BASTION, List.of(id));
    return web;
  }

  static List<String> rdp(int n, String from) {
    return Collections.nCopies(n, line(BASTION_ENI, from, BASTION_IP, 3389, 6, "REJECT"));
  }

  boolean writes(SecurityGroup sg) {
    return reconciler.reconcile(sg, new CacheOnlyContext<>(sg, world.groups)).isPatchStatus();
  }

  @Test
  void theRejectionsOfAReadAreSummedUpInTheStatusOfTheGroupsOnTheInterface() {
    SecurityGroup web = webOnTheBastion();
    SecurityGroup other = world.httpsGroup("other", "");
    world.reconcile(reconciler, other);
    world.clock.advance(Duration.ofSeconds(30));
    List<String> lines = new ArrayList<>(rdp(5, "192.0.2.9"));
    lines.addAll(rdp(2, "198.51.100.1"));
    // HTTPS, which web lets in: something other than a security group rejected it
    lines.add(line(BASTION_ENI, "192.0.2.9", BASTION_IP, 443, 6, "REJECT"));
    lines.addAll(
        Collections.nCopies(4, line(BASTION_ENI, "192.0.2.9", BASTION_IP, 443, 6, "ACCEPT")));
    read(lines);

    DenialSummary s = world.reconcile(reconciler, web).getDenials();
    assertThat(s.getSince()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(s.getUntil()).isEqualTo("2026-01-01T00:00:30Z");
    assertThat(s.getRejected()).isEqualTo(8);
    assertThat(s.getTop())
        .containsExactly(
            new DeniedFlow(5L, "ingress", "tcp", 3389, "192.0.2.0/24", "no_ingress_rule"),
            new DeniedFlow(2L, "ingress", "tcp", 3389, "198.51.100.0/24", "no_ingress_rule"),
            new DeniedFlow(1L, "ingress", "tcp", 443, "192.0.2.0/24", "not_security_group"));
    assertThat(world.reconcile(reconciler, other).getDenials())
        .as("a group on no interface that rejected")
        .isNull();
  }

  @Test
  void theStatusIsWrittenOncePerReadThatChangedItAndTheSummaryGoesAfterAQuietSpell() {
    SecurityGroup web = webOnTheBastion();
    read(rdp(3, "192.0.2.9"));
    assertThat(writes(web)).isTrue();
    DenialSummary first = world.reconcile(reconciler, web).getDenials();
    assertThat(writes(web)).as("nothing new since").isFalse();

    // reads that find nothing for the group leave its summary as it is for a while
    world.clock.advance(Duration.ofMinutes(10));
    read(List.of());
    read(List.of(line(BASTION_ENI, "192.0.2.9", BASTION_IP, 443, 6, "ACCEPT")));
    assertThat(world.reconcile(reconciler, web).getDenials()).isEqualTo(first);

    world.clock.advance(DenialReports.KEEP);
    read(List.of());
    assertThat(world.reconcile(reconciler, web).getDenials()).isNull();
    read(List.of());
    assertThat(writes(web)).isFalse();
  }

  @Test
  void aReconciliationThatKnowsNoSummaryLeavesTheStatusAsItIs() {
    SecurityGroup web = webOnTheBastion();
    read(rdp(3, "192.0.2.9"));
    world.reconcile(reconciler, web);

    ReconcilerWorld restarted = new ReconcilerWorld(world.sim);
    restarted.groups.put(web);
    SecurityGroupReconciler again = new SecurityGroupReconciler(restarted.op);
    assertThat(restarted.reconcile(again, web).getDenials().getRejected()).isEqualTo(3);
  }
}
