package dev.portcullis.operator;

import io.javaoperatorsdk.operator.processing.event.rate.RateLimiter;
import java.time.Duration;
import java.util.Optional;

/**
 * No limit on how often a resource is reconciled, as JOSDK's default, but with one state shared by
 * every resource: JOSDK's default limiter, even switched off, keeps a state with a timestamp for
 * each one (about 100 bytes). EC2 calls are paced by {@code RateLimitedCloud} instead.
 */
enum Unlimited implements RateLimiter<Unlimited.State> {
  INSTANCE;

  enum State implements RateLimitState {
    SHARED
  }

  @Override
  public Optional<Duration> isLimited(RateLimitState state) {
    return Optional.empty();
  }

  @Override
  public State initState() {
    return State.SHARED;
  }
}
