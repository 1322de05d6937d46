package dev.portcullis.cloud;

import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleCounts;
import java.util.Collection;
import java.util.HashMap;
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
 * <p>The limits are what this client may use when nothing else draws from the account's buckets.
 * When EC2 throttles a call all the same ({@link #throttled}: another client of the account took
 * tokens), that action's bucket in that region is emptied, one token is owed for the SDK's retry of
 * the call, and its rate drops to {@value #BACKOFF} of what it was (not below {@value #FLOOR_SHARE}
 * of the limit, and at most once a {@link #CUT_INTERVAL_NANOS second}: the calls throttled together
 * are one signal); it then grows back to the limit by {@value #RECOVERY_SHARE_PER_SECOND} of it a
 * second.
 *
 * <p>Thread-safe. Waiting happens outside any lock; a caller interrupted while it waits gets a
 * {@link CloudException} of kind {@link CloudException.Kind#THROTTLED} (code {@value #INTERRUPTED})
 * with its interrupt flag set, and its call is not made. How long each call waited (zero for most)
 * goes to the {@link CallTimer} given to {@link #onWait}.
 */
public final class RateLimitedCloud extends ForwardingCloud {
  /** The code of the exception thrown when a waiting caller is interrupted. */
  public static final String INTERRUPTED = "ClientRateLimitInterrupted";

  /** EC2's error code for a throttled request. */
  public static final String REQUEST_LIMIT_EXCEEDED = "RequestLimitExceeded";

  /** The share of its rate a bucket keeps when EC2 throttles one of its calls. */
  static final double BACKOFF = 0.5;

  /**
   * The least share of its limit's rate a bucket backs off to: low enough to leave most of the
   * bucket to another client, high enough that an estate still converges while EC2 throttles some
   * calls at random.
   */
  static final double FLOOR_SHARE = 0.25;

  /** How fast a bucket that backed off regains its limit's rate: this share of it per second. */
  static final double RECOVERY_SHARE_PER_SECOND = 0.05;

  /** Throttled calls closer together than this after a cut are one signal. */
  static final long CUT_INTERVAL_NANOS = 1_000_000_000L;

  private static final Map<String, Ec2Action> BY_API_NAME = byApiName();

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

  /**
   * EC2 answered a call of {@code operation} (its name in the EC2 API) in {@code region} with
   * {@code RequestLimitExceeded}: that action's buckets in that region back off (see above). Calls
   * this limiter does not pace are ignored.
   */
  public void throttled(String region, String operation) {
    Ec2Action action = BY_API_NAME.get(operation);
    if (action == null || region == null) {
      return;
    }
    long now = nanoTime.getAsLong();
    bucket(new Key(region, action, false), now).throttled(now);
    if (action.hasUnfilteredBucket()) {
      // EC2's answer does not say which of the action's two buckets was empty
      bucket(new Key(region, action, true), now).throttled(now);
    }
  }

  private Bucket bucket(Key key, long now) {
    return buckets.computeIfAbsent(
        key,
        k ->
            new Bucket(
                k.unfiltered() ? limits.ofUnfiltered(k.action()) : limits.of(k.action()), now));
  }

  /** Hands {@code timer} how long each call waits for its turn from now on (0: not at all). */
  public RateLimitedCloud onWait(CallTimer timer) {
    this.waits = Objects.requireNonNull(timer, "timer");
    return this;
  }

  /** Waits until a call of {@code action} in {@code region} may be made. */
  private void acquire(String region, Ec2Action action, boolean unfiltered) {
    Key key = new Key(region, action, unfiltered && action.hasUnfilteredBucket());
    long wait = bucket(key, nanoTime.getAsLong()).reserve(nanoTime.getAsLong());
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
   * Its rate backs off when EC2 throttles and grows back to the limit's (see the class comment).
   */
  static final class Bucket {
    private final double capacity;
    private final double limitPerNano;
    private double perNano;
    private double tokens;
    private long lastNanos;
    private long lastCutNanos;
    private boolean cut;

    Bucket(RequestLimits.Limit limit, long nowNanos) {
      this.capacity = limit.burst();
      this.limitPerNano = limit.perSecond() / 1e9;
      this.perNano = limitPerNano;
      this.tokens = capacity;
      this.lastNanos = nowNanos;
    }

    /** Takes a token; returns how many nanoseconds to wait before using it (0: at once). */
    synchronized long reserve(long nowNanos) {
      advance(nowNanos);
      tokens -= 1;
      if (tokens >= -1e-9) {
        return 0;
      }
      return (long) Math.ceil(-tokens / perNano);
    }

    /** EC2 throttled one of this bucket's calls at {@code nowNanos}. */
    synchronized void throttled(long nowNanos) {
      advance(nowNanos);
      if (cut && nowNanos - lastCutNanos < CUT_INTERVAL_NANOS) {
        return;
      }
      // EC2's bucket is empty, whatever this one thought; the SDK's retry of the call takes a token
      tokens = Math.min(tokens, 0) - 1;
      perNano = Math.max(limitPerNano * FLOOR_SHARE, perNano * BACKOFF);
      lastCutNanos = nowNanos;
      cut = true;
    }

    synchronized double tokens(long nowNanos) {
      advance(nowNanos);
      return tokens;
    }

    synchronized double perSecond(long nowNanos) {
      advance(nowNanos);
      return perNano * 1e9;
    }

    /** Refills for the time since the last call, and regains rate after a back-off. */
    private void advance(long nowNanos) {
      if (nowNanos <= lastNanos) {
        return;
      }
      long dt = nowNanos - lastNanos;
      tokens = Math.min(capacity, tokens + dt * perNano);
      if (perNano < limitPerNano) {
        perNano =
            Math.min(limitPerNano, perNano + limitPerNano * RECOVERY_SHARE_PER_SECOND * dt / 1e9);
      }
      lastNanos = nowNanos;
    }
  }

  private static Map<String, Ec2Action> byApiName() {
    Map<String, Ec2Action> m = new HashMap<>();
    for (Ec2Action a : Ec2Action.values()) {
      m.put(a.apiName(), a);
    }
    return Map.copyOf(m);
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
