package dev.portcullis.operator;

import dev.portcullis.cloud.CallCounters;
import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.InstanceFilter;
import dev.portcullis.cloud.InstanceInfo;
import dev.portcullis.cloud.NetworkInterfaceInfo;
import dev.portcullis.cloud.Page;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.cloud.aws.AwsCloud;
import dev.portcullis.cloud.aws.AwsEstate;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Quotas;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleCounts;
import dev.portcullis.engine.eval.FlowEvaluator;
import dev.portcullis.sync.Retry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the reconcilers need of a cloud: the port they change it through (which also tells the sizes
 * of prefix lists, as they count against the rule quota), the account's quotas, an evaluator of the
 * observed state of a region for reachability checks, the count of the EC2 calls made, by operation
 * and outcome, and how the reconcilers retry a failed call: everything passing with the simulator,
 * only eventual consistency with AWS, whose SDK retries throttling and transient faults itself.
 */
public record CloudBackend(
    String name,
    CloudPort port,
    Quotas quotas,
    Function<String, FlowEvaluator> evaluatorForRegion,
    CallCounters calls,
    Retry retry) {
  /** The same cloud, reached through {@code other} (a wrapper of this one's port). */
  public CloudBackend withPort(CloudPort other) {
    return new CloudBackend(name, other, quotas, evaluatorForRegion, calls, retry);
  }

  /** The built-in simulator: its quotas, its evaluator, its call counters. */
  public static CloudBackend simulator(Ec2Simulator sim) {
    return new CloudBackend(
        "simulator", sim, sim.quotas(), region -> sim.evaluator(), sim.calls(), Retry.standard());
  }

  /** How long {@link #aws} reuses one region's describes for reachability checks. */
  public static final Duration AWS_ESTATE_TTL = Duration.ofSeconds(10);

  /**
   * AWS EC2 through {@code cloud}, with the account's {@code quotas} (EC2 cannot be asked for them
   * in one call, so they are given). Reachability checks are evaluated on groups and instances
   * described at most {@link #AWS_ESTATE_TTL} ago, or since the operator last changed the region's
   * groups or attachments, with no listeners known (see {@link AwsEstate}).
   */
  public static CloudBackend aws(AwsCloud cloud, Quotas quotas) {
    return aws(cloud, cloud.calls(), quotas, AWS_ESTATE_TTL, System::nanoTime);
  }

  static CloudBackend aws(
      CloudPort cloud, CallCounters calls, Quotas quotas, Duration ttl, LongSupplier nanoTime) {
    Map<String, Cached> cache = new ConcurrentHashMap<>();
    Function<String, FlowEvaluator> evaluator =
        region ->
            cache
                .compute(
                    region,
                    (r, old) -> {
                      long now = nanoTime.getAsLong();
                      if (old != null && now - old.readAt() < ttl.toNanos()) {
                        return old;
                      }
                      return new Cached(now, AwsEstate.evaluator(AwsEstate.read(cloud, r)));
                    })
                .evaluator();
    return new CloudBackend(
        "aws",
        new ForgetOnWrite(cloud, cache::remove),
        quotas,
        evaluator,
        calls,
        Retry.eventualConsistencyOnly());
  }

  private record Cached(long readAt, FlowEvaluator evaluator) {}

  /**
   * The port, forgetting a region's cached describes whenever the operator changes that region: a
   * check evaluated after its own groups or attachments changed reads EC2 again instead of trailing
   * the change until the cache expires.
   */
  static final class ForgetOnWrite implements CloudPort {
    private final CloudPort inner;
    private final Consumer<String> forget;

    ForgetOnWrite(CloudPort inner, Consumer<String> forget) {
      this.inner = inner;
      this.forget = forget;
    }

    private <T> T write(String region, Supplier<T> call) {
      try {
        return call.get();
      } finally {
        forget.accept(region);
      }
    }

    private void write(String region, Runnable call) {
      try {
        call.run();
      } finally {
        forget.accept(region);
      }
    }

    @Override
    public SecurityGroupInfo createSecurityGroup(
        String region,
        String vpcId,
        String groupName,
        String description,
        Map<String, String> tags) {
      return write(
          region, () -> inner.createSecurityGroup(region, vpcId, groupName, description, tags));
    }

    @Override
    public Page<SecurityGroupInfo> describeSecurityGroups(
        String region, GroupFilter filter, String nextToken, Integer maxResults) {
      return inner.describeSecurityGroups(region, filter, nextToken, maxResults);
    }

    @Override
    public void deleteSecurityGroup(String region, String groupId) {
      write(region, () -> inner.deleteSecurityGroup(region, groupId));
    }

    @Override
    public void createTags(String region, String resourceId, Map<String, String> tags) {
      inner.createTags(region, resourceId, tags);
    }

    @Override
    public void deleteTags(String region, String resourceId, Map<String, String> tags) {
      inner.deleteTags(region, resourceId, tags);
    }

    @Override
    public List<String> authorize(
        String region, String groupId, Direction direction, List<Rule> rules) {
      return write(region, () -> inner.authorize(region, groupId, direction, rules));
    }

    @Override
    public void revoke(String region, String groupId, Direction direction, List<Rule> rules) {
      write(region, () -> inner.revoke(region, groupId, direction, rules));
    }

    @Override
    public void updateRuleDescriptions(
        String region, String groupId, Direction direction, List<Rule> rules) {
      inner.updateRuleDescriptions(region, groupId, direction, rules);
    }

    @Override
    public Page<InstanceInfo> describeInstances(
        String region, InstanceFilter filter, String nextToken, Integer maxResults) {
      return inner.describeInstances(region, filter, nextToken, maxResults);
    }

    @Override
    public Page<NetworkInterfaceInfo> describeNetworkInterfaces(
        String region, String groupId, String nextToken, Integer maxResults) {
      return inner.describeNetworkInterfaces(region, groupId, nextToken, maxResults);
    }

    @Override
    public Map<String, RuleCounts.PrefixListSize> describePrefixListSizes(
        String region, Collection<String> ids) {
      return inner.describePrefixListSizes(region, ids);
    }

    @Override
    public void setInterfaceGroups(String region, String interfaceId, List<String> groupIds) {
      write(region, () -> inner.setInterfaceGroups(region, interfaceId, groupIds));
    }

    @Override
    public void setInstanceGroups(String region, String instanceId, List<String> groupIds) {
      write(region, () -> inner.setInstanceGroups(region, instanceId, groupIds));
    }
  }
}
