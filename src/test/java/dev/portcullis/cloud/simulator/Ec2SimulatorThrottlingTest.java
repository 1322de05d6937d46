package dev.portcullis.cloud.simulator;

import static dev.portcullis.cloud.simulator.Fixtures.BASTION;
import static dev.portcullis.cloud.simulator.Fixtures.BASTION_ENI;
import static dev.portcullis.cloud.simulator.Fixtures.EU;
import static dev.portcullis.cloud.simulator.Fixtures.US;
import static dev.portcullis.cloud.simulator.Fixtures.VPC_A;
import static dev.portcullis.cloud.simulator.Fixtures.VPC_US;
import static dev.portcullis.cloud.simulator.Fixtures.failure;
import static dev.portcullis.cloud.simulator.Fixtures.tcpIn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.MovableClock;
import dev.portcullis.cloud.CallCounters;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.engine.Direction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

class Ec2SimulatorThrottlingTest {
  private final MovableClock clock = new MovableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final AtomicInteger names = new AtomicInteger();

  private Ec2Simulator sim(Throttling throttling) {
    return Ec2Simulator.builder().world(Fixtures.DEMO).clock(clock).throttling(throttling).build();
  }

  private String newGroup(Ec2Simulator sim) {
    return sim.createSecurityGroup(EU, VPC_A, "g" + names.incrementAndGet(), "d", Map.of())
        .groupId();
  }

  /** Calls {@code call} until it is throttled; returns how many calls got through. */
  private static int untilThrottled(IntConsumer call) {
    for (int i = 0; i < 10_000; i++) {
      try {
        call.accept(i);
      } catch (CloudException e) {
        assertThat(e.code()).isEqualTo("RequestLimitExceeded");
        assertThat(e.kind()).isEqualTo(CloudException.Kind.THROTTLED);
        assertThat(e.retryable()).isTrue();
        return i;
      }
    }
    throw new AssertionError("never throttled");
  }

  private int groupCount(Ec2Simulator sim) {
    return sim.estate(EU).groups().size();
  }

  @Test
  void createSecurityGroupHasFiftyTokensRefilledAtFivePerSecond() {
    Ec2Simulator sim = sim(Throttling.ec2());
    assertThat(untilThrottled(i -> newGroup(sim))).isEqualTo(50);
    int groups = groupCount(sim);
    CloudException e = failure(() -> newGroup(sim));
    assertThat(e.getMessage())
        .isEqualTo("RequestLimitExceeded: Request limit exceeded (CreateSecurityGroup).");
    assertThat(groupCount(sim)).isEqualTo(groups);

    clock.advance(Duration.ofMillis(999));
    assertThat(untilThrottled(i -> newGroup(sim))).isEqualTo(4);
    clock.advance(Duration.ofMillis(1));
    assertThat(untilThrottled(i -> newGroup(sim))).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(untilThrottled(i -> newGroup(sim))).isEqualTo(5);
    // A bucket never holds more than its capacity.
    clock.advance(Duration.ofHours(1));
    assertThat(untilThrottled(i -> newGroup(sim))).isEqualTo(50);

    assertThat(sim.calls().count(Ec2Action.CREATE_SECURITY_GROUP, CallCounters.SUCCESS))
        .isEqualTo(50 + 4 + 1 + 5 + 50);
    assertThat(sim.calls().count(Ec2Action.CREATE_SECURITY_GROUP, "RequestLimitExceeded"))
        .isEqualTo(6);
  }

  @Test
  void eachActionHasItsOwnBucket() {
    Ec2Simulator sim = sim(Throttling.ec2());
    String g = newGroup(sim);
    assertThat(
            untilThrottled(
                i ->
                    sim.authorize(
                        EU, g, Direction.INGRESS, List.of(tcpIn(1000 + i, "10.0.0.0/8")))))
        .isEqualTo(50);
    // Revoking ingress, authorizing egress and describing draw from other buckets.
    sim.revoke(EU, g, Direction.INGRESS, List.of(tcpIn(1000, "10.0.0.0/8")));
    sim.authorize(EU, g, Direction.EGRESS, List.of(Fixtures.tcpOut(443, "10.0.0.0/8")));
    sim.describeSecurityGroups(EU, GroupFilter.ids(g), null, null);
  }

