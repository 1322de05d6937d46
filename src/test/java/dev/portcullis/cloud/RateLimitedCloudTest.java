package dev.portcullis.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.Throttling;
import dev.portcullis.cloud.simulator.WorldLoader;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitedCloudTest {
  static final String EU = "eu-west-1";
  static final String US = "us-east-1";
  static final String VPC_A = "vpc-0a000001";
  static final String VPC_US = "vpc-0e000001";
  static final long SECOND = 1_000_000_000L;
  static final Cidr4 TEN = new Cidr4(10 << 24, 8);

  /** Time moves only when a caller waits, by exactly the wait. */
  private final AtomicLong now = new AtomicLong(5 * SECOND);

  private final List<Long> waits = new ArrayList<>();
  private final AtomicInteger names = new AtomicInteger();

  private final RateLimitedCloud.Sleeper sleeper =
      nanos -> {
        waits.add(nanos);
        now.addAndGet(nanos);
      };

  private Ec2Simulator simulator(Throttling throttling) {
    return Ec2Simulator.builder()
        .world(WorldLoader.loadResource("/worlds/demo.yaml"))
        .nanoTime(now::get)
        .throttling(throttling)
        .build();
  }

  private RateLimitedCloud limited(CloudPort cloud, RequestLimits limits) {
    return new RateLimitedCloud(cloud, limits, now::get, sleeper);
  }

  private String create(CloudPort cloud, String region, String vpc) {
    return cloud
        .createSecurityGroup(region, vpc, "g" + names.incrementAndGet(), "d", Map.of())
        .groupId();
  }

  private static Rule tcpIn(int port) {
    return new Rule(Direction.INGRESS, Protocol.TCP, port, port, TEN, "");
  }

  @Test
  void eachCallsWaitIsHandedOnZeroOrNot() {
    RequestLimits limits =
        RequestLimits.defaults()
            .with(Ec2Action.CREATE_SECURITY_GROUP, new RequestLimits.Limit(4, 2));
    List<String> told = new ArrayList<>();
    RateLimitedCloud cloud =
        limited(simulator(Throttling.off()), limits)
            .onWait((region, action, nanos) -> told.add(region + " " + action + " " + nanos));
    for (int i = 0; i < 3; i++) {
      create(cloud, EU, VPC_A);
    }
    assertThat(told)
        .containsExactly(
            "eu-west-1 CreateSecurityGroup 0",
            "eu-west-1 CreateSecurityGroup 0",
            "eu-west-1 CreateSecurityGroup " + waits.get(0));
    assertThat(waits).hasSize(1);
  }

  @Test
  void aBurstGoesThroughAtOnceThenCallsAreSpacedByTheRate() {
    RequestLimits limits =
        RequestLimits.defaults()
            .with(Ec2Action.CREATE_SECURITY_GROUP, new RequestLimits.Limit(4, 10));
    RateLimitedCloud cloud = limited(simulator(Throttling.off()), limits);
    long start = now.get();
    for (int i = 0; i < 10; i++) {
      create(cloud, EU, VPC_A);
    }
    assertThat(waits).isEmpty();
    assertThat(now.get()).isEqualTo(start);
    for (int i = 0; i < 20; i++) {
      create(cloud, EU, VPC_A);
    }
    // 20 calls past the burst at 4 a second: a quarter of a second each, 5 seconds in all
    assertThat(waits)
        .hasSize(20)
        .allSatisfy(w -> assertThat(w).isBetween(SECOND / 4 - 1, SECOND / 4 + 1));
    assertThat(now.get() - start).isBetween(5 * SECOND - 20, 5 * SECOND + 20);
  }

  @Test
  void aQuietSpellRefillsTheBurstButNoMore() {
    RequestLimits limits =
        RequestLimits.defaults()
            .with(Ec2Action.CREATE_SECURITY_GROUP, new RequestLimits.Limit(2, 5));
    RateLimitedCloud cloud = limited(simulator(Throttling.off()), limits);
    for (int i = 0; i < 5; i++) {
      create(cloud, EU, VPC_A);
    }
    now.addAndGet(3600 * SECOND); // an hour of quiet: still only 5 calls at once
    for (int i = 0; i < 5; i++) {
      create(cloud, EU, VPC_A);
    }
    assertThat(waits).isEmpty();
    create(cloud, EU, VPC_A);
    assertThat(waits)
        .singleElement()
        .satisfies(w -> assertThat(w).isBetween(SECOND / 2 - 1, SECOND / 2 + 1));
  }

  @Test
  void callersWaitingAtOnceAreQueuedOneIntervalApart() {
    RateLimitedCloud.Bucket bucket = new RateLimitedCloud.Bucket(new RequestLimits.Limit(10, 3), 0);
    List<Long> turns = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      turns.add(bucket.reserve(0));
    }
    long tenth = SECOND / 10;
    assertThat(turns).hasSize(7);
    assertThat(turns.subList(0, 3)).containsOnly(0L);
    for (int i = 3; i < 7; i++) {
      assertThat(turns.get(i)).isBetween((i - 2) * tenth - 1, (i - 2) * tenth + 1);
    }
    // at 0.25 s the queue has moved on by two and a half tokens
    assertThat(bucket.reserve(tenth * 5 / 2)).isBetween(tenth * 5 / 2 - 1, tenth * 5 / 2 + 1);
  }

  @Test
  void actionsHaveBucketsOfTheirOwn() {
    RequestLimits limits =
        RequestLimits.defaults()
            .with(Ec2Action.CREATE_SECURITY_GROUP, new RequestLimits.Limit(1, 2))
            .with(Ec2Action.AUTHORIZE_SECURITY_GROUP_INGRESS, new RequestLimits.Limit(1, 2))
            .with(Ec2Action.AUTHORIZE_SECURITY_GROUP_EGRESS, new RequestLimits.Limit(1, 2));
    Ec2Simulator sim = simulator(Throttling.off());
    RateLimitedCloud cloud = limited(sim, limits);
    String a = create(cloud, EU, VPC_A);
    String b = create(cloud, EU, VPC_A);
    // CreateSecurityGroup's bucket is empty; the other actions' are full
    cloud.authorize(EU, a, Direction.INGRESS, List.of(tcpIn(1)));
    cloud.authorize(EU, b, Direction.INGRESS, List.of(tcpIn(1)));
    cloud.authorize(
        EU, a, Direction.EGRESS, List.of(new Rule(Direction.EGRESS, Protocol.TCP, 1, 1, TEN, "")));
    cloud.describeSecurityGroups(EU, GroupFilter.ids(a), null, null);
    cloud.createTags(EU, a, Map.of("k", "v"));
    assertThat(waits).isEmpty();
    // the next ingress authorization waits for its own bucket only
    cloud.authorize(EU, a, Direction.INGRESS, List.of(tcpIn(2)));
    assertThat(waits)
        .singleElement()
        .satisfies(w -> assertThat(w).isBetween(SECOND - 1, SECOND + 1));
  }

  @Test
  void regionsHaveBucketsOfTheirOwn() {
    RequestLimits limits =
        RequestLimits.defaults()
            .with(Ec2Action.CREATE_SECURITY_GROUP, new RequestLimits.Limit(1, 3));
    RateLimitedCloud cloud = limited(simulator(Throttling.off()), limits);
    for (int i = 0; i < 3; i++) {
      create(cloud, EU, VPC_A);
    }
    for (int i = 0; i < 3; i++) {
      create(cloud, US, VPC_US);
    }
    assertThat(waits).isEmpty();
    create(cloud, US, VPC_US);
    assertThat(waits).hasSize(1);
  }

  @Test
  void unfilteredDescribesUseTheSmallerBucketOfTheirOwn() {
    RequestLimits limits = RequestLimits.defaults();
    assertThat(limits.ofUnfiltered(Ec2Action.DESCRIBE_SECURITY_GROUPS).burst())
        .isLessThan(limits.of(Ec2Action.DESCRIBE_SECURITY_GROUPS).burst());
    RateLimitedCloud cloud = limited(simulator(Throttling.off()), limits);
    int unfilteredBurst = limits.ofUnfiltered(Ec2Action.DESCRIBE_SECURITY_GROUPS).burst();
    for (int i = 0; i < unfilteredBurst; i++) {
      cloud.describeSecurityGroups(EU, GroupFilter.all(), null, null);
    }
    // the filtered bucket is untouched
    cloud.describeSecurityGroups(EU, GroupFilter.all(), null, 1000);
    assertThat(waits).isEmpty();
    cloud.describeSecurityGroups(EU, null, null, null);
    assertThat(waits).hasSize(1);
  }

  @Test
  void theDefaultsUseEc2sBucketsButForAReserve() {
    RequestLimits limits = RequestLimits.defaults();
    for (Ec2Action a : Ec2Action.values()) {
      RequestLimits.Limit l = limits.of(a);
      assertThat(l.perSecond()).as(a.apiName()).isEqualTo(a.refillPerSecond());
      assertThat(l.burst())
          .as(a.apiName())
          .isLessThan(a.capacity())
          .isGreaterThan(a.capacity() - 5);
      if (a.hasUnfilteredBucket()) {
        assertThat(limits.ofUnfiltered(a).perSecond())
            .isEqualTo(Ec2Action.UNFILTERED_REFILL_PER_SECOND);
        assertThat(limits.ofUnfiltered(a).burst()).isLessThan(Ec2Action.UNFILTERED_CAPACITY);
      }
    }
    RequestLimits doubled = limits.scaled(2);
    assertThat(doubled.of(Ec2Action.CREATE_SECURITY_GROUP).perSecond())
        .isEqualTo(2 * limits.of(Ec2Action.CREATE_SECURITY_GROUP).perSecond());
  }

  @Test
  void aThrottledBucketEmptiesHalvesItsRateOnceASecondAndRegainsIt() {
    RateLimitedCloud.Bucket bucket = new RateLimitedCloud.Bucket(new RequestLimits.Limit(5, 48), 0);
    bucket.throttled(0);
    // empty, and one token owed for the SDK's retry of the throttled call
    assertThat(bucket.tokens(0)).isEqualTo(-1);
    assertThat(bucket.perSecond(0)).isEqualTo(2.5);
    // calls throttled together are one signal
    bucket.throttled(SECOND / 2);
    assertThat(bucket.perSecond(SECOND / 2)).isBetween(2.62, 2.63);
    // 2.5 regained 5 % of the limit a second since: 3 at 2 s, halved
    bucket.throttled(2 * SECOND);
    assertThat(bucket.perSecond(2 * SECOND)).isBetween(1.49, 1.51);
    // never below a quarter of the limit
    for (int i = 3; i < 20; i++) {
      bucket.throttled(i * 2 * SECOND);
    }
    assertThat(bucket.perSecond(38 * SECOND)).isBetween(1.25, 1.26);
    // back to the limit, 5 % of it a second: within 15 s of the last throttle, and no further
    assertThat(bucket.perSecond(48 * SECOND)).isBetween(3.7, 3.8);
    assertThat(bucket.perSecond(60 * SECOND)).isEqualTo(5);
    assertThat(bucket.tokens(3600 * SECOND)).isEqualTo(48);
  }

  @Test
  void aThrottledCallSlowsItsOwnActionInItsOwnRegionOnly() {
    Ec2Simulator sim = simulator(Throttling.off());
    RateLimitedCloud cloud = limited(sim, RequestLimits.defaults());
    String us = create(cloud, US, VPC_US);
    cloud.throttled(EU, "CreateSecurityGroup");
    cloud.throttled(EU, "NoSuchAction");
    cloud.throttled(null, "CreateSecurityGroup");
    // other regions and other actions go on from full buckets
    create(cloud, US, VPC_US);
    String eu = create(cloud, EU, VPC_A);
    assertThat(waits).hasSize(1);
    cloud.authorize(EU, eu, Direction.INGRESS, List.of(tcpIn(443)));
    cloud.authorize(US, us, Direction.INGRESS, List.of(tcpIn(443)));
    assertThat(waits).hasSize(1);
    // the first EU create waited for the token the SDK's retry owes and its own: 2 at 2.5 a second
    assertThat(waits.get(0)).isBetween(8 * SECOND / 10 - 1, 8 * SECOND / 10 + 1);
  }

  /**
   * Makes {@code calls} creates through {@code cloud} while another client of the account creates
   * groups straight in {@code sim} at {@code otherPerSecond}, giving up on those EC2 throttles;
   * each throttled create of ours is made again (as the SDK retries). Returns how many creates of
   * either client EC2 throttled.
   */
  private long createsBesideAnotherClient(
      Ec2Simulator sim, RateLimitedCloud cloud, int calls, double otherPerSecond) {
    long start = now.get();
    long otherDone = 0;
    for (int made = 0; made < calls; ) {
      try {
        create(cloud, EU, VPC_A);
        made++;
      } catch (CloudException e) {
        assertThat(e.code()).isEqualTo(RateLimitedCloud.REQUEST_LIMIT_EXCEEDED);
      }
      long otherDue = (long) ((now.get() - start) * otherPerSecond / SECOND);
      for (; otherDone < otherDue; otherDone++) {
        try {
          create(sim, EU, VPC_A);
        } catch (CloudException e) {
          assertThat(e.code()).isEqualTo(RateLimitedCloud.REQUEST_LIMIT_EXCEEDED);
        }
      }
    }
    return sim.calls()
        .count(Ec2Action.CREATE_SECURITY_GROUP, RateLimitedCloud.REQUEST_LIMIT_EXCEEDED);
  }

  @Test
  void besideAnotherClientOfTheAccountFewCallsAreThrottled() {
    Ec2Simulator sim = simulator(Throttling.ec2());
    RateLimitedCloud cloud = limited(sim, RequestLimits.defaults());
    List<String> seen = new ArrayList<>();
    sim.calls()
        .onOutcome(
            RateLimitedCloud.REQUEST_LIMIT_EXCEEDED,
            (region, operation) -> {
              seen.add(operation);
              cloud.throttled(region, operation);
            });
    long throttled = createsBesideAnotherClient(sim, cloud, 300, 2);
    assertThat(throttled).isBetween(1L, 12L);
    // the other client's creates (2 a second while ours took 65 s) went through nearly all
    assertThat(sim.calls().count(Ec2Action.CREATE_SECURITY_GROUP, CallCounters.SUCCESS) - 300)
        .isGreaterThan(120);
    assertThat(seen).hasSize((int) throttled).containsOnly("CreateSecurityGroup");
    // without the back-off the same client runs into EC2's empty bucket again and again, and
    // leaves the other client almost nothing
    now.set(5 * SECOND);
    Ec2Simulator other = simulator(Throttling.ec2());
    long unadapted =
        createsBesideAnotherClient(other, limited(other, RequestLimits.defaults()), 300, 2);
    assertThat(unadapted).isGreaterThan(5 * throttled);
  }

  @Test
  void withTheDefaultsEc2NeverThrottlesAStreamOfCalls() {
    Ec2Simulator sim = simulator(Throttling.ec2());
    RateLimitedCloud cloud = limited(sim, RequestLimits.defaults());
    for (int i = 0; i < 300; i++) {
      String id = create(cloud, EU, VPC_A);
      cloud.authorize(EU, id, Direction.INGRESS, List.of(tcpIn(443)));
      cloud.createTags(EU, id, Map.of("n", Integer.toString(i)));
      cloud.describeSecurityGroups(EU, GroupFilter.ids(id), null, null);
    }
    CallCounters calls = sim.calls();
    for (Ec2Action a : Ec2Action.values()) {
      assertThat(calls.count(a, "RequestLimitExceeded")).as(a.apiName()).isZero();
    }
    assertThat(calls.count(Ec2Action.CREATE_SECURITY_GROUP, CallCounters.SUCCESS)).isEqualTo(300);
    // the same stream without the limiter is throttled
    Ec2Simulator raw = simulator(Throttling.ec2());
    assertThatThrownBy(
            () -> {
              for (int i = 0; i < 300; i++) {
                create(raw, EU, VPC_A);
              }
            })
        .isInstanceOfSatisfying(
            CloudException.class, e -> assertThat(e.code()).isEqualTo("RequestLimitExceeded"));
  }

  @Test
  void anInterruptedWaitFailsWithoutCallingTheCloud() {
    Ec2Simulator sim = simulator(Throttling.off());
    RateLimitedCloud cloud =
        new RateLimitedCloud(
            sim,
            RequestLimits.defaults()
                .with(Ec2Action.CREATE_SECURITY_GROUP, new RequestLimits.Limit(1, 1)),
            now::get,
            nanos -> {
              throw new InterruptedException();
            });
    create(cloud, EU, VPC_A);
    try {
      assertThatThrownBy(() -> create(cloud, EU, VPC_A))
          .isInstanceOfSatisfying(
              CloudException.class,
              e -> {
                assertThat(e.code()).isEqualTo(RateLimitedCloud.INTERRUPTED);
                assertThat(e.retryable()).isTrue();
              });
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(sim.calls().total(Ec2Action.CREATE_SECURITY_GROUP)).isEqualTo(1);
  }
}
