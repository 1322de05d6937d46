package dev.portcullis.cloud.simulator;

import static dev.portcullis.cloud.simulator.Fixtures.BASTION_ENI;
import static dev.portcullis.cloud.simulator.Fixtures.EU;
import static dev.portcullis.cloud.simulator.Fixtures.VPC_A;
import static dev.portcullis.cloud.simulator.Fixtures.create;
import static dev.portcullis.cloud.simulator.Fixtures.defaultGroupId;
import static dev.portcullis.cloud.simulator.Fixtures.failure;
import static dev.portcullis.cloud.simulator.Fixtures.tcpIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.MovableClock;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Ec2SimulatorFaultsTest {
  private final MovableClock clock = new MovableClock(Instant.parse("2030-01-01T00:00:00Z"));

  private Ec2Simulator sim(long seed, Faults faults, Ec2Simulator.Sleeper sleeper) {
    return Ec2Simulator.builder()
        .world(Fixtures.DEMO)
        .seed(seed)
        .clock(clock)
        .throttling(ThrottlingMode.OFF)
        .faults(faults)
        .sleeper(sleeper)
        .build();
  }

  private static String outcomes(Ec2Simulator sim, int calls) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < calls; i++) {
      try {
        sim.describeSecurityGroups(EU, GroupFilter.all(), null, null);
        out.append('.');
      } catch (CloudException e) {
        assertThat(e.code()).isEqualTo("RequestLimitExceeded");
        out.append('T');
      }
    }
    return out.toString();
  }

  @Test
  void randomThrottlingRepeatsForASeed() {
    Faults faults = Faults.none().withThrottleRate(0.3);
    String first = outcomes(sim(1, faults, d -> {}), 1_000);
    String again = outcomes(sim(1, faults, d -> {}), 1_000);
    String other = outcomes(sim(2, faults, d -> {}), 1_000);
    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
    long throttled = first.chars().filter(c -> c == 'T').count();
    assertThat(throttled).isBetween(240L, 360L);
    assertThat(outcomes(sim(1, Faults.none(), d -> {}), 1_000)).doesNotContain("T");
  }

  @Test
  void aThrottledCallChangesNothing() {
    Ec2Simulator sim = sim(3, Faults.none().withThrottleRate(1.0), d -> {});
    CloudException e = failure(() -> create(sim, EU, VPC_A, "web"));
    assertThat(e.code()).isEqualTo("RequestLimitExceeded");
    assertThat(sim.estate(EU).groups()).hasSize(3);
    assertThat(sim.calls().count(Ec2Action.CREATE_SECURITY_GROUP, "RequestLimitExceeded"))
        .isEqualTo(1);
  }

  @Test
  void fixedLatencyDelaysEveryCall() {
    List<Duration> pauses = new ArrayList<>();
    Ec2Simulator sim = sim(4, Faults.none().withLatency(Duration.ofMillis(80)), pauses::add);
    sim.describeSecurityGroups(EU, GroupFilter.all(), null, null);
    create(sim, EU, VPC_A, "web");
    assertThat(pauses).containsExactly(Duration.ofMillis(80), Duration.ofMillis(80));
  }

  @Test
  void randomLatencyStaysWithinItsBoundAndRepeatsForASeed() {
    Faults faults =
        Faults.none().withLatency(Duration.ofMillis(10)).withRandomLatency(Duration.ofMillis(50));
    List<Duration> first = new ArrayList<>();
    List<Duration> again = new ArrayList<>();
    Ec2Simulator a = sim(5, faults, first::add);
    Ec2Simulator b = sim(5, faults, again::add);
    for (int i = 0; i < 200; i++) {
      a.describeInstances(EU, null, null, null);
      b.describeInstances(EU, null, null, null);
    }
    assertThat(first).isEqualTo(again).hasSize(200);
    assertThat(first)
        .allMatch(
            d -> d.compareTo(Duration.ofMillis(10)) >= 0 && d.compareTo(Duration.ofMillis(60)) < 0);
    assertThat(first.stream().distinct().count()).isGreaterThan(100);
  }

  @Test
  void aNewGroupIsInvisibleDuringTheConsistencyWindow() {
    Ec2Simulator sim = sim(6, Faults.none().withConsistencyWindow(Duration.ofSeconds(5)), d -> {});
    SecurityGroupInfo created = create(sim, EU, VPC_A, "fresh");
    String id = created.groupId();
    String def = defaultGroupId(sim, EU, VPC_A);

    CloudException describe =
        failure(() -> sim.describeSecurityGroups(EU, GroupFilter.ids(id), null, null));
    assertThat(describe.getMessage())
        .isEqualTo("InvalidGroup.NotFound: The security group '" + id + "' does not exist");
    assertThat(describe.kind()).isEqualTo(CloudException.Kind.NOT_FOUND);
    assertThat(
            failure(
                    () ->
                        sim.authorize(EU, id, Direction.INGRESS, List.of(tcpIn(22, "10.0.0.0/8"))))
                .code())
        .isEqualTo("InvalidGroup.NotFound");
    assertThat(
            failure(
                    () ->
                        sim.authorize(
                            EU,
                            def,
                            Direction.INGRESS,
                            List.of(tcpIn(22, "10.0.0.0/8").withPeer(new GroupPeer(id)))))
                .code())
        .isEqualTo("InvalidGroup.NotFound");
    assertThat(failure(() -> sim.setInterfaceGroups(EU, BASTION_ENI, List.of(id))).code())
        .isEqualTo("InvalidGroup.NotFound");
    assertThat(failure(() -> sim.createTags(EU, id, Map.of("a", "b"))).code())
        .isEqualTo("InvalidGroup.NotFound");
    assertThat(failure(() -> sim.deleteSecurityGroup(EU, id)).code())
        .isEqualTo("InvalidGroup.NotFound");
    assertThat(sim.describeAllSecurityGroups(EU, GroupFilter.all()))
        .extracting(SecurityGroupInfo::groupId)
        .doesNotContain(id);
    // The name is taken all the same: EC2 knows the group, its describe path does not yet.
    assertThat(failure(() -> create(sim, EU, VPC_A, "fresh")).code())
        .isEqualTo("InvalidGroup.Duplicate");

    clock.advance(Duration.ofMillis(4_999));
    assertThat(
            failure(() -> sim.describeSecurityGroups(EU, GroupFilter.ids(id), null, null)).code())
        .isEqualTo("InvalidGroup.NotFound");
    clock.advance(Duration.ofMillis(1));
    assertThat(sim.describeSecurityGroups(EU, GroupFilter.ids(id), null, null).items())
        .containsExactly(created);
    sim.authorize(EU, id, Direction.INGRESS, List.of(tcpIn(22, "10.0.0.0/8")));
  }

  @Test
  void faultSettingsAreChecked() {
    assertThatThrownBy(() -> Faults.none().withThrottleRate(1.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Faults.none().withLatency(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Throttling.scaled(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
