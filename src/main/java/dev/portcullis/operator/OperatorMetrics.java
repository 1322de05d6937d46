package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.ConditionTypes;
import dev.portcullis.api.v1alpha1.ConditionedStatus;
import dev.portcullis.api.v1alpha1.DriftSummary;
import dev.portcullis.api.v1alpha1.ReachabilityCheck;
import dev.portcullis.api.v1alpha1.ReachabilityCheckStatus;
import dev.portcullis.api.v1alpha1.ReachabilityVerdict;
import dev.portcullis.cloud.CallCounters;
import dev.portcullis.cloud.CallTimer;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.RequestLimits;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.Cache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToIntFunction;

/**
 * The operator's own meters, fed by the one status writer ({@link StatusDraft}) and the drift
 * reports: how many resources are in each condition, and per SecurityGroup what drifted. Names
 * follow Prometheus' conventions (docs/metrics.md lists every one). The per-resource series (labels
 * {@code namespace} and {@code name}) can be turned off for estates of tens of thousands of
 * resources; the counts by condition stay.
 */
public final class OperatorMetrics {
  static final String CONDITIONS = "portcullis.resource.conditions";
  static final String DRIFT_RULES = "portcullis.security.group.drift.rules";
  static final String DRIFT_LAST_SEEN = "portcullis.security.group.drift.last.seen.timestamp";
  static final String DRIFT_FOUND = "portcullis.drift.found";
  static final String EC2_REQUESTS = "portcullis.ec2.requests";
  static final String EC2_REQUEST_DURATION = "portcullis.ec2.request.duration";
  static final String EC2_LIMITER_WAIT = "portcullis.ec2.rate.limiter.wait";
  static final String EC2_RATE_LIMIT = "portcullis.ec2.rate.limit.requests.per.second";
  static final String EC2_RATE_LIMIT_BURST = "portcullis.ec2.rate.limit.burst";
  static final String EC2_CREATIONS_QUEUED = "portcullis.ec2.creations.queued";
  static final String DRIFT_SCANS = "portcullis.drift.scans";
  static final String DRIFT_SCAN_DURATION = "portcullis.drift.scan.duration";
  static final String CHECK_VERDICT = "portcullis.reachability.check.verdict";
  static final String CHECK_EXPECTATION_MET = "portcullis.reachability.check.expectation.met";

