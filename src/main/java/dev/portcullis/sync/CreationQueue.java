package dev.portcullis.sync;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Decides which resources create their EC2 groups next, when creates are paced (EC2 refills its
 * CreateSecurityGroup bucket at 5 a second, so a large estate is created over minutes).
 *
 * <p>Without it, every reconciliation that needs a create waits for its turn in the client-side
 * limiter and holds a reconciler thread meanwhile: groups are created strictly in the order their
 * resources arrived, and a group whose rules name a group further down that order has its rules
 * wait for it, while the ingress bucket they need idles. With it, at most {@code slots} creates are
 * under way (waiting in the limiter or being made); the others return at once and are queued here,
 * and when a slot frees the next resource is granted it and woken. Resources that a group already
 * created is waiting for go first, so that group's rules follow its creation closely; the others
 * are served in the order they came.
 *
 * <p>A reconciliation calls {@link #tryStart} before it creates a group and {@link #finish} after
 * (whether the create succeeded or not); {@link #forget} when the resource goes. A grant that its
 * resource does not take up within {@code grantTimeoutNanos} (its reconciliation failed before it
 * came to the create, or no longer needs one) is given to the next. Keys are opaque (the operator
 * uses {@code namespace/name}). Thread-safe; {@code wake} is called outside the lock.
 */
public final class CreationQueue {
  private final int slots;
  private final Consumer<String> wake;
  private final LongSupplier nanoTime;
  private final long grantTimeoutNanos;

  /** Resources another group waits for, in the order they came. */
  private final Set<String> awaited = new LinkedHashSet<>();

  /** Everyone else, in the order they came. */
  private final Set<String> queued = new LinkedHashSet<>();

  /** Resources creating their group now. */
  private final Set<String> running = new HashSet<>();

  /** Resources woken for a slot they have not taken up yet, with when they were woken. */
  private final Map<String, Long> granted = new HashMap<>();

  /** When each resource that has not started its create yet was first queued. */
  private final Map<String, Long> queuedAt = new HashMap<>();

  /**
   * @param slots how many creates may be under way at once
   * @param wake asks for a new reconciliation of a resource (it is granted a slot)
   */
  public CreationQueue(
      int slots, Consumer<String> wake, LongSupplier nanoTime, long grantTimeoutNanos) {
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be at least 1");
    }
    this.slots = slots;
    this.wake = Objects.requireNonNull(wake, "wake");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.grantTimeoutNanos = grantTimeoutNanos;
  }

  /** A queue that never makes anyone wait: for creates that are not paced. */
  public static CreationQueue unbounded() {
    return new CreationQueue(Integer.MAX_VALUE, k -> {}, () -> 0L, Long.MAX_VALUE);
  }

  /**
   * Whether {@code key} may create its group now. If not, it is queued (ahead of those nobody waits
   * for when {@code isAwaited}) and will be woken when a slot is granted to it; the caller gives up
   * this reconciliation without creating.
   */
  public boolean tryStart(String key, boolean isAwaited) {
    List<String> toWake = List.of();
    boolean start;
    synchronized (this) {
      reclaim();
      if (granted.remove(key) != null || running.contains(key)) {
        running.add(key);
        start = true;
      } else {
        queuedAt.putIfAbsent(key, nanoTime.getAsLong());
        if (isAwaited || awaited.contains(key)) {
          queued.remove(key);
          awaited.add(key);
        } else {
          queued.add(key);
        }
        toWake = grant();
        // a free slot that came to this caller is taken now rather than through a wake-up
        start = toWake.remove(key);
        if (start) {
          granted.remove(key);
          running.add(key);
        }
      }
      if (start) {
        queuedAt.remove(key);
      }
    }
    toWake.forEach(wake);
    return start;
  }

  /**
   * How long {@code key} has waited for its turn, since {@link #tryStart} first queued it; zero
   * when it is not waiting.
   */
  public synchronized long waitedNanos(String key) {
    Long at = queuedAt.get(key);
    return at == null ? 0 : nanoTime.getAsLong() - at;
  }

  /** {@code key}'s create is over (made or failed): its slot goes to the next. */
  public void finish(String key) {
    release(key);
  }

  /**
   * A group that exists waits for {@code key}'s group: if {@code key} is queued, it moves ahead of
   * those nobody waits for.
   */
  public synchronized void await(String key) {
    if (queued.remove(key)) {
      awaited.add(key);
    }
  }

  /**
   * {@code key} went, or no longer needs a create: drops it and any slot it held or was granted.
   */
  public void forget(String key) {
    synchronized (this) {
      awaited.remove(key);
      queued.remove(key);
      queuedAt.remove(key);
    }
    release(key);
  }

  /** The resources that wait for their turn, those another group waits for first. */
  public synchronized List<String> waitingKeys() {
    List<String> out = new ArrayList<>(awaited);
    out.addAll(queued);
    return out;
  }

  /** How many resources wait for their turn. */
  public synchronized int waiting() {
    return awaited.size() + queued.size();
  }

  private void release(String key) {
    List<String> toWake;
    synchronized (this) {
      running.remove(key);
      granted.remove(key);
      reclaim();
      toWake = grant();
    }
    toWake.forEach(wake);
  }

  private int busy() {
    return running.size() + granted.size();
  }

  /** Grants free slots to the next resources; returns them, to be woken outside the lock. */
  private List<String> grant() {
    List<String> out = new ArrayList<>();
    while (busy() < slots && (!awaited.isEmpty() || !queued.isEmpty())) {
      Set<String> from = awaited.isEmpty() ? queued : awaited;
      String next = from.iterator().next();
      from.remove(next);
      granted.put(next, nanoTime.getAsLong());
      out.add(next);
    }
    return out;
  }

  /** Drops grants that were not taken up in time. */
  private void reclaim() {
    long now = nanoTime.getAsLong();
    granted.values().removeIf(at -> now - at > grantTimeoutNanos);
  }
}
