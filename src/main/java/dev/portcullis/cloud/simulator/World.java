package dev.portcullis.cloud.simulator;

import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Problem;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleCounts.PrefixListSize;
import dev.portcullis.engine.eval.Flow;
import dev.portcullis.engine.eval.Listener;
import dev.portcullis.engine.eval.Source;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What exists in the simulated EC2 before anything is created: regions, their VPCs (each with its
 * default security group and, optionally, further groups), prefix lists, instances with their
 * network interfaces, and synthetic traffic. Usually read from a YAML file by {@link WorldLoader},
 * which checks everything a record here assumes (ids well formed and unique, addresses inside their
 * VPC, group names that exist); the records themselves only copy their collections.
 *
 * <p>Collections keep declaration order, because the simulator hands out ids in that order: the
 * same world and seed always give the same ids.
 *
 * <p>{@code warnings} are what the loader found worth saying but not worth refusing, each with its
 * path in the file: a rule's CIDR with host bits set, for instance, which EC2 holds masked.
 */
public record World(
    Map<String, Region> regions, List<TrafficFlow> traffic, List<Problem> warnings) {
  public World {
    regions = Collections.unmodifiableMap(new LinkedHashMap<>(regions));
    traffic = List.copyOf(traffic);
    warnings = List.copyOf(warnings);
  }

  /** A world without warnings. */
  public World(Map<String, Region> regions, List<TrafficFlow> traffic) {
    this(regions, traffic, List.of());
  }

  /** A world with no region: every describe is empty and every create lacks its VPC. */
  public static World empty() {
    return new World(Map.of(), List.of());
  }

  /** One region: a separate EC2, whose ids mean nothing in another region. */
  public record Region(
      String name, List<Vpc> vpcs, List<PrefixList> prefixLists, List<Instance> instances) {
    public Region {
      vpcs = List.copyOf(vpcs);
      prefixLists = List.copyOf(prefixLists);
      instances = List.copyOf(instances);
    }
  }

  /**
   * A VPC, its IPv4 CIDR and optional IPv6 CIDR (null when none), and the groups it holds besides
   * its default group, which every VPC has.
   */
  public record Vpc(String id, Cidr4 cidr, Cidr6 ipv6Cidr, List<GroupSpec> groups) {
    public Vpc {
      groups = List.copyOf(groups);
    }
  }

  /**
   * A security group that exists from the start. Its rules are canonical except for peers: a rule
   * may name another group of the same VPC ({@link dev.portcullis.engine.NamedGroupPeer}, by group
   * name, in any case) or the group itself ({@link dev.portcullis.engine.SelfPeer}); the simulator
   * resolves both to group ids. {@code egress} is EC2's default allow-all rule unless the world
   * says otherwise.
   */
  public record GroupSpec(
      String name,
      String description,
      Map<String, String> tags,
      List<Rule> ingress,
      List<Rule> egress) {
    public GroupSpec {
      tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
      ingress = List.copyOf(ingress);
      egress = List.copyOf(egress);
    }
  }

  /** A managed prefix list, as far as quotas need it: its maximum entries and family. */
  public record PrefixList(String id, int maxEntries, PrefixListSize.Family family) {
    public PrefixListSize size() {
      return new PrefixListSize(maxEntries, family);
    }
  }

  /**
   * An instance. {@code interfaces} holds at least the primary interface (device index 0), then any
   * extra ones in device order.
   */
  public record Instance(
      String id,
      String vpcId,
      Map<String, String> tags,
      Set<Listener> listening,
      List<Interface> interfaces) {
    public Instance {
      tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
      listening = Collections.unmodifiableSet(new LinkedHashSet<>(listening));
      interfaces = List.copyOf(interfaces);
      if (interfaces.isEmpty()) {
        throw new IllegalArgumentException("instance " + id + " has no network interface");
      }
    }

    public Interface primary() {
      return interfaces.get(0);
    }
  }

  /**
   * A network interface: its id (null to let the simulator make one), canonical private IPv4,
   * optional public IPv4 and IPv6 (null when none), and its groups by name (empty for the VPC's
   * default group).
   */
  public record Interface(
      String id, String privateIp, String publicIp, String ipv6, List<String> groups) {
    public Interface {
      groups = List.copyOf(groups);
    }
  }

  /**
   * A stream of connection attempts: from an address or an instance, to an instance, at a steady
   * rate.
   */
  public record TrafficFlow(
      String name,
      String region,
      Source from,
      String toInstanceId,
      Protocol protocol,
      int port,
      double ratePerSecond) {
    public Flow flow() {
      return new Flow(from, toInstanceId, protocol, port);
    }
  }

  /** Every instance of every region, in declaration order. */
  public List<Instance> instances() {
    List<Instance> out = new ArrayList<>();
    regions.values().forEach(r -> out.addAll(r.instances()));
    return out;
  }
}
