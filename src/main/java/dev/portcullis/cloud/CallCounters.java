package dev.portcullis.cloud;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * How many EC2 calls were made, per operation and outcome. The operation is its name in the EC2 API
 * ({@code CreateSecurityGroup}, {@code DescribeSecurityGroupRules}, ...); the outcome is {@link
 * #SUCCESS} or the error code the call ended with ({@code RequestLimitExceeded}, {@code
 * InvalidGroup.NotFound}, ...). The simulator counts the calls it answers; the AWS adapter counts
 * every request it sends, including those the port does not name, such as the rule describes behind
 * a group describe. A call counted with how long it took is handed, with its duration, to the
 * {@link CallTimer}s that follow them ({@link #onDuration}). Thread-safe; readers never block
 * callers.
 */
public final class CallCounters {
  /** The outcome of a call that succeeded. */
  public static final String SUCCESS = "Success";

  /** The region of a call whose region is not known. */
  public static final String UNKNOWN_REGION = "unknown";

  /** One region's calls of one operation that ended one way, counted as they happen. */
  public record Series(String region, String operation, String outcome, LongAdder calls) {}

  private final ConcurrentMap<String, ConcurrentMap<String, LongAdder>> counts =
      new ConcurrentHashMap<>();
  private final ConcurrentMap<List<String>, Series> series = new ConcurrentHashMap<>();
  private final List<Consumer<Series>> listeners = new CopyOnWriteArrayList<>();
  private final List<Watch> watches = new CopyOnWriteArrayList<>();

  /** Told of a call that ended with the outcome it watches for. */
  @FunctionalInterface
  public interface OutcomeListener {
    void called(String region, String operation);
  }

  private record Watch(String outcome, OutcomeListener listener) {}

  private final List<CallTimer> timers = new CopyOnWriteArrayList<>();

  /** Counts one call of {@code operation} in {@code region} that ended with {@code outcome}. */
  public void record(String region, String operation, String outcome) {
    counts
        .computeIfAbsent(operation, a -> new ConcurrentHashMap<>())
        .computeIfAbsent(outcome, o -> new LongAdder())
        .increment();
    Series s =
        series.computeIfAbsent(
            List.of(region, operation, outcome),
            k -> {
              Series made = new Series(region, operation, outcome, new LongAdder());
              listeners.forEach(l -> l.accept(made));
              return made;
            });
    s.calls().increment();
    for (Watch w : watches) {
      if (w.outcome().equals(outcome)) {
        w.listener().called(region, operation);
      }
    }
  }

  /** Counts one call of {@code action} in {@code region} that ended with {@code outcome}. */
  public void record(String region, Ec2Action action, String outcome) {
    record(region, action.apiName(), outcome);
  }

  /** Counts one call, as {@link #record(String, String, String)}, that took {@code nanos}. */
  public void record(String region, String operation, String outcome, long nanos) {
    record(region, operation, outcome);
    for (CallTimer t : timers) {
      t.took(region, operation, nanos);
    }
  }

  /** Hands {@code timer} the duration of every call counted with one from now on. */
  public void onDuration(CallTimer timer) {
    timers.add(timer);
  }

  /**
   * Hands {@code listener} every series counted so far and each new one as it appears (a region,
   * operation and outcome not seen before): how meters follow the counts.
   */
  public void onSeries(Consumer<Series> listener) {
    listeners.add(listener);
    series.values().forEach(listener);
  }

  /**
   * Tells {@code listener} of every call counted from now on that ends with {@code outcome}, on the
   * thread that counts it: how the client-side limiter learns that EC2 throttled a request, each
   * attempt of the SDK's retries included.
   */
  public void onOutcome(String outcome, OutcomeListener listener) {
    watches.add(
        new Watch(
            Objects.requireNonNull(outcome, "outcome"),
            Objects.requireNonNull(listener, "listener")));
  }

  /** Calls of {@code operation} that ended with {@code outcome}. */
  public long count(String operation, String outcome) {
    Map<String, LongAdder> byOutcome = counts.get(operation);
    if (byOutcome == null) {
      return 0;
    }
    LongAdder n = byOutcome.get(outcome);
    return n == null ? 0 : n.sum();
  }

  /** Calls of {@code action} that ended with {@code outcome}. */
  public long count(Ec2Action action, String outcome) {
    return count(action.apiName(), outcome);
  }

  /** Every call of {@code operation}, whatever its outcome. */
  public long total(String operation) {
    Map<String, LongAdder> byOutcome = counts.get(operation);
    return byOutcome == null ? 0 : byOutcome.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Every call of {@code action}, whatever its outcome. */
  public long total(Ec2Action action) {
    return total(action.apiName());
  }

  /** Every call of every operation. */
  public long total() {
    long n = 0;
    for (String operation : counts.keySet()) {
      n += total(operation);
    }
    return n;
  }

  /** A copy of every count: operation (sorted), then outcome (sorted), then calls. */
  public Map<String, Map<String, Long>> snapshot() {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    counts.forEach(
        (operation, byOutcome) -> {
          Map<String, Long> m = new TreeMap<>();
          byOutcome.forEach((outcome, n) -> m.put(outcome, n.sum()));
          out.put(operation, Collections.unmodifiableMap(m));
        });
    return Collections.unmodifiableMap(out);
  }

  @Override
  public String toString() {
    return snapshot().toString();
  }
}
