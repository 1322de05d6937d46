package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.AbstractRule;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.cloud.RateLimitedCloud;
import dev.portcullis.cloud.RequestLimits;
import dev.portcullis.sync.Canon;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The operator: the three reconcilers on one JOSDK {@link Operator}, sharing one cloud, one group
 * inventory and one set of triggers. Started by the {@code operator} command, by the integration
 * tests and by the benchmark, all the same way.
 */
public final class PortcullisOperator implements AutoCloseable {
  /**
   * @param namespaces the namespaces to watch; empty for all
   * @param resync how often every resource is reconciled again to find drift in EC2, which makes no
   *     Kubernetes events
   * @param deleteRetry how long a blocked deletion waits before trying again
   * @param threads reconciliations run at once
   * @param requestLimits how fast the operator may call each EC2 action per region (calls wait for
   *     their turn); null for no client-side pacing, for tests that want raw speed
   * @param driftScanInterval how often each region's groups are read and compared with their specs,
   *     to find drift between resyncs ({@link DriftScan}); zero turns the scan off
   * @param leaderElection the lease that replicas compete for, only the holder reconciling (the
   *     others keep their informers synced, standing by); null for none, one replica only
   */
  public record Settings(
      Set<String> namespaces,
      Duration resync,
      Duration deleteRetry,
      int threads,
      RequestLimits requestLimits,
      MeterRegistry meters,
      boolean perResourceMetrics,
      Duration driftScanInterval,
      LeaderElectionConfiguration leaderElection) {
    public Settings {
      namespaces = Set.copyOf(namespaces);
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1");
      }
      if (driftScanInterval.isNegative()) {
        throw new IllegalArgumentException("the drift scan interval must not be negative");
      }
    }

    /**
     * All namespaces, resync 5 minutes, drift scan every 30 seconds, 10 threads, EC2 calls paced by
     * the default limits, meters (per resource) in a registry nothing scrapes.
     */
    public static Settings defaults() {
      return new Settings(
          Set.of(),
          Duration.ofMinutes(5),
          Duration.ofSeconds(5),
          10,
          RequestLimits.defaults(),
          new SimpleMeterRegistry(),
          true,
          DriftScan.DEFAULT_INTERVAL,
          null);
    }

    public Settings withResync(Duration d) {
      return new Settings(
          namespaces,
          d,
          deleteRetry,
          threads,
          requestLimits,
          meters,
          perResourceMetrics,
          driftScanInterval,
          leaderElection);
    }

    public Settings withNamespaces(Set<String> ns) {
      return new Settings(
          ns,
          resync,
          deleteRetry,
          threads,
          requestLimits,
          meters,
          perResourceMetrics,
          driftScanInterval,
          leaderElection);
    }

    public Settings withDeleteRetry(Duration d) {
      return new Settings(
          namespaces,
          resync,
          d,
          threads,
          requestLimits,
          meters,
          perResourceMetrics,
          driftScanInterval,
          leaderElection);
    }

    public Settings withThreads(int n) {
      return new Settings(
          namespaces,
          resync,
          deleteRetry,
          n,
          requestLimits,
          meters,
          perResourceMetrics,
          driftScanInterval,
          leaderElection);
    }

    /** Paces EC2 calls by {@code limits}; null turns client-side pacing off. */
    public Settings withRequestLimits(RequestLimits limits) {
      return new Settings(
          namespaces,
          resync,
          deleteRetry,
          threads,
          limits,
          meters,
          perResourceMetrics,
          driftScanInterval,
          leaderElection);
    }

    /** Scans for drift every {@code d}; zero turns the scan off. */
    public Settings withDriftScanInterval(Duration d) {
      return new Settings(
          namespaces,
          resync,
          deleteRetry,
          threads,
          requestLimits,
          meters,
          perResourceMetrics,
          d,
          leaderElection);
    }

    /**
     * The operator's meters go into {@code registry}; {@code perResource} false drops the series
     * labelled with a resource's namespace and name (docs/metrics.md).
     */
    public Settings withMeters(MeterRegistry registry, boolean perResource) {
      return new Settings(
          namespaces,
          resync,
          deleteRetry,
          threads,
          requestLimits,
          registry,
          perResource,
          driftScanInterval,
          leaderElection);
    }

