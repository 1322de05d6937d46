package dev.portcullis.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.sync.OwnerTags;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two operator replicas with leader election, one API server, one EC2 ({@link Replicas}): only the
 * leader calls EC2, counted per replica at the EC2 endpoint; the leader killed (SIGKILL) or shut
 * down (SIGTERM) while 200 or 60 groups converge; the replica standing by takes over, and at the
 * end every group is Ready, none exists twice in EC2, and each holds exactly its spec's rules.
 */
@ExtendWith(DiagnosticsOnFailure.class)
class FailoverIT {
  /** One reconciliation, with its EC2 calls paced by the limiter, on a loaded machine. */
  static final Duration ONE_RECONCILE = Duration.ofSeconds(10);

  @TempDir Path home;

  @Test
  void theStandbyTakesOverFromAKilledLeaderWithinTheLeaseAndFinishesAlone() throws Exception {
    try (Replicas replicas = new Replicas("failover-kill", home)) {
      Replicas.Replica a = leaderAndStandby(replicas);
      int n = 200;
      replicas.applyGroups(n / 10);
      Replicas.Replica b = replicas.start("operator-b");
      assertThat(b.holdsLease()).isFalse();
      replicas.applyGroups(n / 10, n);
      // Mid-convergence: EC2 holds some of the groups, and fewer than all are Ready.
      await()
          .alias("a quarter of the groups created")
          .atMost(120, SECONDS)
          .pollInterval(100, MILLISECONDS)
          .until(() -> replicas.managedGroups().size() >= n / 4);
      assertThat(replicas.readyGroups()).isLessThan(n);
      assertThat(b.ec2Requests())
          .as("the replica standing by has not called EC2\n%s", replicas.logs())
          .isZero();

      long killed = System.nanoTime();
      a.kill();
      assertThat(a.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
      long aCalls = a.ec2Requests();

      Duration leadsAfter = awaitSince(killed, "b holds the Lease", b::holdsLease, replicas);
      Duration callsAfter = awaitSince(killed, "b calls EC2", () -> b.ec2Requests() > 0, replicas);
      System.out.printf(
          "FailoverIT: SIGKILL of the leader with %d of %d groups in EC2: the standby held the"
              + " Lease after %d ms and called EC2 after %d ms%n",
          n / 4, n, leadsAfter.toMillis(), callsAfter.toMillis());
      assertThat(leadsAfter)
          .as("the Lease expires %s after its last renewal; b tries every %s or so", "15 s", "2 s")
          .isGreaterThan(Replicas.LEASE_DURATION.minus(Replicas.RETRY_PERIOD.multipliedBy(2)))
          .isLessThan(Replicas.LEASE_DURATION.plus(Replicas.RETRY_AT_MOST));
      assertThat(callsAfter)
          .as("within the lease duration and one reconciliation")
          .isLessThan(Replicas.LEASE_DURATION.plus(Replicas.RETRY_AT_MOST).plus(ONE_RECONCILE));

      awaitConverged(replicas, n, Duration.ofMinutes(4));
      assertThat(a.ec2Requests()).as("a made no call after it died").isEqualTo(aCalls);
      assertThat(b.process.isAlive()).isTrue();
    }
  }

  @Test
  void aLeaderShutDownReleasesTheLeaseAndTheStandbyLeadsWithinSeconds() throws Exception {
    try (Replicas replicas = new Replicas("failover-term", home)) {
      // As in a rolling update: resources exist when the new replica starts, and more come.
      Replicas.Replica a = leaderAndStandby(replicas);
      int n = 60;
      replicas.applyGroups(n / 2);
      Replicas.Replica b = replicas.start("operator-b");
      replicas.applyGroups(n / 2, n);
      await()
          .alias("some groups created")
          .atMost(120, SECONDS)
          .pollInterval(100, MILLISECONDS)
          .until(() -> replicas.managedGroups().size() >= 10);
      assertThat(b.ec2Requests()).as("standing by\n%s", replicas.logs()).isZero();

      long terminated = System.nanoTime();
      AtomicLong ended = new AtomicLong();
      a.process.onExit().thenRun(() -> ended.set(System.nanoTime()));
      a.terminate();
      Duration leadsAfter = awaitSince(terminated, "b holds the Lease", b::holdsLease, replicas);
      Duration callsAfter =
          awaitSince(terminated, "b calls EC2", () -> b.ec2Requests() > 0, replicas);
      assertThat(a.process.waitFor(20, TimeUnit.SECONDS))
          .as("a ends on SIGTERM\n%s", a.log())
          .isTrue();
      System.out.printf(
          "FailoverIT: SIGTERM of the leader: it ended after %d ms; the standby held the Lease"
              + " after %d ms and called EC2 after %d ms%n",
          Duration.ofNanos(ended.get() - terminated).toMillis(),
          leadsAfter.toMillis(),
          callsAfter.toMillis());
      assertThat(a.log()).contains("Released the Lease");
      assertThat(leadsAfter)
          .as("released at once, taken at b's next try: a few seconds, not the lease's 15")
          .isLessThan(Duration.ofSeconds(8));

      awaitConverged(replicas, n, Duration.ofMinutes(3));
      assertThat(b.process.isAlive()).isTrue();
    }
  }

  /** Starts operator-a, waits until it leads; the caller starts the standby. */
  private static Replicas.Replica leaderAndStandby(Replicas replicas) throws Exception {
    Replicas.Replica a = replicas.start("operator-a");
    await()
        .alias("operator-a leads")
        .atMost(60, SECONDS)
        .pollInterval(100, MILLISECONDS)
        .until(a::holdsLease);
    return a;
  }

  /** Waits for {@code what}, polling every 50 ms; how long after {@code since} it came true. */
  static Duration awaitSince(long since, String alias, Callable<Boolean> what, Replicas replicas) {
    await()
        .alias(alias + "\n" + replicas.logs())
        .atMost(60, SECONDS)
        .pollInterval(50, MILLISECONDS)
        .until(what);
    return Duration.ofNanos(System.nanoTime() - since);
  }

  /**
   * Every group Ready; EC2 holds exactly one group per SecurityGroup, tagged with its uid and the
   * one its status names, and exactly the rules its spec makes, nothing missing or extra.
   */
  static void awaitConverged(Replicas replicas, int n, Duration atMost) {
    await()
        .alias(n + " groups Ready\n" + replicas.logs())
        .atMost(atMost)
        .pollInterval(500, MILLISECONDS)
        .until(() -> replicas.readyGroups() == n);
    await()
        .atMost(30, SECONDS)
        .pollInterval(500, MILLISECONDS)
        .untilAsserted(
            () -> {
              List<SecurityGroup> specs =
                  TestCluster.shared()
                      .client()
                      .resources(SecurityGroup.class)
                      .inNamespace(replicas.ns)
                      .list()
                      .getItems();
              Map<String, String> ids = new HashMap<>();
              Map<String, String> uids = new HashMap<>();
              specs.forEach(
                  sg -> {
                    ids.put(sg.getMetadata().getName(), sg.getStatus().getGroupId());
                    uids.put(sg.getMetadata().getUid(), sg.getMetadata().getName());
                  });
              List<SecurityGroupInfo> groups = replicas.managedGroups();
              assertThat(groups).hasSize(n);
              assertThat(groups.stream().map(g -> g.tags().get(OwnerTags.UID)).distinct())
                  .as("one group per SecurityGroup")
                  .hasSize(n)
                  .allMatch(uids::containsKey);
              assertThat(
                      replicas
                          .sim
                          .describeAllSecurityGroups(Replicas.REGION, GroupFilter.all())
                          .stream()
                          .filter(g -> g.groupName().contains(replicas.ns)))
                  .as("no group without its tags")
                  .hasSize(n);
              for (SecurityGroupInfo g : groups) {
                String name = uids.get(g.tags().get(OwnerTags.UID));
                assertThat(g.groupId()).as(name).isEqualTo(ids.get(name));
                int i = Integer.parseInt(name.substring(2));
                assertThat(SecurityGroupIT.rules(g))
                    .as(name)
                    .containsExactlyElementsOf(Replicas.expectedRules(i, ids));
              }
            });
  }
}
