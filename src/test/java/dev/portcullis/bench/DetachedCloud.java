package dev.portcullis.bench;

import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.InstanceFilter;
import dev.portcullis.cloud.InstanceInfo;
import dev.portcullis.cloud.NetworkInterfaceInfo;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.cloud.Page;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.NamedGroupPeer;
import dev.portcullis.engine.Peer;
import dev.portcullis.engine.PrefixListPeer;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleCounts;
import dev.portcullis.engine.SelfPeer;
import dev.portcullis.sync.OwnerTags;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The simulator as a remote EC2 would be seen: every value that crosses the port is copied, down to
 * its strings, in both directions. Without it the simulator keeps the very rule objects the
 * operator sent, and answers with objects it keeps itself, so the operator's and the simulator's
 * heap share objects and neither can be measured alone. With it, nothing the operator holds is held
 * by the simulator, as against AWS, where every answer is parsed into new objects.
 */
final class DetachedCloud implements CloudPort {
  private final CloudPort cloud;
  private final ConcurrentMap<String, long[]> times = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, String> names = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Long> created = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Long> ingress = new ConcurrentHashMap<>();

  DetachedCloud(CloudPort cloud) {
    this.cloud = cloud;
  }

  /** Notes when a call of {@code what} was answered: the first and the last time. */
  private void at(String what) {
    long now = System.nanoTime();
    long[] t = times.computeIfAbsent(what, k -> new long[] {now, now});
    synchronized (t) {
      t[1] = Math.max(t[1], now);
    }
  }

  /** Per call, the first and the last time (System.nanoTime) it was answered. */
  Map<String, long[]> times() {
    Map<String, long[]> out = new TreeMap<>();
    times.forEach(
        (k, v) -> {
          synchronized (v) {
            out.put(k, v.clone());
          }
        });
    return out;
  }

  /**
   * Per SecurityGroup (by the name its ownership tag gives), when its EC2 group was created and
   * when its ingress rules were last authorized (System.nanoTime); {@code [created, ingress]}, 0
   * for what did not happen.
   */
  Map<String, long[]> perGroup() {
    Map<String, long[]> out = new TreeMap<>();
    names.forEach(
        (id, name) ->
            out.put(name, new long[] {created.getOrDefault(id, 0L), ingress.getOrDefault(id, 0L)}));
    return out;
  }

  private static String s(String v) {
    return v == null ? null : new String(v.toCharArray());
  }

  private static Map<String, String> tags(Map<String, String> tags) {
    if (tags == null) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    tags.forEach((k, v) -> out.put(s(k), s(v)));
    return out;
  }

  private static List<String> strings(List<String> l) {
    return l == null ? null : l.stream().map(DetachedCloud::s).toList();
  }

  private static Peer peer(Peer p) {
    if (p instanceof Cidr4 c) {
      return new Cidr4(c.address(), c.prefixLength());
    } else if (p instanceof Cidr6 c) {
      return new Cidr6(c.high(), c.low(), c.prefixLength());
    } else if (p instanceof GroupPeer g) {
      return new GroupPeer(s(g.groupId()));
    } else if (p instanceof PrefixListPeer pl) {
      return new PrefixListPeer(s(pl.prefixListId()));
    } else if (p instanceof NamedGroupPeer n) {
      return new NamedGroupPeer(s(n.name()));
    } else if (p instanceof SelfPeer) {
      return new SelfPeer();
    }
    throw new IllegalArgumentException("unknown peer " + p);
  }

  private static Rule rule(Rule r) {
    return new Rule(
        r.direction(), r.protocol(), r.fromPort(), r.toPort(), peer(r.peer()), s(r.description()));
  }

  private static List<Rule> rules(List<Rule> rules) {
    return rules.stream().map(DetachedCloud::rule).toList();
  }

  private static SecurityGroupInfo group(SecurityGroupInfo g) {
    return new SecurityGroupInfo(
        s(g.groupId()),
        s(g.groupName()),
        s(g.description()),
        s(g.vpcId()),
        tags(g.tags()),
        g.rules().stream().map(o -> new ObservedRule(s(o.ruleId()), rule(o.rule()))).toList());
  }