    /** Replicas compete for {@code lease}; null turns leader election off. */
    public Settings withLeaderElection(LeaderElectionConfiguration lease) {
      return new Settings(
          namespaces,
          resync,
          deleteRetry,
          threads,
          requestLimits,
          meters,
          perResourceMetrics,
          driftScanInterval,
          lease);
    }
  }

  /**
   * How many EC2 groups may be in creation at once when calls are paced (see {@link
   * dev.portcullis.sync.CreationQueue}): enough to keep the limiter's CreateSecurityGroup queue
   * from running dry between one create and the next resource's reconciliation, few enough that a
   * group moved ahead in the queue is created within about a second, and well under the reconciler
   * threads, which the other work needs.
   */
  static final int CREATION_SLOTS = 4;

  private final Operator operator;
  private final OperatorContext context;
  private final DriftScan driftScan;
  private final Leadership leadership;
  private final KubernetesClient client;

  private PortcullisOperator(
      Operator operator,
      OperatorContext context,
      DriftScan driftScan,
      Leadership leadership,
      KubernetesClient client) {
    this.operator = operator;
    this.client = client;
    this.context = context;
    this.driftScan = driftScan;
    this.leadership = leadership;
  }

  /**
   * Registers the reconcilers and starts them; returns once the informers have synced. Unless
   * {@code settings} turn it off, every EC2 call goes through a {@link RateLimitedCloud}, which
   * backs off when the cloud counts a call EC2 throttled.
   */
  public static PortcullisOperator start(
      KubernetesClient client, CloudBackend cloud, Settings settings) {
    return start(client, cloud, settings, Shard.ALL);
  }

  /**
   * As {@link #start(KubernetesClient, CloudBackend, Settings)}, serving only the resources of
   * {@code shard}: each informer lists and watches with its label selector.
   */
  public static PortcullisOperator start(
      KubernetesClient client, CloudBackend cloud, Settings settings, Shard shard) {
    OperatorMetrics metrics = new OperatorMetrics(settings.meters(), settings.perResourceMetrics());
    CloudBackend paced = cloud;
    if (settings.requestLimits() != null) {
      RateLimitedCloud limiter =
          new RateLimitedCloud(cloud.port(), settings.requestLimits())
              .onWait(metrics.limiterWaits());
      // every throttled attempt, the SDK's retries included, slows that action down
      cloud.calls().onOutcome(RateLimitedCloud.REQUEST_LIMIT_EXCEEDED, limiter::throttled);
      metrics.rateLimits(settings.requestLimits());
      paced = cloud.withPort(limiter);
    }
    OperatorContext context =
        new OperatorContext(
            client,
            paced,
            paced.retry(),
            settings.resync(),
            settings.deleteRetry(),
            Clock.systemUTC(),
            settings.requestLimits() == null ? OperatorContext.UNPACED_CREATES : CREATION_SLOTS,
            metrics,
            shard);
    Leadership leadership =
        settings.leaderElection() == null ? null : Leadership.of(settings.leaderElection());
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withResourceCloner(new TreeCloner(client.getKubernetesSerialization()))
                  .withCloseClientOnStop(false)
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(settings.meters()))
                  .withConcurrentReconciliationThreads(settings.threads());
              if (leadership != null) {
                o.withLeaderElectionConfiguration(leadership.configuration());
              }
            });
    register(operator, new SecurityGroupReconciler(context), settings, shard, metrics);
    register(operator, new AttachmentReconciler(context), settings, shard, metrics);
    register(operator, new ReachabilityCheckReconciler(context), settings, shard, metrics);
    operator.start();
    // A replica standing by reads no EC2: only the leader scans.
    DriftScan scan =
        settings.driftScanInterval().isZero()
            ? null
            : DriftScan.every(
                context,
                settings.driftScanInterval(),
                leadership == null ? () -> true : leadership::leading);
    return new PortcullisOperator(operator, context, scan, leadership, client);
  }

  private static <P extends HasMetadata> void register(
      Operator operator,
      Reconciler<P> reconciler,
      Settings settings,
      Shard shard,
      OperatorMetrics metrics) {
    operator.register(
        reconciler,
        (ControllerConfigurationOverrider<P> o) -> {
          if (settings.namespaces().isEmpty()) {
            o.watchingAllNamespaces();
          } else {
            o.settingNamespaces(settings.namespaces());
          }
          if (shard.labelSelector() != null) {
            // the shard's resources only: the others are neither listed, watched nor cached
            o.withLabelSelector(shard.labelSelector());
          }
          o.withReconciliationMaxInterval(settings.resync());
          o.withItemStore(
              new CompactItemStore<P>(
                  PortcullisOperator::pruned, PortcullisOperator::sharedRules, metrics::leftCache));
          // JOSDK's rate limiting is off; this keeps it from holding a state for every resource.
          o.withRateLimiter(Unlimited.INSTANCE);
          // Throttling and passing faults: exponential backoff, 0.5 s doubling up to 1 minute.
          o.withRetry(
              new GenericRetry()
                  .setInitialInterval(500)
                  .setIntervalMultiplier(2)
                  .setMaxInterval(60_000)
                  .setMaxAttempts(20));
        });
  }

  /** The annotation {@code kubectl apply} (client-side) keeps a whole copy of the object in. */
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  /**
   * A resource as the informer caches keep it: without its managed fields and without the copy of
   * itself that client-side {@code kubectl apply} writes into an annotation. The reconcilers read
   * neither, and status is written with server-side apply, which does not send them; together they
   * are about as large as the spec, for every resource the operator watches. Strings that repeat
   * from one resource to the next are shared ({@link CacheCompaction}).
   */
  static <P extends HasMetadata> P pruned(P resource) {
    return pruned(resource, new Canon<>());
  }

  /** As {@link #pruned(HasMetadata)}, sharing a SecurityGroup's rules through {@code rules}. */
  static <P extends HasMetadata> P pruned(P resource, Canon<AbstractRule> rules) {
    ObjectMeta meta = resource.getMetadata();
    if (meta != null) {
      meta.setManagedFields(null);
      Map<String, String> annotations = meta.getAnnotations();
      if (annotations != null && annotations.containsKey(LAST_APPLIED)) {
        Map<String, String> kept = new LinkedHashMap<>(annotations);
        kept.remove(LAST_APPLIED);
        meta.setAnnotations(kept.isEmpty() ? null : kept);
      }
    }
    if (resource instanceof SecurityGroup sg) {
      CacheCompaction.compact(sg, rules);
    } else {
      CacheCompaction.compact(meta);
    }
    return resource;
  }

  /** The rules a cached resource shares with others (a SecurityGroup's; others have none). */
  static Stream<AbstractRule> sharedRules(HasMetadata resource) {
    return resource instanceof SecurityGroup sg ? CacheCompaction.rules(sg) : Stream.empty();
  }

  /**
   * Whether every informer is synced and healthy: true from the end of {@link #start} (a replica
   * that stands by for the lease keeps its informers synced too) until an informer loses the API
   * server.
   */
  public boolean ready() {
    return operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  /** The regions of the SecurityGroups in the informers' caches. */
  public Set<String> regions() {
    Set<String> regions = new TreeSet<>();
    context.triggers().securityGroups().stream()
        .map(sg -> sg.getSpec().getRegion())
        .filter(r -> r != null && !r.isBlank())
        .forEach(regions::add);
    return regions;
  }

  /** What the reconcilers share (the cloud's inventory counts its describe calls). */
  public OperatorContext context() {
    return context;
  }

  /**
   * Whether this replica reconciles: always without leader election, else while it holds the Lease.
   */
  public boolean leading() {
    return leadership == null || leadership.leading();
  }

  /**
   * Stops the operator; its reconciliations under way end first. With leader election, it then
   * releases the Lease, so that a replica standing by takes over within seconds instead of waiting
   * for the Lease to expire.
   */
  @Override
  public void close() {
    if (leadership != null) {
      leadership.stopping();
    }
    if (driftScan != null) {
      driftScan.close();
    }
    operator.stop();
    if (leadership != null) {
      leadership.release(client);
    }
  }
}
