package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.ConditionedStatus;
import dev.portcullis.api.v1alpha1.DriftSummary;
import dev.portcullis.cloud.CallCounters;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.processing.event.source.Cache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

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

  /** Follows the EC2 calls counted in {@code calls}: one counter per region, action and outcome. */
  void ec2(CallCounters calls) {
    calls.onSeries(
        c ->
            FunctionCounter.builder(EC2_REQUESTS, c.calls(), LongAdder::sum)
                .description(
                    "EC2 requests by region, action and outcome (Success, or EC2's error code)")
                .tags("region", c.region(), "action", c.operation(), "outcome", c.outcome())
                .register(registry));
  }
}
