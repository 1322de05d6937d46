package dev.portcullis.cloud.simulator;

import static dev.portcullis.cloud.simulator.Fixtures.BASTION_ENI;
import static dev.portcullis.cloud.simulator.Fixtures.EU;
import static dev.portcullis.cloud.simulator.Fixtures.VPC_A;
import static dev.portcullis.cloud.simulator.Fixtures.create;
import static dev.portcullis.cloud.simulator.Fixtures.defaultGroupId;
import static dev.portcullis.cloud.simulator.Fixtures.tcpIn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.engine.Direction;
import dev.portcullis.engine.eval.Evaluators;
import dev.portcullis.engine.eval.NaiveEvaluator;
import dev.portcullis.engine.eval.Reason;
import dev.portcullis.engine.eval.flowlog.Attributor;
import dev.portcullis.engine.eval.flowlog.FlowLogFormat;
import dev.portcullis.engine.eval.flowlog.FlowLogParser;
import dev.portcullis.engine.eval.flowlog.FlowReason;
import dev.portcullis.engine.eval.flowlog.FlowTally;
import dev.portcullis.engine.eval.flowlog.PortLabels;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The synthetic traffic's flow log: one record per connection and interface, which attribution
 * reads back as exactly the verdicts the engine gave the connections.
 */
class SimulatedFlowLogsTest {
  private final Ec2Simulator sim = Fixtures.demo();

  private FlowTally readBack() {
    List<String> lines = sim.flowLogs().read();
    FlowLogParser parser = new FlowLogParser(FlowLogFormat.of(sim.flowLogs().format()));
    Attributor attributor = Attributor.of(sim.estate(), Map.of(), PortLabels.of(List.of()));
    return FlowTally.of(lines, parser, attributor);
  }

  /** Connections denied so far per reason, from the counters and the engine's reasons now. */
  private Map<Reason, Long> deniedByReason() {
    NaiveEvaluator naive = Evaluators.naive(sim.estate());
    Map<Reason, Long> out = new EnumMap<>(Reason.class);
    for (World.TrafficFlow f : sim.world().traffic()) {
      out.merge(naive.decide(f.flow()).reason(), sim.traffic().denied(f.name()), Long::sum);
    }
    return out;
  }

  @Test
  void everyConnectionIsLoggedAndAttributedAsTheEngineDecidedIt() {
    sim.advance(Duration.ofSeconds(4));
    Map<Reason, Long> denied = deniedByReason();
    FlowTally t = readBack();
    assertThat(t.skipped()).isEmpty();
    assertThat(t.flowCount(FlowReason.NO_INGRESS_RULE))
        .isEqualTo(denied.getOrDefault(Reason.NO_INGRESS_RULE, 0L))
        .isPositive();
    assertThat(t.flowCount(FlowReason.NO_EGRESS_RULE))
        .isEqualTo(denied.getOrDefault(Reason.NO_EGRESS_RULE, 0L));
    assertThat(t.flowCount(FlowReason.NOT_SECURITY_GROUP))
        .as("the simulator has no network ACLs")
        .isZero();
    long connections =
        sim.world().traffic().stream()
            .mapToLong(f -> sim.traffic().allowed(f.name()) + sim.traffic().denied(f.name()))
            .sum();
    assertThat(t.flowCount()).isGreaterThanOrEqualTo(connections);
    assertThat(sim.flowLogs().read()).as("each record is read once").isEmpty();
  }

  @Test
  void aChangeOfGroupsChangesTheRecordsThatFollow() {
    sim.advance(Duration.ofSeconds(1));
    assertThat(readBack().flowCount(FlowReason.NO_INGRESS_RULE)).isEqualTo(15);
    String ssh = create(sim, EU, VPC_A, "ssh").groupId();
    sim.authorize(EU, ssh, Direction.INGRESS, List.of(tcpIn(22, "203.0.113.7/32")));
    sim.setInterfaceGroups(EU, BASTION_ENI, List.of(defaultGroupId(sim, EU, VPC_A), ssh));
    sim.advance(Duration.ofSeconds(1));
    FlowTally t = readBack();
    assertThat(t.flowCount(FlowReason.NO_INGRESS_RULE)).as("ssh-from-elsewhere").isEqualTo(5);
    assertThat(t.flowCount(FlowReason.ALLOWED)).isGreaterThanOrEqualTo(10);
  }
}
