package dev.portcullis.cloud.simulator;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The ids the simulator hands out ({@code sg-}, {@code sgr-}, {@code eni-}): EC2's long form, the
 * prefix and 17 hex digits, drawn from a seeded stream, so that the same world, seed and calls give
 * the same ids. An id is never handed out twice, nor one the world declares. Not thread-safe: the
 * simulator draws under its lock.
 */
final class IdSource {
  private final SplittableRandom random;
  private final Set<String> used = new HashSet<>();

  IdSource(SplittableRandom random) {
    this.random = random;
  }

  /** Marks an id as taken (a world's own interface id); null is ignored. */
  void reserve(String id) {
    if (id != null) {
      used.add(id);
    }
  }

  /** A new id of EC2's long form: the prefix and 17 hex digits, from the seeded id stream. */
  String next(String prefix) {
    while (true) {
      String id =
          prefix
              + Integer.toHexString(random.nextInt(16))
              + String.format("%016x", random.nextLong());
      if (used.add(id)) {
        return id;
      }
    }
  }
}
