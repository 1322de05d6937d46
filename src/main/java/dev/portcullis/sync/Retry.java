package dev.portcullis.sync;

import dev.portcullis.cloud.CloudException;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Retries cloud calls that failed for a passing reason (throttling, a transient fault, and where
 * the caller allows it eventual consistency), with exponential backoff and full jitter, a bounded
 * number of times. Errors that a retry cannot fix are thrown at once. Over a cloud client that
 * retries throttling and transient faults itself (the AWS SDK), {@link #eventualConsistencyOnly()}
 * leaves those to it, so that the attempts do not multiply.
 */
public final class Retry {
  /** Waits; tests pass one that only records. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  private final int maxAttempts;
  private final long baseMillis;
  private final long capMillis;
  private final Sleeper sleeper;
  private final SplittableRandom random;
  private final boolean retriesPassingFaults;
  private long retries;

  public Retry(int maxAttempts, long baseMillis, long capMillis, Sleeper sleeper, long seed) {
    this(maxAttempts, baseMillis, capMillis, sleeper, seed, true);
  }

  /**
   * @param retriesPassingFaults whether throttling and transient faults are retried here (false:
   *     the client below retried them already, and only eventual consistency is retried here)
   */
  public Retry(
      int maxAttempts,
      long baseMillis,
      long capMillis,
      Sleeper sleeper,
      long seed,
      boolean retriesPassingFaults) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    this.maxAttempts = maxAttempts;
    this.baseMillis = baseMillis;
    this.capMillis = capMillis;
    this.sleeper = sleeper;
    this.random = new SplittableRandom(seed);
    this.retriesPassingFaults = retriesPassingFaults;
  }

  /** Eight attempts, from 100 ms up to 5 s apart, sleeping for real. */
  public static Retry standard() {
    return new Retry(8, 100, 5_000, Thread::sleep, System.nanoTime());
  }

  /**
   * As {@link #standard()}, but throttling and transient faults are thrown at once: for a client
   * that retried them already within its own bound, such as the AWS SDK's standard retry mode. Only
   * NOT_FOUND just after a create ({@link #callAllowingNotFound}) is retried here.
   */
  public static Retry eventualConsistencyOnly() {
    return new Retry(8, 100, 5_000, Thread::sleep, System.nanoTime(), false);
  }

  /** How many retries this instance has made, over all calls. */
  public synchronized long retries() {
    return retries;
  }

  public <T> T call(Supplier<T> action) {
    return call(action, false);
  }

  /**
   * As {@link #call}, and also retries NOT_FOUND: for calls on a resource that was just created,
   * which EC2 may not show everywhere yet (eventual consistency). Elsewhere NOT_FOUND is final.
   */
  public <T> T callAllowingNotFound(Supplier<T> action) {
    return call(action, true);
  }

  private <T> T call(Supplier<T> action, boolean notFoundIsTransient) {
    for (int attempt = 1; ; attempt++) {
      try {
        return action.get();
      } catch (CloudException e) {
        boolean transientHere =
            (retriesPassingFaults && e.retryable())
                || (notFoundIsTransient && e.kind() == CloudException.Kind.NOT_FOUND);
        if (!transientHere || attempt >= maxAttempts) {
          throw e;
        }
        long delay;
        synchronized (this) {
          retries++;
          long ceiling = Math.min(capMillis, baseMillis << Math.min(attempt - 1, 20));
          delay = random.nextLong(ceiling + 1);
        }
        try {
          sleeper.sleep(delay);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  public void run(Runnable action) {
    call(
        () -> {
          action.run();
          return null;
        });
  }
}
