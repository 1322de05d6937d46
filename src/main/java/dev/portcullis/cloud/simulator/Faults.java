package dev.portcullis.cloud.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * Faults the simulator injects on top of EC2's behaviour, all drawn from the simulator's seeded
 * random source so that a run repeats exactly.
 *
 * @param throttleRate the probability (0 to 1) that any request fails with {@code
 *     RequestLimitExceeded} whatever its token bucket holds, as when other clients of the same
 *     account share the limit
 * @param latency a fixed delay added to every request
 * @param latencyJitter a bound on a further delay drawn uniformly from zero to it
 * @param consistencyWindow how long a new security group stays invisible: for that long after its
 *     creation every request naming it (describe, authorize, revoke, delete, tag, attach, or a rule
 *     referencing it) answers {@code InvalidGroup.NotFound}, and listings omit it, as EC2's
 *     eventual consistency does right after {@code CreateSecurityGroup}
 */
public record Faults(
    double throttleRate, Duration latency, Duration latencyJitter, Duration consistencyWindow) {

  public Faults {
    if (!(throttleRate >= 0 && throttleRate <= 1)) {
      throw new IllegalArgumentException("throttle rate " + throttleRate + " is outside 0..1");
    }
    latency = nonNegative(latency, "latency");
    latencyJitter = nonNegative(latencyJitter, "latency jitter");
    consistencyWindow = nonNegative(consistencyWindow, "consistency window");
  }

  private static Duration nonNegative(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative()) {
      throw new IllegalArgumentException(what + " " + d + " is negative");
    }
    return d;
  }

  /** No injected faults: the simulator behaves as a perfectly consistent, instant EC2. */
  public static Faults none() {
    return new Faults(0, Duration.ZERO, Duration.ZERO, Duration.ZERO);
  }

  public Faults withThrottleRate(double rate) {
    return new Faults(rate, latency, latencyJitter, consistencyWindow);
  }

  public Faults withLatency(Duration fixed) {
    return new Faults(throttleRate, fixed, latencyJitter, consistencyWindow);
  }

  public Faults withRandomLatency(Duration bound) {
    return new Faults(throttleRate, latency, bound, consistencyWindow);
  }

  public Faults withConsistencyWindow(Duration window) {
    return new Faults(throttleRate, latency, latencyJitter, window);
  }

  boolean addsLatency() {
    return !latency.isZero() || !latencyJitter.isZero();
  }
}
