package dev.portcullis.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portcullis.cloud.CloudException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RetryTest {
  private final List<Long> sleeps = new ArrayList<>();

  private static CloudException error(CloudException.Kind kind) {
    return new CloudException("Code", kind, "failed");
  }

  /** Fails {@code failures} times with {@code kind}, then answers "ok". */
  private static Supplier<String> failing(
      AtomicInteger calls, int failures, CloudException.Kind kind) {
    return () -> {
      if (calls.incrementAndGet() <= failures) {
        throw error(kind);
      }
      return "ok";
    };
  }

  @Test
  void throttlingIsRetriedWithJitteredBackoffWithinTheBound() {
    Retry retry = new Retry(4, 100, 250, sleeps::add, 1);
    AtomicInteger calls = new AtomicInteger();
    assertThat(retry.call(failing(calls, 3, CloudException.Kind.THROTTLED))).isEqualTo("ok");
    assertThat(calls).hasValue(4);
    assertThat(sleeps).hasSize(3);
    // full jitter under a ceiling that doubles from 100 ms and stops at 250 ms
    assertThat(sleeps.get(0)).isBetween(0L, 100L);
    assertThat(sleeps.get(1)).isBetween(0L, 200L);
    assertThat(sleeps.get(2)).isBetween(0L, 250L);
    assertThat(retry.retries()).isEqualTo(3);

    AtomicInteger more = new AtomicInteger();
    CloudException e =
        catchThrowableOfType(
            CloudException.class,
            () -> retry.call(failing(more, 10, CloudException.Kind.TRANSIENT)));
    assertThat(e.kind()).isEqualTo(CloudException.Kind.TRANSIENT);
    assertThat(more).as("bounded: four attempts").hasValue(4);
  }

  @Test
  void whatARetryCannotFixIsThrownAtOnce() {
    Retry retry = new Retry(4, 100, 250, sleeps::add, 1);
    for (CloudException.Kind kind :
        List.of(
            CloudException.Kind.INVALID,
            CloudException.Kind.UNAUTHORIZED,
            CloudException.Kind.CONFLICT,
            CloudException.Kind.NOT_FOUND)) {
      AtomicInteger calls = new AtomicInteger();
      catchThrowableOfType(CloudException.class, () -> retry.call(failing(calls, 1, kind)));
      assertThat(calls).as(kind.name()).hasValue(1);
    }
    assertThat(sleeps).isEmpty();
  }

  @Test
  void notFoundIsRetriedOnlyWhereTheCallerAllowsIt() {
    Retry retry = new Retry(4, 100, 250, sleeps::add, 1);
    AtomicInteger calls = new AtomicInteger();
    assertThat(retry.callAllowingNotFound(failing(calls, 2, CloudException.Kind.NOT_FOUND)))
        .isEqualTo("ok");
    assertThat(calls).hasValue(3);
  }

  @Test
  void overAClientThatRetriesItselfOnlyEventualConsistencyIsRetried() {
    Retry retry = new Retry(4, 100, 250, sleeps::add, 1, false);
    AtomicInteger throttled = new AtomicInteger();
    CloudException e =
        catchThrowableOfType(
            CloudException.class,
            () -> retry.callAllowingNotFound(failing(throttled, 1, CloudException.Kind.THROTTLED)));
    assertThat(e.kind()).isEqualTo(CloudException.Kind.THROTTLED);
    assertThat(throttled).as("the client below retried it already").hasValue(1);

    AtomicInteger notYet = new AtomicInteger();
    assertThat(retry.callAllowingNotFound(failing(notYet, 2, CloudException.Kind.NOT_FOUND)))
        .isEqualTo("ok");
    assertThat(notYet).hasValue(3);
  }
}
