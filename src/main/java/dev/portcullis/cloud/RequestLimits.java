package dev.portcullis.cloud;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * How fast the client side may call each EC2 action in one region: a steady rate and a burst, the
 * shape of EC2's own request token buckets (see {@link Ec2Action}).
 *
 * <p>{@link #defaults()} use the whole of EC2's published buckets but for a reserve of a few
 * tokens: all of each refill rate and {@value #DEFAULT_BURST_SHARE} of each bucket (48 of 50, 96 of
 * 100). With nothing else calling EC2 in the account and region, the operator then goes as fast as
 * EC2 lets it; the reserve absorbs calls that leave the client evenly spaced but reach EC2 bunched
 * together (two tokens are 0.4 s of jitter at 5 a second). When other clients share the buckets,
 * EC2 throttles some calls all the same and {@link RateLimitedCloud} backs off; {@link #scaled}
 * with a factor under 1 keeps to a share of them from the start, and one over 1 suits an account
 * whose limits were raised.
 */
public final class RequestLimits {
  /** The share of EC2's refill rate the defaults allow. */
  public static final double DEFAULT_RATE_SHARE = 1.0;

  /** The share of EC2's bucket size the defaults allow at once: all but a reserve. */
  public static final double DEFAULT_BURST_SHARE = 0.96;

  /**
   * A steady rate and a burst: up to {@code burst} calls at once after a quiet spell, then {@code
   * perSecond} calls a second.
   */
  public record Limit(double perSecond, int burst) {
    public Limit {
      if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
        throw new IllegalArgumentException("rate " + perSecond + " is not a positive number");
      }
      if (burst < 1) {
        throw new IllegalArgumentException("burst " + burst + " is below 1");
      }
    }

    /** This limit's share of an EC2 bucket of {@code capacity} refilled at {@code refill}/s. */
    static Limit shareOf(double capacity, double refill, double rateShare, double burstShare) {
      return new Limit(refill * rateShare, Math.max(1, (int) Math.floor(capacity * burstShare)));
    }
  }

  private final Map<Ec2Action, Limit> limits;
  private final Map<Ec2Action, Limit> unfiltered;

  private RequestLimits(Map<Ec2Action, Limit> limits, Map<Ec2Action, Limit> unfiltered) {
    this.limits = limits;
    this.unfiltered = unfiltered;
  }

  /** All of EC2's refill rates, {@value #DEFAULT_BURST_SHARE} of its buckets. */
  public static RequestLimits defaults() {
    return shareOfEc2(DEFAULT_RATE_SHARE, DEFAULT_BURST_SHARE);
  }

  /** The given shares of every EC2 bucket's refill rate and size (1 and 1: EC2's own buckets). */
  public static RequestLimits shareOfEc2(double rateShare, double burstShare) {
    if (!(rateShare > 0) || !(burstShare > 0)) {
      throw new IllegalArgumentException("shares must be positive");
    }
    Map<Ec2Action, Limit> limits = new EnumMap<>(Ec2Action.class);
    Map<Ec2Action, Limit> unfiltered = new EnumMap<>(Ec2Action.class);
    for (Ec2Action a : Ec2Action.values()) {
      limits.put(a, Limit.shareOf(a.capacity(), a.refillPerSecond(), rateShare, burstShare));
      if (a.hasUnfilteredBucket()) {
        unfiltered.put(
            a,
            Limit.shareOf(
                Ec2Action.UNFILTERED_CAPACITY,
                Ec2Action.UNFILTERED_REFILL_PER_SECOND,
                rateShare,
                burstShare));
      }
    }
    return new RequestLimits(limits, unfiltered);
  }

  /** Every rate and burst multiplied by {@code factor}, for an account with raised limits. */
  public RequestLimits scaled(double factor) {
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("factor " + factor + " is not a positive number");
    }
    Map<Ec2Action, Limit> l = new EnumMap<>(Ec2Action.class);
    Map<Ec2Action, Limit> u = new EnumMap<>(Ec2Action.class);
    limits.forEach((a, x) -> l.put(a, scale(x, factor)));
    unfiltered.forEach((a, x) -> u.put(a, scale(x, factor)));
    return new RequestLimits(l, u);
  }

  private static Limit scale(Limit x, double factor) {
    return new Limit(x.perSecond() * factor, Math.max(1, (int) Math.floor(x.burst() * factor)));
  }

  /** The same, with {@code action}'s (filtered or paginated) calls held to {@code limit}. */
  public RequestLimits with(Ec2Action action, Limit limit) {
    Map<Ec2Action, Limit> l = new EnumMap<>(limits);
    l.put(Objects.requireNonNull(action, "action"), Objects.requireNonNull(limit, "limit"));
    return new RequestLimits(l, unfiltered);
  }

  /** The limit of {@code action}'s calls (describe calls with a filter or pagination). */
  public Limit of(Ec2Action action) {
    return limits.get(action);
  }

  /**
   * The limit of a describe call with no filter and no pagination, which EC2 charges to a smaller
   * bucket of its own; for other actions the same as {@link #of}.
   */
  public Limit ofUnfiltered(Ec2Action action) {
    return unfiltered.getOrDefault(action, limits.get(action));
  }

  @Override
  public String toString() {
    return "RequestLimits" + limits;
  }
}
