package dev.portcullis.cloud.simulator;

import dev.portcullis.cloud.Ec2Action;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many calls the simulator answered, per action and outcome: {@link #SUCCESS} or the EC2 error
 * code it answered with (throttled calls count under {@code RequestLimitExceeded}). Thread-safe;
 * readers never block callers.
 */
public final class CallCounters {
  /** The outcome of a call that succeeded. */
  public static final String SUCCESS = "Success";

  private final ConcurrentMap<Ec2Action, ConcurrentMap<String, LongAdder>> counts =
      new ConcurrentHashMap<>();

  void record(Ec2Action action, String outcome) {
    counts
        .computeIfAbsent(action, a -> new ConcurrentHashMap<>())
        .computeIfAbsent(outcome, o -> new LongAdder())
        .increment();
  }

  /** Calls of {@code action} that ended with {@code outcome}. */
  public long count(Ec2Action action, String outcome) {
    Map<String, LongAdder> byOutcome = counts.get(action);
    if (byOutcome == null) {
      return 0;
    }
    LongAdder n = byOutcome.get(outcome);
    return n == null ? 0 : n.sum();
  }

  /** Every call of {@code action}, whatever its outcome. */
  public long total(Ec2Action action) {
    Map<String, LongAdder> byOutcome = counts.get(action);
    return byOutcome == null ? 0 : byOutcome.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Every call of every action. */
  public long total() {
    long n = 0;
    for (Ec2Action a : Ec2Action.values()) {
      n += total(a);
    }
    return n;
  }

  /** A copy of every count: action, then outcome (sorted), then calls. */
  public Map<Ec2Action, Map<String, Long>> snapshot() {
    Map<Ec2Action, Map<String, Long>> out = new EnumMap<>(Ec2Action.class);
    counts.forEach(
        (action, byOutcome) -> {
          Map<String, Long> m = new TreeMap<>();
          byOutcome.forEach((outcome, n) -> m.put(outcome, n.sum()));
          out.put(action, Collections.unmodifiableMap(m));
        });
    return Collections.unmodifiableMap(out);
  }

  @Override
  public String toString() {
    return snapshot().toString();
  }
}
