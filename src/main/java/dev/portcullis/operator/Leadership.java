package dev.portcullis.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.net.HttpURLConnection;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's part in leader election: its identity on the Lease, whether it leads, and what
 * happens when it stops leading.
 *
 * <p>JOSDK's own handling is not enough for two reasons. When a leader stops leading it calls
 * {@code System.exit}; during a graceful shutdown that call comes from the shutdown hook, where it
 * waits for the hooks to end, for ever, so the pod runs until it is killed. And it never releases
 * the Lease (its elector's {@code releaseOnCancel} is off), so a replica standing by waits out the
 * whole lease duration after every rolling update. Here a replica that loses the Lease while it
 * runs still exits at once (so two replicas never reconcile together), from a thread of its own; a
 * replica that shuts down lets its reconciliations finish, then releases the Lease, and the one
 * standing by takes it at its next try, within seconds.
 */
final class Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  /** Exit status of a replica that lost the Lease while it ran. */
  static final int LOST = 1;

  private final LeaderElectionConfiguration given;
  private final String identity;
  private volatile boolean leading;
  private volatile boolean stopping;

  private Leadership(LeaderElectionConfiguration given, String identity) {
    this.given = given;
    this.identity = identity;
  }

  /**
   * The leadership of one replica on the Lease {@code given} names. Its identity is the one given,
   * else the pod's name (HOSTNAME) with a random suffix: unique even for two processes of one host,
   * or a restarted container, which must not take the Lease for one still held.
   */
  static Leadership of(LeaderElectionConfiguration given) {
    String host = System.getenv("HOSTNAME");
    String id =
        given
            .getIdentity()
            .orElseGet(
                () ->
                    (host == null || host.isBlank() ? "portcullis" : host)
                        + "_"
                        + UUID.randomUUID());
    return new Leadership(given, id);
  }

  /** The configuration JOSDK gets: the Lease given, this identity, these callbacks. */
  LeaderElectionConfiguration configuration() {
    return new LeaderElectionConfiguration(
        given.getLeaseName(),
        given.getLeaseNamespace().orElse(null),
        given.getLeaseDuration(),
        given.getRenewDeadline(),
        given.getRetryPeriod(),
        identity,
        new LeaderCallbacks(this::started, this::stopped, this::newLeader),
        false);
  }

  String identity() {
    return identity;
  }

  /** Whether this replica holds the Lease and reconciles. */
  boolean leading() {
    return leading;
  }

  private void started() {
    leading = true;
    LOG.info("Leading as {}: reconciling", identity);
  }

  private void newLeader(String leader) {
    if (!identity.equals(leader)) {
      LOG.info("Standing by; the leader is {}", leader);
    }
  }

  private void stopped() {
    leading = false;
    if (stopping) {
      return;
    }
    LOG.error("Lost the Lease as {}; exiting, so that only the new leader reconciles", identity);
    // Not from this thread: the shutdown stops the executor it runs on and waits for it.
    Thread exit = new Thread(() -> System.exit(LOST), "lost-lease-exit");
    exit.start();
  }

  /** From now on, losing the Lease is the shutdown's doing: no exit. */
  void stopping() {
    stopping = true;
  }

  /**
   * Releases the Lease if this replica holds it (after the operator stopped, so nothing reconciles
   * any more): its holder cleared, the replica standing by takes it at its next try. A failure is
   * logged: the Lease then expires after its duration, as after a crash.
   */
  void release(KubernetesClient client) {
    String namespace =
        given.getLeaseNamespace().orElseGet(() -> client.getConfiguration().getNamespace());
    if (namespace == null) {
      return;
    }
    LeaderElectionConfig config =
        new LeaderElectionConfig(
            new LeaseLock(namespace, given.getLeaseName(), identity),
            given.getLeaseDuration(),
            given.getRenewDeadline(),
            given.getRetryPeriod(),
            new LeaderCallbacks(() -> {}, () -> {}, leader -> {}),
            true,
            given.getLeaseName());
    // A renewal still under way when the elector was stopped conflicts with the release: again.
    for (int attempt = 1; ; attempt++) {
      try {
        if (client.leaderElector().withConfig(config).build().release()) {
          LOG.info("Released the Lease {}/{}", namespace, given.getLeaseName());
        }
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == 3) {
          LOG.warn(
              "Could not release the Lease {}/{}; it expires after {}: {}",
              namespace,
              given.getLeaseName(),
              given.getLeaseDuration(),
              e.getMessage());
          return;
        }
      }
    }
  }
}
