package dev.portcullis.cloud.simulator;

/**
 * EC2's request token bucket: full at first, one token per request, refilled continuously at a
 * fixed rate up to its capacity. Not thread-safe; the simulator holds its lock while using it.
 */
final class TokenBucket {
  /** Absorbs rounding in the refill arithmetic so that exactly one second yields whole tokens. */
  private static final double EPSILON = 1e-9;

  private final double capacity;
  private final double refillPerSecond;
  private double tokens;
  private long lastNanos;

  TokenBucket(double capacity, double refillPerSecond, long nowNanos) {
    this.capacity = Math.max(1, capacity);
    this.refillPerSecond = refillPerSecond;
    this.tokens = this.capacity;
    this.lastNanos = nowNanos;
  }

  /** Takes a token if one is there; an empty bucket is left as it is. */
  boolean tryTake(long nowNanos) {
    refill(nowNanos);
    if (tokens >= 1 - EPSILON) {
      tokens = Math.max(0, tokens - 1);
      return true;
    }
    return false;
  }

  double available(long nowNanos) {
    refill(nowNanos);
    return tokens;
  }

  private void refill(long nowNanos) {
    if (nowNanos > lastNanos) {
      tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * refillPerSecond / 1e9);
      lastNanos = nowNanos;
    }
  }
}
