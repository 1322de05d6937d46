package dev.portcullis.sync;

import dev.portcullis.cloud.CloudPort;
import dev.portcullis.engine.RuleCounts;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * The sizes of the managed prefix lists that groups reference, read from the cloud and kept for a
 * while: a rule that references a list counts as the list's maximum entries against its group's
 * quota, and that maximum seldom changes. Lists not known, or known longer ago than the time to
 * live, are read together in one call per region. Thread-safe.
 */
public final class PrefixListSizes {
  /** How long a list's size is trusted by default. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);

  private record Key(String region, String id) {}

  private record Known(RuleCounts.PrefixListSize size, long readAt) {}

  private final CloudPort cloud;
  private final Retry retry;
  private final long ttlNanos;
  private final LongSupplier nanoTime;
  private final ConcurrentMap<Key, Known> known = new ConcurrentHashMap<>();

  public PrefixListSizes(CloudPort cloud, Retry retry, Duration ttl, LongSupplier nanoTime) {
    this.cloud = Objects.requireNonNull(cloud, "cloud");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.ttlNanos = ttl.toNanos();
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  public PrefixListSizes(CloudPort cloud, Retry retry) {
    this(cloud, retry, DEFAULT_TTL, System::nanoTime);
  }

  /**
   * The sizes of {@code ids} in {@code region}; none for no id. A list the region does not have
   * fails with the cloud's error ({@code InvalidPrefixListID.NotFound}).
   */
  public Map<String, RuleCounts.PrefixListSize> of(String region, Collection<String> ids) {
    Map<String, RuleCounts.PrefixListSize> out = new TreeMap<>();
    TreeSet<String> missing = new TreeSet<>();
    long now = nanoTime.getAsLong();
    for (String id : ids) {
      Known k = known.get(new Key(region, id));
      if (k != null && now - k.readAt() < ttlNanos) {
        out.put(id, k.size());
      } else {
        missing.add(id);
      }
    }
    if (!missing.isEmpty()) {
      Map<String, RuleCounts.PrefixListSize> read =
          retry.call(() -> cloud.describePrefixListSizes(region, missing));
      long readAt = nanoTime.getAsLong();
      read.forEach(
          (id, size) -> {
            known.put(new Key(region, id), new Known(size, readAt));
            if (missing.contains(id)) {
              out.put(id, size);
            }
          });
    }
    return out;
  }
}