  private static InstanceInfo instance(InstanceInfo i) {
    return new InstanceInfo(
        s(i.instanceId()),
        s(i.vpcId()),
        tags(i.tags()),
        i.interfaces().stream()
            .map(
                n ->
                    new InstanceInfo.InterfaceInfo(
                        s(n.interfaceId()),
                        n.deviceIndex(),
                        s(n.privateIp()),
                        s(n.publicIp()),
                        s(n.ipv6()),
                        strings(n.groupIds())))
            .toList());
  }

  @Override
  public SecurityGroupInfo createSecurityGroup(
      String region, String vpcId, String groupName, String description, Map<String, String> tags) {
    at("CreateSecurityGroup");
    SecurityGroupInfo made =
        group(
            cloud.createSecurityGroup(
                s(region), s(vpcId), s(groupName), s(description), tags(tags)));
    created.put(made.groupId(), System.nanoTime());
    String owner = tags == null ? null : tags.get(OwnerTags.NAME);
    names.put(made.groupId(), owner == null ? made.groupId() : owner);
    return made;
  }

  @Override
  public Page<SecurityGroupInfo> describeSecurityGroups(
      String region, GroupFilter filter, String nextToken, Integer maxResults) {
    at("DescribeSecurityGroups");
    Page<SecurityGroupInfo> p =
        cloud.describeSecurityGroups(s(region), filter, s(nextToken), maxResults);
    return new Page<>(p.items().stream().map(DetachedCloud::group).toList(), s(p.nextToken()));
  }

  @Override
  public void deleteSecurityGroup(String region, String groupId) {
    at("DeleteSecurityGroup");
    cloud.deleteSecurityGroup(s(region), s(groupId));
  }

  @Override
  public void createTags(String region, String resourceId, Map<String, String> tags) {
    cloud.createTags(s(region), s(resourceId), tags(tags));
  }

  @Override
  public void deleteTags(String region, String resourceId, Map<String, String> tags) {
    cloud.deleteTags(s(region), s(resourceId), tags(tags));
  }

  @Override
  public List<String> authorize(
      String region, String groupId, Direction direction, List<Rule> rules) {
    at("Authorize" + (direction == Direction.INGRESS ? "Ingress" : "Egress"));
    List<String> ids = strings(cloud.authorize(s(region), s(groupId), direction, rules(rules)));
    if (direction == Direction.INGRESS) {
      ingress.put(groupId, System.nanoTime());
    }
    return ids;
  }

  @Override
  public void revoke(String region, String groupId, Direction direction, List<Rule> rules) {
    at("Revoke" + (direction == Direction.INGRESS ? "Ingress" : "Egress"));
    cloud.revoke(s(region), s(groupId), direction, rules(rules));
  }

  @Override
  public void updateRuleDescriptions(
      String region, String groupId, Direction direction, List<Rule> rules) {
    cloud.updateRuleDescriptions(s(region), s(groupId), direction, rules(rules));
  }

  @Override
  public Page<InstanceInfo> describeInstances(
      String region, InstanceFilter filter, String nextToken, Integer maxResults) {
    Page<InstanceInfo> p = cloud.describeInstances(s(region), filter, s(nextToken), maxResults);
    return new Page<>(p.items().stream().map(DetachedCloud::instance).toList(), s(p.nextToken()));
  }

  @Override
  public Page<NetworkInterfaceInfo> describeNetworkInterfaces(
      String region, String groupId, String nextToken, Integer maxResults) {
    Page<NetworkInterfaceInfo> p =
        cloud.describeNetworkInterfaces(s(region), s(groupId), s(nextToken), maxResults);
    return new Page<>(
        p.items().stream()
            .map(
                n ->
                    new NetworkInterfaceInfo(
                        s(n.interfaceId()),
                        s(n.instanceId()),
                        s(n.interfaceType()),
                        s(n.description()),
                        strings(n.groupIds())))
            .toList(),
        s(p.nextToken()));
  }

  @Override
  public Map<String, RuleCounts.PrefixListSize> describePrefixListSizes(
      String region, Collection<String> ids) {
    return Map.copyOf(cloud.describePrefixListSizes(s(region), strings(List.copyOf(ids))));
  }

  @Override
  public void setInterfaceGroups(String region, String interfaceId, List<String> groupIds) {
    cloud.setInterfaceGroups(s(region), s(interfaceId), strings(groupIds));
  }

  @Override
  public void setInstanceGroups(String region, String instanceId, List<String> groupIds) {
    cloud.setInstanceGroups(s(region), s(instanceId), strings(groupIds));
  }
}
