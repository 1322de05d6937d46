package dev.portcullis.cloud;

import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleCounts;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * A {@link CloudPort} that paces its calls per EC2 action and region, so that the operator stays
 * under EC2's request token buckets instead of running into {@code RequestLimitExceeded} and
 * backing off. Each action of each region has a token bucket of its own ({@link RequestLimits}); a
 * call takes a token, and when there is none it waits until its turn comes rather than failing.
 * Callers are served in the order they asked. Describe calls without filter and pagination use a
 * separate bucket, as EC2 charges them to a smaller one.
 *
 * <p>Thread-safe. Waiting happens outside any lock; a caller interrupted while it waits gets a
 * {@link CloudException} of kind {@link CloudException.Kind#THROTTLED} (code {@value #INTERRUPTED})
 * with its interrupt flag set, and its call is not made. How long each call waited (zero for most)
 * goes to the {@link CallTimer} given to {@link #onWait}.
 */
public final class RateLimitedCloud extends ForwardingCloud {
  /** The code of the exception thrown when a waiting caller is interrupted. */
  public static final String INTERRUPTED = "ClientRateLimitInterrupted";

  /** Waits; tests pass one that moves a fake clock instead. */
  @FunctionalInterface
  public interface Sleeper {
    void sleepNanos(long nanos) throws InterruptedException;
  }

  private static final Sleeper THREAD_SLEEP =
      nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));

  private record Key(String region, Ec2Action action, boolean unfiltered) {}

  private final RequestLimits limits;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private final ConcurrentMap<Key, Bucket> buckets = new ConcurrentHashMap<>();
  private volatile CallTimer waits = (region, operation, nanos) -> {};

  public RateLimitedCloud(
      CloudPort delegate, RequestLimits limits, LongSupplier nanoTime, Sleeper sleeper) {
    super(delegate);
    this.limits = Objects.requireNonNull(limits, "limits");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /** Paces {@code delegate} by {@code limits}, on the system clock. */
  public RateLimitedCloud(CloudPort delegate, RequestLimits limits) {
    this(delegate, limits, System::nanoTime, THREAD_SLEEP);
  }

  /** The limits this cloud keeps to. */
  public RequestLimits limits() {
    return limits;
  }

  /** Hands {@code timer} how long each call waits for its turn from now on (0: not at all). */
  public RateLimitedCloud onWait(CallTimer timer) {
    this.waits = Objects.requireNonNull(timer, "timer");
    return this;
  }

  /** Waits until a call of {@code action} in {@code region} may be made. */
  private void acquire(String region, Ec2Action action, boolean unfiltered) {
    Key key = new Key(region, action, unfiltered && action.hasUnfilteredBucket());
    Bucket b =
        buckets.computeIfAbsent(
            key,
            k ->
                new Bucket(
                    k.unfiltered() ? limits.ofUnfiltered(action) : limits.of(action),
                    nanoTime.getAsLong()));
    long wait = b.reserve(nanoTime.getAsLong());
    waits.took(region, action.apiName(), Math.max(0, wait));
    if (wait <= 0) {
      return;
    }
    try {
      sleeper.sleepNanos(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CloudException(
          INTERRUPTED,
          CloudException.Kind.THROTTLED,
          "interrupted while waiting for a " + action + " slot in " + region);
    }
  }

  /**
   * A token bucket that hands out reservations: a caller always takes a token, and when the bucket
   * holds less than one it learns how long to wait for the token it took. Tokens below zero are the
   * queue of waiting callers, so each caller's turn is one refill interval after the previous one.
   */
  static final class Bucket {
    private final double capacity;
    private final double perNano;
    private double tokens;
    private long lastNanos;

    Bucket(RequestLimits.Limit limit, long nowNanos) {
      this.capacity = limit.burst();
      this.perNano = limit.perSecond() / 1e9;
      this.tokens = capacity;
      this.lastNanos = nowNanos;
    }

    /** Takes a token; returns how many nanoseconds to wait before using it (0: at once). */
    synchronized long reserve(long nowNanos) {
      if (nowNanos > lastNanos) {
        tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * perNano);
        lastNanos = nowNanos;
      }
      tokens -= 1;
      if (tokens >= -1e-9) {
        return 0;
      }
      return (long) Math.ceil(-tokens / perNano);
    }
  }

  /** Whether a describe is charged to the smaller bucket: no filter and no pagination. */
  private static boolean unfiltered(boolean noFilter, String nextToken, Integer maxResults) {
    return noFilter && nextToken == null && maxResults == null;
  }

  private static Ec2Action authorizeAction(Direction d) {
    return d == Direction.INGRESS
        ? Ec2Action.AUTHORIZE_SECURITY_GROUP_INGRESS
        : Ec2Action.AUTHORIZE_SECURITY_GROUP_EGRESS;
  }

  private static Ec2Action revokeAction(Direction d) {
    return d == Direction.INGRESS
        ? Ec2Action.REVOKE_SECURITY_GROUP_INGRESS
        : Ec2Action.REVOKE_SECURITY_GROUP_EGRESS;
  }

  private static Ec2Action updateDescriptionsAction(Direction d) {
    return d == Direction.INGRESS
        ? Ec2Action.UPDATE_SECURITY_GROUP_RULE_DESCRIPTIONS_INGRESS
        : Ec2Action.UPDATE_SECURITY_GROUP_RULE_DESCRIPTIONS_EGRESS;
  }

  // ---------------------------------------------------------------- CloudPort

  @Override
  public SecurityGroupInfo createSecurityGroup(
      String region, String vpcId, String groupName, String description, Map<String, String> tags) {
    acquire(region, Ec2Action.CREATE_SECURITY_GROUP, false);
    return super.createSecurityGroup(region, vpcId, groupName, description, tags);
  }

  @Override
  public Page<SecurityGroupInfo> describeSecurityGroups(
      String region, GroupFilter filter, String nextToken, Integer maxResults) {
    acquire(
        region,
        Ec2Action.DESCRIBE_SECURITY_GROUPS,
        unfiltered(filter == null || filter.isUnfiltered(), nextToken, maxResults));
    return super.describeSecurityGroups(region, filter, nextToken, maxResults);
  }

  @Override
  public void deleteSecurityGroup(String region, String groupId) {
    acquire(region, Ec2Action.DELETE_SECURITY_GROUP, false);
    super.deleteSecurityGroup(region, groupId);
  }

  @Override
  public void createTags(String region, String resourceId, Map<String, String> tags) {
    acquire(region, Ec2Action.CREATE_TAGS, false);
    super.createTags(region, resourceId, tags);
  }

  @Override
  public void deleteTags(String region, String resourceId, Map<String, String> tags) {
    if (tags != null && !tags.isEmpty()) {
      // no tags is a caller's bug, refused by the cloud before any request is made: spend no token
      acquire(region, Ec2Action.DELETE_TAGS, false);
    }
    super.deleteTags(region, resourceId, tags);
  }

  @Override
  public List<String> authorize(
      String region, String groupId, Direction direction, List<Rule> rules) {
    acquire(region, authorizeAction(direction), false);
    return super.authorize(region, groupId, direction, rules);
  }

  @Override
  public void revoke(String region, String groupId, Direction direction, List<Rule> rules) {
    acquire(region, revokeAction(direction), false);
    super.revoke(region, groupId, direction, rules);
  }

  @Override
  public void updateRuleDescriptions(
      String region, String groupId, Direction direction, List<Rule> rules) {
    acquire(region, updateDescriptionsAction(direction), false);
    super.updateRuleDescriptions(region, groupId, direction, rules);
  }

  @Override
  public Page<InstanceInfo> describeInstances(
      String region, InstanceFilter filter, String nextToken, Integer maxResults) {
    acquire(
        region,
        Ec2Action.DESCRIBE_INSTANCES,
        unfiltered(filter == null || filter.isUnfiltered(), nextToken, maxResults));
    return super.describeInstances(region, filter, nextToken, maxResults);
  }

  @Override
  public Page<NetworkInterfaceInfo> describeNetworkInterfaces(
      String region, String groupId, String nextToken, Integer maxResults) {
    acquire(region, Ec2Action.DESCRIBE_NETWORK_INTERFACES, false);
    return super.describeNetworkInterfaces(region, groupId, nextToken, maxResults);
  }

  @Override
  public Map<String, RuleCounts.PrefixListSize> describePrefixListSizes(
      String region, Collection<String> ids) {
    acquire(region, Ec2Action.DESCRIBE_MANAGED_PREFIX_LISTS, false);
    return super.describePrefixListSizes(region, ids);
  }

  @Override
  public void setInterfaceGroups(String region, String interfaceId, List<String> groupIds) {
    acquire(region, Ec2Action.MODIFY_NETWORK_INTERFACE_ATTRIBUTE, false);
    super.setInterfaceGroups(region, interfaceId, groupIds);
  }

  @Override
  public void setInstanceGroups(String region, String instanceId, List<String> groupIds) {
    acquire(region, Ec2Action.MODIFY_INSTANCE_ATTRIBUTE, false);
    super.setInstanceGroups(region, instanceId, groupIds);
  }
}