  @Test
  void describeBucketsDependOnFiltersAndPagination() {
    Ec2Simulator sim = sim(Throttling.ec2());
    assertThat(untilThrottled(i -> sim.describeSecurityGroups(EU, GroupFilter.all(), null, null)))
        .isEqualTo(50);
    // Filtered or paginated calls use the larger bucket, untouched so far.
    assertThat(untilThrottled(i -> sim.describeSecurityGroups(EU, GroupFilter.all(), null, 5)))
        .isEqualTo(100);
    clock.advance(Duration.ofSeconds(1));
    assertThat(
            untilThrottled(
                i ->
                    sim.describeSecurityGroups(
                        EU, new GroupFilter(null, null, VPC_A, null), null, null)))
        .isEqualTo(20);
    assertThat(untilThrottled(i -> sim.describeSecurityGroups(EU, GroupFilter.all(), null, null)))
        .isEqualTo(10);
    assertThat(untilThrottled(i -> sim.describeInstances(EU, null, null, null))).isEqualTo(50);
  }

  @Test
  void uncategorizedActionsUseTheirOwnSizes() {
    Ec2Simulator sim = sim(Throttling.ec2());
    String def = Fixtures.defaultGroupId(sim, EU, VPC_A);
    assertThat(untilThrottled(i -> sim.createTags(EU, def, Map.of("n", "" + i)))).isEqualTo(100);
    assertThat(untilThrottled(i -> sim.deleteTags(EU, def, Map.of("n", "" + i)))).isEqualTo(100);
    assertThat(untilThrottled(i -> sim.setInterfaceGroups(EU, BASTION_ENI, List.of(def))))
        .isEqualTo(100);
    // ModifyInstanceAttribute has a bucket of its own, as large, beside the interface's.
    assertThat(untilThrottled(i -> sim.setInstanceGroups(EU, BASTION, List.of(def))))
        .isEqualTo(100);
    clock.advance(Duration.ofSeconds(1));
    assertThat(untilThrottled(i -> sim.createTags(EU, def, Map.of("n", "" + i)))).isEqualTo(10);
    assertThat(untilThrottled(i -> sim.deleteTags(EU, def, Map.of("n", "" + i)))).isEqualTo(10);
    assertThat(untilThrottled(i -> sim.setInterfaceGroups(EU, BASTION_ENI, List.of(def))))
        .isEqualTo(5);
    assertThat(untilThrottled(i -> sim.setInstanceGroups(EU, BASTION, List.of(def)))).isEqualTo(5);
    assertThat(sim.calls().count(Ec2Action.MODIFY_INSTANCE_ATTRIBUTE, "RequestLimitExceeded"))
        .isEqualTo(2);
  }

  @Test
  void bucketsArePerRegion() {
    Ec2Simulator sim = sim(Throttling.ec2());
    untilThrottled(i -> newGroup(sim));
    sim.createSecurityGroup(US, VPC_US, "web", "d", Map.of());
  }

  @Test
  void scaledThrottlingMultipliesSizesAndRates() {
    Ec2Simulator sim = sim(Throttling.scaled(0.1));
    assertThat(untilThrottled(i -> newGroup(sim))).isEqualTo(5);
    clock.advance(Duration.ofSeconds(2)); // 0.5 tokens a second
    assertThat(untilThrottled(i -> newGroup(sim))).isEqualTo(1);

    Ec2Simulator raised = sim(Throttling.scaled(3));
    assertThat(untilThrottled(i -> newGroup(raised))).isEqualTo(150);
  }

  @Test
  void offNeverThrottles() {
    Ec2Simulator sim = sim(Throttling.off());
    for (int i = 0; i < 2_000; i++) {
      sim.describeSecurityGroups(EU, GroupFilter.all(), null, null);
    }
    for (int i = 0; i < 200; i++) {
      newGroup(sim);
    }
    assertThat(sim.calls().count(Ec2Action.DESCRIBE_SECURITY_GROUPS, CallCounters.SUCCESS))
        .isEqualTo(2_000);
    assertThat(sim.calls().snapshot().get("CreateSecurityGroup"))
        .containsExactly(Map.entry(CallCounters.SUCCESS, 200L));
  }
}
