package dev.portcullis.cloud.simulator;

import static dev.portcullis.cloud.simulator.Fixtures.BASTION;
import static dev.portcullis.cloud.simulator.Fixtures.BASTION_ENI;
import static dev.portcullis.cloud.simulator.Fixtures.DB;
import static dev.portcullis.cloud.simulator.Fixtures.EU;
import static dev.portcullis.cloud.simulator.Fixtures.US;
import static dev.portcullis.cloud.simulator.Fixtures.VPC_A;
import static dev.portcullis.cloud.simulator.Fixtures.create;
import static dev.portcullis.cloud.simulator.Fixtures.defaultGroupId;
import static dev.portcullis.cloud.simulator.Fixtures.tcpIn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.MovableClock;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.eval.Estate;
import dev.portcullis.engine.eval.Flow;
import dev.portcullis.engine.eval.FlowEvaluator;
import dev.portcullis.engine.eval.InstanceState;
import dev.portcullis.engine.eval.NaiveEvaluator;
import dev.portcullis.engine.eval.Reason;
import dev.portcullis.engine.eval.Source;
import dev.portcullis.engine.eval.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class Ec2SimulatorTrafficTest {
  private final MovableClock clock = new MovableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final Ec2Simulator sim = Fixtures.demo(clock);

  @Test
  void sshFromOneAddressIsAllowedAndFromAnyOtherDenied() {
    TrafficCounters t = sim.traffic();
    sim.advance(Duration.ofSeconds(1));
    assertThat(t.denied("ssh-from-office")).isEqualTo(10);
    assertThat(t.denied("ssh-from-elsewhere")).isEqualTo(5);

    String ssh = create(sim, EU, VPC_A, "ssh").groupId();
    sim.authorize(EU, ssh, Direction.INGRESS, List.of(tcpIn(22, "203.0.113.7/32")));
    sim.setInterfaceGroups(EU, BASTION_ENI, List.of(defaultGroupId(sim, EU, VPC_A), ssh));
    sim.advance(Duration.ofSeconds(1));

    assertThat(t.count("ssh-from-office", Verdict.REACHABLE)).isEqualTo(10);
    assertThat(t.allowed("ssh-from-office")).isEqualTo(10);
    assertThat(t.denied("ssh-from-office")).isEqualTo(10);
    assertThat(t.allowed("ssh-from-elsewhere")).isZero();
    assertThat(t.denied("ssh-from-elsewhere")).isEqualTo(10);
  }

  @Test
  void fractionalRatesSpreadConnectionsEvenly() {
    sim.advance(Duration.ofMillis(400)); // 2.5 a second: 1 so far
    assertThat(total("web-to-db")).isEqualTo(1);
    sim.advance(Duration.ofMillis(1_600));
    assertThat(total("web-to-db")).isEqualTo(5);
    // Both carry the VPC's default group, which lets members reach each other; db listens.
    assertThat(sim.traffic().count("web-to-db", Verdict.REACHABLE)).isEqualTo(5);
  }

  @Test
  void tickFollowsTheClock() {
    clock.advance(Duration.ofSeconds(3));
    sim.tick();
    clock.advance(Duration.ofSeconds(1));
    sim.tick();
    sim.tick();
    assertThat(total("ssh-from-office")).isEqualTo(40);
    assertThat(sim.traffic().snapshot())
        .containsOnlyKeys("ssh-from-elsewhere", "ssh-from-office", "web-to-db");
  }

  private long total(String flow) {
    long n = 0;
    for (Verdict v : Verdict.values()) {
      n += sim.traffic().count(flow, v);
    }
    return n;
  }

  @Test
  void theEvaluatorIsRebuiltOnlyWhenTheEstateChanges() {
    AtomicInteger built = new AtomicInteger();
    Ec2Simulator counted =
        Ec2Simulator.builder()
            .world(Fixtures.DEMO)
            .throttling(ThrottlingMode.OFF)
            .evaluatorFactory(
                e -> {
                  built.incrementAndGet();
                  return new NaiveEvaluator(e);
                })
            .build();
    FlowEvaluator first = counted.evaluator();
    counted.advance(Duration.ofSeconds(1));
    counted.describeAllSecurityGroups(EU, null);
    assertThat(counted.evaluator()).isSameAs(first);
    assertThat(built).hasValue(1);

    String g = create(counted, EU, VPC_A, "web").groupId();
    counted.authorize(EU, g, Direction.INGRESS, List.of(tcpIn(22, "0.0.0.0/0")));
    FlowEvaluator second = counted.evaluator();
    assertThat(second).isNotSameAs(first);
    assertThat(built).hasValue(2);
  }

  @Test
  void theEvaluatorSeesTheCurrentRules() {
    Flow ssh =
        new Flow(new Source.Address4(Ip.parse4("198.51.100.1").get()), BASTION, Protocol.TCP, 22);
    assertThat(sim.evaluator().decide(ssh).reason()).isEqualTo(Reason.NO_INGRESS_RULE);
    String def = defaultGroupId(sim, EU, VPC_A);
    sim.authorize(
        EU,
        def,
        Direction.INGRESS,
        List.of(tcpIn(22, "198.51.100.0/24"), tcpIn(22, "192.168.0.0/16")));
    assertThat(sim.evaluator().verdict(ssh)).isEqualTo(Verdict.REACHABLE);
    // The database has no public IP: a private address (over a VPN) reaches it.
    Flow toDb = new Flow(new Source.Address4(Ip.parse4("192.168.7.1").get()), DB, Protocol.TCP, 22);
    assertThat(sim.evaluator().verdict(toDb)).isEqualTo(Verdict.CONNECTION_REFUSED);
  }

  @Test
  void theEstateMirrorsTheWorld() {
    Estate eu = sim.estate(EU);
    assertThat(eu.instances())
        .extracting(InstanceState::instanceId)
        .hasSize(4)
        .contains(BASTION, DB);
    InstanceState bastion =
        eu.instances().stream().filter(i -> i.instanceId().equals(BASTION)).findFirst().get();
    assertThat(bastion.region()).isEqualTo(EU);
    assertThat(bastion.primary().interfaceId()).isEqualTo(BASTION_ENI);
    assertThat(bastion.primary().privateIp()).isEqualTo(Ip.parse4("10.0.1.10").get());
    assertThat(bastion.primary().publicIp()).isEqualTo(Ip.parse4("198.51.100.10").get());
    assertThat(bastion.primary().ipv6()).containsExactly(Ip.parse6("2001:db8:100::10").get());
    assertThat(eu.groups()).hasSize(3).allMatch(g -> g.region().equals(EU));
    assertThat(sim.estate().instances()).hasSize(5);
    assertThat(sim.estate(US).instances())
        .singleElement()
        .satisfies(i -> assertThat(i.region()).isEqualTo(US));
  }
}
