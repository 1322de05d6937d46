package dev.portcullis.cloud.simulator;

import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.NamedGroupPeer;
import dev.portcullis.engine.Peer;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Quotas;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.SelfPeer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns a {@link World} into the simulator's state at the start: per region, its prefix lists, its
 * VPCs each with EC2's default group and the groups the world declares (group names and {@code
 * self} resolved to group ids), and its instances with their network interfaces.
 *
 * <p>Ids come from the simulator's {@link IdSource} in the order the world declares things, so the
 * same world and seed always give the same ids; the interface ids the world gives are reserved
 * first, so that no generated id takes one.
 *
 * <p>The world is taken as {@link WorldLoader} leaves it, checked against the simulator's quotas
 * (both commands load it with them): ids well formed and unique, addresses that parse and lie
 * inside their VPC, group names that exist, rules that EC2 takes and that fit the rules-per-group
 * quota. Two checks stay here: a VPC with two groups of one name, which the loader refuses but a
 * world built in code could hold, and an interface with more groups than the account's quota, which
 * the loader holds only to EC2's ceiling. Either is a caller's bug ({@link
 * IllegalArgumentException}).
 */
final class WorldSeeder {
  private static final String DEFAULT_GROUP = Ec2Constraints.DEFAULT_GROUP;
  private static final String DEFAULT_GROUP_DESCRIPTION = "default VPC security group";

  private final Quotas quotas;
  private final IdSource idSource;

  private WorldSeeder(Quotas quotas, IdSource ids) {
    this.quotas = quotas;
    this.idSource = ids;
  }

  /** Every region of the world, in its order, as the simulator holds it. */
  static Map<String, RegionState> seed(World world, Quotas quotas, IdSource ids) {
    world.instances().forEach(i -> i.interfaces().forEach(n -> ids.reserve(n.id())));
    WorldSeeder seeder = new WorldSeeder(quotas, ids);
    Map<String, RegionState> regions = new LinkedHashMap<>();
    for (World.Region wr : world.regions().values()) {
      regions.put(wr.name(), seeder.region(wr));
    }
    return regions;
  }

  private RegionState region(World.Region wr) {
    RegionState r = new RegionState(wr.name());
    wr.prefixLists().forEach(pl -> r.prefixLists.put(pl.id(), pl.size()));
    Map<String, Map<String, String>> groupIdsByVpc = new HashMap<>();
    for (World.Vpc v : wr.vpcs()) {
      groupIdsByVpc.put(v.id(), vpc(r, v));
    }
    for (World.Instance wi : wr.instances()) {
      instance(r, wi, groupIdsByVpc.get(wi.vpcId()));
    }
    return r;
  }

  /**
   * Adds a VPC, its default group and its declared groups with their rules; returns the ids of its
   * groups keyed by {@link Ec2Constraints#nameKey}.
   */
  private Map<String, String> vpc(RegionState r, World.Vpc v) {
    Map<String, String> byName = new HashMap<>();
    RegionState.Group def =
        new RegionState.Group(
            idSource.next("sg-"),
            DEFAULT_GROUP,
            DEFAULT_GROUP_DESCRIPTION,
            v.id(),
            RegionState.Group.ALWAYS_VISIBLE);
    // EC2's default group: all traffic from its own members in, all traffic out (IPv6 too
    // when the VPC has an IPv6 block).
    def.addRule(
        idSource, new Rule(Direction.INGRESS, Protocol.ALL, -1, -1, new GroupPeer(def.id), ""));
    def.addRule(idSource, Rule.DEFAULT_EGRESS);
    if (v.ipv6Cidr() != null) {
      def.addRule(idSource, new Rule(Direction.EGRESS, Protocol.ALL, -1, -1, Cidr6.ANY, ""));
    }
    r.groups.put(def.id, def);
    byName.put(Ec2Constraints.nameKey(DEFAULT_GROUP), def.id);
    r.vpcs.put(v.id(), new RegionState.Vpc(v.id(), v.cidr(), v.ipv6Cidr(), def.id));
    List<RegionState.Group> declared = new ArrayList<>();
    for (World.GroupSpec spec : v.groups()) {
      // The loader refuses these; a world built in code must not hold them either, as a second
      // group of one name would take the first one's references.
      if (byName.containsKey(Ec2Constraints.nameKey(spec.name()))) {
        throw new IllegalArgumentException(
            "the world gives "
                + v.id()
                + " a second group named '"
                + spec.name()
                + "' (group names are case-insensitive, and every VPC has 'default')");
      }
      RegionState.Group g =
          new RegionState.Group(
              idSource.next("sg-"),
              spec.name(),
              spec.description(),
              v.id(),
              RegionState.Group.ALWAYS_VISIBLE);
      g.tags.putAll(spec.tags());
      r.groups.put(g.id, g);
      byName.put(Ec2Constraints.nameKey(spec.name()), g.id);
      declared.add(g);
    }
    // Rules once every group has its id, so that a rule may name any group of the VPC.
    for (int k = 0; k < declared.size(); k++) {
      RegionState.Group g = declared.get(k);
      World.GroupSpec spec = v.groups().get(k);
      List<Rule> all = new ArrayList<>(spec.ingress());
      all.addAll(spec.egress());
      for (Rule rule : all) {
        g.addRule(idSource, resolve(rule, byName, g.id));
      }
    }
    return byName;
  }

  /** Adds an instance and its interfaces; {@code groupIds} are its VPC's, by name key. */
  private void instance(RegionState r, World.Instance wi, Map<String, String> groupIds) {
    RegionState.Instance inst =
        new RegionState.Instance(wi.id(), wi.vpcId(), wi.tags(), wi.listening());
    for (int device = 0; device < wi.interfaces().size(); device++) {
      World.Interface n = wi.interfaces().get(device);
      List<String> names = n.groups().isEmpty() ? List.of(DEFAULT_GROUP) : n.groups();
      List<String> ids =
          names.stream()
              .map(name -> groupIds.get(Ec2Constraints.nameKey(name)))
              .collect(Collectors.toList());
      String eni = n.id() != null ? n.id() : idSource.next("eni-");
      // The loader holds an interface to EC2's ceiling of 16 groups, not to the account's quota.
      if (ids.size() > quotas.groupsPerInterface()) {
        throw new IllegalArgumentException(
            "the world gives interface "
                + eni
                + " of "
                + wi.id()
                + " "
                + ids.size()
                + " groups, above the quota of "
                + quotas.groupsPerInterface());
      }
      long[] ipv6 = n.ipv6() == null ? null : Ip.parse6(n.ipv6()).orElseThrow();
      RegionState.Interface ni =
          new RegionState.Interface(
              eni,
              wi.id(),
              wi.vpcId(),
              device,
              Ip.parse4(n.privateIp()).orElseThrow(),
              n.publicIp() == null ? null : Ip.parse4(n.publicIp()).orElseThrow(),
              ipv6,
              ids);
      inst.interfaces.add(ni);
      r.interfaces.put(eni, ni);
    }
    r.instances.put(inst.id, inst);
  }

  /** Resolves a world rule's peer; {@code groupIds} is keyed by {@link Ec2Constraints#nameKey}. */
  private static Rule resolve(Rule rule, Map<String, String> groupIds, String selfId) {
    Peer p = rule.peer();
    if (p instanceof NamedGroupPeer n) {
      return rule.withPeer(new GroupPeer(groupIds.get(Ec2Constraints.nameKey(n.name()))));
    }
    if (p instanceof SelfPeer) {
      return rule.withPeer(new GroupPeer(selfId));
    }
    return rule;
  }
}