  /**
   * The buckets of EC2's request latency: a describe of 1,000 groups or a call on a slow day takes
   * seconds, most calls tens of milliseconds; the simulator answers in microseconds.
   */
  private static final Duration[] REQUEST_BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30)
  };

  /** The buckets of the limiter's waits: none at all, a turn or two, a queue of creates. */
  private static final Duration[] WAIT_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(100),
    Duration.ofSeconds(1),
    Duration.ofSeconds(10),
    Duration.ofSeconds(60)
  };

  /** How drift ended, the {@code outcome} label of {@value #DRIFT_FOUND}. */
  public enum DriftOutcome {
    CORRECTED,
    REPORTED,
    GROUP_DELETED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  private final boolean perResource;

  /** The informers' caches, by kind: the resources that exist now. */
  private final Map<String, Cache<? extends HasMetadata>> caches = new ConcurrentHashMap<>();

  /** The condition gauges registered so far, by their tags. */
  private final Set<Tags> conditionGauges = ConcurrentHashMap.newKeySet();

  /** A per-resource gauge and the value behind it. */
  private record Held(Gauge gauge, AtomicReference<Double> value) {}

  /** Per-resource gauges, by name and tags. */
  private final Map<String, Held> values = new ConcurrentHashMap<>();

  /** The meters of each reachability check, by {@link #key}; their values come from the cache. */
  private final Map<String, List<Meter>> checkMeters = new ConcurrentHashMap<>();

  /** Timers by name, region and action. */
  private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();

  /** The regions whose queue of creates has its gauge. */
  private final Set<String> queueGauges = ConcurrentHashMap.newKeySet();

  /** How many resources of a region wait for their turn to create; none until set. */
  private volatile ToIntFunction<String> queuedIn = region -> 0;

  /**
   * @param perResource whether series carry {@code namespace} and {@code name} labels
   */
  public OperatorMetrics(MeterRegistry registry, boolean perResource) {
    this.registry = registry;
    this.perResource = perResource;
  }

  public MeterRegistry registry() {
    return registry;
  }

  private static String key(HasMetadata r) {
    return r.getKind() + "/" + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
  }

  /** The resources of {@code kind} are those of this informer cache. */
  void watch(String kind, Cache<? extends HasMetadata> cache) {
    caches.put(kind, cache);
  }

  /**
   * The status the writer settled on for {@code resource} (written or not): a condition not seen
   * before gets its gauge, which counts the resources of the cache that have it at each scrape.
   */
  void status(HasMetadata resource, ConditionedStatus status) {
    if (resource instanceof ReachabilityCheck check) {
      check(check);
    }
    if (status.getConditions() == null) {
      return;
    }
    for (Condition c : status.getConditions()) {
      Tags tags = conditionTags(resource, c);
      if (conditionGauges.add(tags)) {
        String kind = resource.getKind();
        Gauge.builder(CONDITIONS, () -> count(kind, c.getType(), c.getStatus(), c.getReason()))
            .description("Resources by kind and by the status and reason of each condition")
            .tags(tags)
            .register(registry);
      }
    }
  }

  private int count(String kind, String type, String value, String reason) {
    Cache<? extends HasMetadata> cache = caches.get(kind);
    if (cache == null) {
      return 0;
    }
    return (int)
        cache
            .list()
            .filter(
                r -> {
                  Condition c =
                      r instanceof CustomResource<?, ?> cr
                              && cr.getStatus() instanceof ConditionedStatus s
                          ? Conditions.find(s.getConditions(), type)
                          : null;
                  return c != null
                      && Objects.equals(value, c.getStatus())
                      && Objects.equals(reason, c.getReason());
                })
            .count();
  }

  /**
   * The meters of a reachability check, once: its verdict and whether its expectation holds, read
   * from the informer's cache at each scrape. They go when the check leaves the cache ({@link
   * #gone}), which needs no finalizer on the check.
   */
  private void check(ReachabilityCheck check) {
    if (!perResource) {
      return;
    }
    String ns = check.getMetadata().getNamespace();
    String name = check.getMetadata().getName();
    String kind = check.getKind();
    checkMeters.computeIfAbsent(
        key(check),
        k -> {
          List<Meter> meters = new ArrayList<>();
          for (ReachabilityVerdict v : ReachabilityVerdict.values()) {
            meters.add(
                Gauge.builder(
                        CHECK_VERDICT,
                        () -> {
                          ReachabilityCheckStatus s = checkStatus(kind, ns, name);
                          return s != null && s.getVerdict() == v ? 1 : 0;
                        })
                    .description("1 for the verdict a reachability check has now, else 0")
                    .tags(own(check).and("verdict", ReachabilityCheckReconciler.verdictWord(v)))
                    .register(registry));
          }
          meters.add(
              Gauge.builder(CHECK_EXPECTATION_MET, () -> expectationMet(kind, ns, name))
                  .description(
                      "1 while a reachability check's expectation holds, 0 while it does not;"
                          + " NaN while it is not judged")
                  .tags(own(check))
                  .register(registry));
          return meters;
        });
  }

  private ReachabilityCheckStatus checkStatus(String kind, String ns, String name) {
    Cache<? extends HasMetadata> cache = caches.get(kind);
    return cache == null
        ? null
        : cache
            .get(new ResourceID(name, ns))
            .map(r -> r instanceof ReachabilityCheck c ? c.getStatus() : null)
            .orElse(null);
  }

  private double expectationMet(String kind, String ns, String name) {
    ReachabilityCheckStatus s = checkStatus(kind, ns, name);
    Condition c =
        s == null ? null : Conditions.find(s.getConditions(), ConditionTypes.EXPECTATION_MET);
    if (c == null
        || !(Conditions.TRUE.equals(c.getStatus()) || Conditions.FALSE.equals(c.getStatus()))) {
      return Double.NaN;
    }
    return Conditions.TRUE.equals(c.getStatus()) ? 1 : 0;
  }

  /**
   * A resource left the informer's cache (it was deleted): a reachability check's meters go. A
   * SecurityGroup's go with {@link #gone}, when its cleanup has run.
   */
  void leftCache(HasMetadata resource) {
    List<Meter> meters = checkMeters.remove(key(resource));
    if (meters != null) {
      meters.forEach(registry::remove);
    }
  }

  /** A SecurityGroup is gone: its own series go. */
  void gone(HasMetadata resource) {
    if (!perResource) {
      return;
    }
    List<Tag> own = own(resource).stream().toList();
    values
        .entrySet()
        .removeIf(
            e -> {
              boolean mine = e.getValue().gauge().getId().getTags().containsAll(own);
              if (mine) {
                registry.remove(e.getValue().gauge());
              }
              return mine;
            });
  }

  private static Tags conditionTags(HasMetadata r, Condition c) {
    return Tags.of(
        "kind", r.getKind(),
        "type", c.getType(),
        "status", String.valueOf(c.getStatus()),
        "reason", String.valueOf(c.getReason()));
  }

  private static Tags own(HasMetadata r) {
    return Tags.of("namespace", r.getMetadata().getNamespace(), "name", r.getMetadata().getName());
  }

  private void set(String name, String description, Tags tags, double value) {
    values
        .computeIfAbsent(
            name + tags,
            k -> {
              AtomicReference<Double> v = new AtomicReference<>(value);
              Gauge g =
                  Gauge.builder(name, v, AtomicReference::get)
                      .description(description)
                      .baseUnit(name.equals(DRIFT_LAST_SEEN) ? "seconds" : null)
                      .tags(tags)
                      .register(registry);
              return new Held(g, v);
            })
        .value()
        .set(value);
  }

  /** The drift a SecurityGroup's status reports now (null: none): rules missing and unexpected. */
  void drift(HasMetadata sg, String region, DriftSummary drift) {
    if (!perResource) {
      return;
    }
    Tags own = own(sg).and("region", region);
    set(
        DRIFT_RULES,
        DRIFT_RULES_HELP,
        own.and("drift", "missing"),
        drift == null ? 0 : drift.getMissing());
    set(
        DRIFT_RULES,
        DRIFT_RULES_HELP,
        own.and("drift", "unexpected"),
        drift == null ? 0 : drift.getUnexpected());
  }

  private static final String DRIFT_RULES_HELP =
      "Rules that differ between EC2 and the spec now, by kind of difference";

  /** Drift was found on a SecurityGroup now. */
  void driftSeen(HasMetadata sg, String region, Instant now) {
    if (perResource) {
      set(
          DRIFT_LAST_SEEN,
          "When drift was last found on the group, in seconds since the epoch",
          own(sg).and("region", region),
          now.getEpochSecond());
    }
  }

  /** Drift was found: corrected, reported, or the group was deleted outside Portcullis. */
  void driftFound(String policy, DriftOutcome outcome) {
    Counter.builder(DRIFT_FOUND)
        .description("Drift found in EC2, by drift policy and by what was done about it")
        .tags("policy", policy, "outcome", outcome.label())
        .register(registry)
        .increment();
  }

  /** A region's scan for drift ended with {@code outcome} after {@code nanos}. */
  void driftScan(String region, String outcome, long nanos) {
    Counter.builder(DRIFT_SCANS)
        .description("Scans of a region's groups for drift, by outcome")
        .tags("region", region, "outcome", outcome)
        .register(registry)
        .increment();
    timer(DRIFT_SCAN_DURATION, region, null, null, "How long a region's scan for drift takes")
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer timer(
      String name, String region, String action, Duration[] buckets, String description) {
    return timers.computeIfAbsent(
        Arrays.asList(name, region, action),
        k -> {
          Timer.Builder b = Timer.builder(name).description(description).tag("region", region);
          if (action != null) {
            b.tag("action", action);
          }
          if (buckets != null) {
            b.serviceLevelObjectives(buckets);
          }
          return b.register(registry);
        });
  }

  /** What the client-side rate limiter hands how long each call waited for its turn. */
  CallTimer limiterWaits() {
    return (region, action, nanos) ->
        timer(
                EC2_LIMITER_WAIT,
                region,
                action,
                WAIT_BUCKETS,
                "Time EC2 calls waited in the client-side rate limiter for their turn")
            .record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * The limits the client-side rate limiter paces each action by, in every region: its share of
   * EC2's buckets (--rate-limit, --rate-limit-share), a gauge per action for the rate and the
   * burst.
   */
  void rateLimits(RequestLimits limits) {
    for (Ec2Action a : Ec2Action.values()) {
      RequestLimits.Limit l = limits.of(a);
      Gauge.builder(EC2_RATE_LIMIT, l::perSecond)
          .description("Requests a second the client-side rate limiter allows, per region")
          .tags("action", a.apiName())
          .register(registry);
      Gauge.builder(EC2_RATE_LIMIT_BURST, l::burst)
          .description("Requests the client-side rate limiter allows at once, per region")
          .tags("action", a.apiName())
          .register(registry);
    }
  }

  /** How many resources of a region wait for their turn to create their group. */
  void creationsQueued(ToIntFunction<String> queuedIn) {
    this.queuedIn = queuedIn;
  }

  /**
   * A SecurityGroup of {@code region} was reconciled: the region's queue of creates has a gauge.
   */
  void region(String region) {
    if (region != null && queueGauges.add(region)) {
      Gauge.builder(EC2_CREATIONS_QUEUED, () -> queuedIn.applyAsInt(region))
          .description("SecurityGroups waiting for their turn to create their EC2 group")
          .tags("region", region)
          .register(registry);
    }
  }

  /** Follows the EC2 calls counted in {@code calls}: one counter per region, action and outcome. */
  void ec2(CallCounters calls) {
    calls.onDuration(
        (region, action, nanos) ->
            timer(
                    EC2_REQUEST_DURATION,
                    region,
                    action,
                    REQUEST_BUCKETS,
                    "How long EC2 requests took, from sending to the answer")
                .record(nanos, TimeUnit.NANOSECONDS));
    calls.onSeries(
        c ->
            FunctionCounter.builder(EC2_REQUESTS, c.calls(), LongAdder::sum)
                .description(
                    "EC2 requests by region, action and outcome (Success, or EC2's error code)")
                .tags("region", c.region(), "action", c.operation(), "outcome", c.outcome())
                .register(registry));
  }
}
