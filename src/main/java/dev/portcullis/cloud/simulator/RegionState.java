package dev.portcullis.cloud.simulator;

import dev.portcullis.cloud.InstanceInfo;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleCounts.PrefixListSize;
import dev.portcullis.engine.RuleKey;
import dev.portcullis.engine.eval.GroupState;
import dev.portcullis.engine.eval.InstanceState;
import dev.portcullis.engine.eval.Listener;
import dev.portcullis.engine.eval.NetworkInterface;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The mutable state of one simulated region. Not thread-safe: the simulator holds its lock for
 * every read and write. Maps keyed by id are sorted, which gives describe calls a stable order to
 * paginate over.
 */
final class RegionState {
  final String name;
  final Map<String, Vpc> vpcs = new LinkedHashMap<>();
  final TreeMap<String, Group> groups = new TreeMap<>();
  final TreeMap<String, Instance> instances = new TreeMap<>();
  final Map<String, Interface> interfaces = new HashMap<>();
  final Map<String, PrefixListSize> prefixLists = new HashMap<>();
  final Map<String, TokenBucket> buckets = new HashMap<>();

  RegionState(String name) {
    this.name = name;
  }

  record Vpc(String id, Cidr4 cidr, Cidr6 ipv6Cidr, String defaultGroupId) {}

  /** A security group; {@code visibleFromNanos} implements the eventual-consistency window. */
  static final class Group {
    /** When a group the world file declares is visible: it existed before anyone asked. */
    static final long ALWAYS_VISIBLE = Long.MIN_VALUE;

    final String id;
    final String name;
    final String description;
    final String vpcId;
    final long visibleFromNanos;
    final Map<String, String> tags = new LinkedHashMap<>();
    final Map<RuleKey, ObservedRule> rules = new LinkedHashMap<>();

    Group(String id, String name, String description, String vpcId, long visibleFromNanos) {
      this.id = id;
      this.name = name;
      this.description = description;
      this.vpcId = vpcId;
      this.visibleFromNanos = visibleFromNanos;
    }

    /** The VPC's default group: no other group can have its name, whatever the case. */
    boolean isDefault() {
      return Ec2Constraints.isDefaultName(name);
    }

    boolean visibleAt(long nowNanos) {
      return nowNanos >= visibleFromNanos;
    }

    /** Adds a rule under a new {@code sgr-} id; returns the id. */
    String addRule(IdSource ids, Rule rule) {
      String id = ids.next("sgr-");
      rules.put(rule.key(), new ObservedRule(id, rule));
      return id;
    }

    List<Rule> ruleList() {
      List<Rule> out = new ArrayList<>();
      rules.values().forEach(o -> out.add(o.rule()));
      return out;
    }

    boolean references(String groupId) {
      GroupPeer p = new GroupPeer(groupId);
      return rules.keySet().stream().anyMatch(k -> k.peer().equals(p));
    }

    SecurityGroupInfo info() {
      List<ObservedRule> sorted = new ArrayList<>(rules.values());
      sorted.sort(Comparator.comparing(ObservedRule::rule));
      return new SecurityGroupInfo(id, name, description, vpcId, tags, sorted);
    }

    GroupState state(String region) {
      List<Rule> sorted = ruleList();
      sorted.sort(null);
      return new GroupState(id, name, region, vpcId, sorted);
    }
  }

  static final class Instance {
    final String id;
    final String vpcId;
    final Map<String, String> tags = new LinkedHashMap<>();
    final Set<Listener> listening;
    final List<Interface> interfaces = new ArrayList<>();

    Instance(String id, String vpcId, Map<String, String> tags, Set<Listener> listening) {
      this.id = id;
      this.vpcId = vpcId;
      this.tags.putAll(tags);
      this.listening = Set.copyOf(listening);
    }

    InstanceInfo info() {
      List<InstanceInfo.InterfaceInfo> out = new ArrayList<>();
      for (Interface i : interfaces) {
        out.add(
            new InstanceInfo.InterfaceInfo(
                i.id,
                i.deviceIndex,
                Ip.format4(i.privateIp),
                i.publicIp == null ? null : Ip.format4(i.publicIp),
                i.ipv6 == null ? null : Ip.format6(i.ipv6[0], i.ipv6[1]),
                i.groupIds));
      }
      return new InstanceInfo(id, vpcId, tags, out);
    }

    InstanceState state(String region) {
      List<NetworkInterface> out = new ArrayList<>();
      for (Interface i : interfaces) {
        out.add(
            new NetworkInterface(
                i.id, i.privateIp, i.publicIp, i.ipv6 == null ? null : i.ipv6.clone(), i.groupIds));
      }
      return new InstanceState(id, region, vpcId, out, listening, tags);
    }
  }

  static final class Interface {
    final String id;
    final String instanceId;
    final String vpcId;
    final int deviceIndex;
    final int privateIp;
    final Integer publicIp;
    final long[] ipv6;
    List<String> groupIds;

    Interface(
        String id,
        String instanceId,
        String vpcId,
        int deviceIndex,
        int privateIp,
        Integer publicIp,
        long[] ipv6,
        List<String> groupIds) {
      this.id = id;
      this.instanceId = instanceId;
      this.vpcId = vpcId;
      this.deviceIndex = deviceIndex;
      this.privateIp = privateIp;
      this.publicIp = publicIp;
      this.ipv6 = ipv6;
      this.groupIds = List.copyOf(groupIds);
    }
  }
}
