package dev.portcullis.cloud.simulator;

import dev.portcullis.cloud.Ec2Action;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * What a request meets before EC2 looks at it: the injected latency, the random throttling fault,
 * and the region's token bucket for its action (EC2's buckets, see {@link Ec2Action}, scaled or off
 * as {@link Throttling} says). The faults draw from a seeded stream, so a run repeats. Not
 * thread-safe: the simulator draws and admits under its lock, and pauses the caller outside it.
 */
final class RequestGate {
  private final Throttling throttling;
  private final Faults faults;
  private final SplittableRandom random;

  RequestGate(Throttling throttling, Faults faults, SplittableRandom random) {
    this.throttling = throttling;
    this.faults = faults;
    this.random = random;
  }

  /** Whether requests are delayed at all; {@link #drawLatency} is then worth calling. */
  boolean addsLatency() {
    return faults.addsLatency();
  }

  /** The delay of one request: the fixed latency plus a uniform draw up to the jitter. */
  Duration drawLatency() {
    Duration d = faults.latency();
    long jitter = faults.latencyJitter().toNanos();
    if (jitter > 0) {
      d = d.plusNanos((long) (random.nextDouble() * jitter));
    }
    return d;
  }

  /** Refuses the request with RequestLimitExceeded as often as the injected rate says. */
  void throttleFault(Ec2Action action) {
    if (faults.throttleRate() > 0 && random.nextDouble() < faults.throttleRate()) {
      throw Ec2Errors.requestLimitExceeded(action);
    }
  }

  /**
   * Takes a token from the region's bucket for the action, or refuses the request with
   * RequestLimitExceeded when it is empty. {@code unfiltered}: a describe without filters and
   * pages, which EC2 charges to a smaller bucket.
   */
  void takeToken(RegionState r, Ec2Action action, boolean unfiltered, long nowNanos) {
    if (throttling.enabled() && !bucket(r, action, unfiltered, nowNanos).tryTake(nowNanos)) {
      throw Ec2Errors.requestLimitExceeded(action);
    }
  }

  private TokenBucket bucket(RegionState r, Ec2Action action, boolean unfiltered, long nowNanos) {
    boolean small = unfiltered && action.hasUnfilteredBucket();
    String key = action.apiName() + (small ? "/unfiltered" : "");
    double factor = throttling.effectiveFactor();
    return r.buckets.computeIfAbsent(
        key,
        k ->
            new TokenBucket(
                (small ? Ec2Action.UNFILTERED_CAPACITY : action.capacity()) * factor,
                (small ? Ec2Action.UNFILTERED_REFILL_PER_SECOND : action.refillPerSecond())
                    * factor,
                nowNanos));
  }
}
