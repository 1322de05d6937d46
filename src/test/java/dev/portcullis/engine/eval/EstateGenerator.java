package dev.portcullis.engine.eval;

import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Peer;
import dev.portcullis.engine.PrefixListPeer;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Seeded random estates and flows, for the agreement test and the benchmark. Two flavours:
 *
 * <ul>
 *   <li>{@link #adversarial}: small estates full of edge cases (/0 and /32, port 0 and 65535,
 *       adjacent ranges, all-protocol rules, ICMP type -1, IPv6, references to unknown groups and
 *       to groups of other VPCs, one address in several VPCs, one VPC id in two regions), with
 *       flows of every source kind and odd protocols and ports;
 *   <li>{@link #realistic}: large estates shaped like production (0.0.0.0/0 on 80 and 443, /32s for
 *       hosts, /16s for networks, references to other groups on application ports, default egress
 *       on most groups), with flows mostly between instances.
 * </ul>
 */
public final class EstateGenerator {
  private static final String[] REGIONS = {"eu-west-1", "us-east-1"};

  /** VPC networks overlap on purpose: one private address then exists in several VPCs. */
  private static final int[] VPC_BASES = {
    ip(10, 0, 0, 0), ip(10, 1, 0, 0), ip(172, 31, 0, 0), ip(10, 0, 0, 0)
  };

  private static final int[] EDGE_PORTS = {
    0, 1, 21, 22, 23, 53, 79, 80, 81, 443, 8080, 65534, 65535
  };
  private static final int[] APP_PORTS = {
    8080, 8443, 9000, 9090, 9092, 5432, 3306, 6379, 11211, 27017, 5672, 2379, 8500
  };
  private static final int[] ICMP_TYPES = {0, 3, 8, 11};

  /**
   * A range whose peer is a group, not a CIDR (an id no estate holds): no rule's range contains it,
   * and the two evaluators must still agree on it.
   */
  private static final Source RANGE_OF_NO_CIDR = new Source.Range(new GroupPeer("sg-0000"));

  private EstateGenerator() {}

  public static int ip(int a, int b, int c, int d) {
    return (a << 24) | (b << 16) | (c << 8) | d;
  }

  /** A network of the estate. */
  private record Vpc(String region, String id, int base) {}

  // ---------------------------------------------------------------- adversarial

  /** A small estate full of edge cases; see the class comment. */
  public static Estate adversarial(long seed, int groupCount, int instanceCount) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Vpc> vpcs = new ArrayList<>();
    for (String region : REGIONS) {
      for (int v = 0; v < 3; v++) {
        // "vpc-1" exists in both regions: the same id must not make them one network.
        vpcs.add(new Vpc(region, "vpc-" + v, VPC_BASES[rnd.nextInt(VPC_BASES.length)]));
      }
    }
    List<String> groupIds = new ArrayList<>();
    List<Vpc> groupVpc = new ArrayList<>();
    for (int g = 0; g < groupCount; g++) {
      groupIds.add(String.format("sg-%04x", g));
      groupVpc.add(vpcs.get(rnd.nextInt(vpcs.size())));
    }
    // Instances first, so that rules can name their addresses.
    List<int[]> addresses = new ArrayList<>();
    List<InstanceState> instances = new ArrayList<>();
    for (int i = 0; i < instanceCount; i++) {
      Vpc vpc = vpcs.get(rnd.nextInt(vpcs.size()));
      // Few host numbers, so that one address often exists in two VPCs.
      int privateIp = vpc.base() + 1 + rnd.nextInt(40);
      Integer publicIp = rnd.nextInt(3) > 0 ? ip(203, 0, 113, rnd.nextInt(256)) : null;
      List<String> groups = new ArrayList<>();
      List<Integer> sameVpc = new ArrayList<>();
      for (int g = 0; g < groupCount; g++) {
        if (groupVpc.get(g).equals(vpc)) {
          sameVpc.add(g);
        }
      }
      // Up to 5 groups, as EC2's default quota allows; one instance in 16 has 6 to 16, as a raised
      // quota allows.
      int count = rnd.nextInt(16) == 0 ? 6 + rnd.nextInt(11) : 1 + rnd.nextInt(5);
      for (int k = 0; k < count; k++) {
        int roll = rnd.nextInt(100);
        if (roll < 3) {
          groups.add("sg-ghost"); // a group the estate does not hold
        } else if (roll < 6 || sameVpc.isEmpty()) {
          groups.add(groupIds.get(rnd.nextInt(groupCount))); // possibly another VPC's group
        } else {
          groups.add(groupIds.get(sameVpc.get(rnd.nextInt(sameVpc.size()))));
        }
      }
      if (rnd.nextInt(50) == 0) {
        groups.clear(); // an interface with no group at all
      }
      long[] ipv6 = rnd.nextBoolean() ? new long[] {0x20010db8_00000000L, rnd.nextLong()} : null;
      List<NetworkInterface> nics = new ArrayList<>();
      nics.add(new NetworkInterface("eni-" + i, privateIp, publicIp, ipv6, groups));
      if (rnd.nextInt(10) == 0) {
        // A secondary interface with other groups: flows use the primary one only.
        nics.add(
            new NetworkInterface(
                "eni-" + i + "b", privateIp + 1, null, null, List.of(groupIds.get(0))));
      }
      Set<Listener> listeners = new LinkedHashSet<>();
      int listenerCount = rnd.nextInt(4);
      for (int k = 0; k < listenerCount; k++) {
        int roll = rnd.nextInt(10);
        if (roll < 6) {
          listeners.add(new Listener(Protocol.TCP, EDGE_PORTS[rnd.nextInt(EDGE_PORTS.length)]));
        } else if (roll < 8) {
          listeners.add(new Listener(Protocol.UDP, EDGE_PORTS[rnd.nextInt(EDGE_PORTS.length)]));
        } else {
          listeners.add(new Listener(new Protocol(rnd.nextBoolean() ? 50 : 132), 0));
        }
      }
      instances.add(
          new InstanceState(
              String.format("i-%05x", i), vpc.region(), vpc.id(), nics, listeners, Map.of()));
      addresses.add(new int[] {privateIp, publicIp == null ? privateIp : publicIp});
    }
    List<GroupState> groups = new ArrayList<>();
    for (int g = 0; g < groupCount; g++) {
      List<Rule> rules = new ArrayList<>();
      if (rnd.nextInt(10) < 7) {
        rules.add(Rule.DEFAULT_EGRESS);
      }
      int count = rnd.nextInt(26);
      for (int k = 0; k < count; k++) {
        rules.add(adversarialRule(rnd, groupIds, groupVpc, g, addresses));
      }
      if (rnd.nextInt(8) == 0) {
        // One group in eight as large as raised quotas allow, with tcp rules on scattered port
        // ranges, so that port axes of more than 64 bounds are built and searched too.
        int extra = 40 + rnd.nextInt(80);
        for (int k = 0; k < extra; k++) {
          int[] host = addresses.get(rnd.nextInt(addresses.size()));
          int from = rnd.nextInt(65536);
          rules.add(
              new Rule(
                  rnd.nextInt(10) < 7 ? Direction.INGRESS : Direction.EGRESS,
                  Protocol.TCP,
                  from,
                  Math.min(65535, from + rnd.nextInt(50)),
                  new Cidr4(host[rnd.nextInt(2)], 24 + rnd.nextInt(9)),
                  ""));
        }
      }
      if (rnd.nextInt(8) == 0 && !rules.isEmpty()) {
        rules.add(rules.get(rnd.nextInt(rules.size()))); // a duplicate
      }
      Vpc vpc = groupVpc.get(g);
      groups.add(new GroupState(groupIds.get(g), "group-" + g, vpc.region(), vpc.id(), rules));
    }
    return new Estate(groups, instances);
  }

  private static Rule adversarialRule(
      SplittableRandom rnd,
      List<String> groupIds,
      List<Vpc> groupVpc,
      int owner,
      List<int[]> addresses) {
    Direction dir = rnd.nextInt(10) < 7 ? Direction.INGRESS : Direction.EGRESS;
    int roll = rnd.nextInt(100);
    Protocol protocol;
    int from;
    int to;
    if (roll < 45 || roll >= 95) {
      protocol = roll < 30 || roll >= 95 ? Protocol.TCP : Protocol.UDP;
      int shape = rnd.nextInt(6);
      int p = EDGE_PORTS[rnd.nextInt(EDGE_PORTS.length)];
      switch (shape) {
        case 0 -> {
          from = 0;
          to = 65535;
        }
        case 1 -> {
          from = p; // ranges that touch at a port: 79-80, 80-81...
          to = Math.min(65535, p + rnd.nextInt(2));
        }
        case 2 -> {
          from = Math.max(0, p - rnd.nextInt(3));
          to = p;
        }
        case 3 -> {
          from = rnd.nextInt(65536);
          to = Math.min(65535, from + rnd.nextInt(2000));
        }
        default -> {
          from = p;
          to = p;
        }
      }
    } else if (roll < 65) {
      protocol = rnd.nextInt(3) > 0 ? Protocol.ICMP : Protocol.ICMPV6;
      if (rnd.nextInt(3) == 0) {
        from = -1;
        to = -1;
      } else {
        from = ICMP_TYPES[rnd.nextInt(ICMP_TYPES.length)];
        to = rnd.nextBoolean() ? -1 : rnd.nextInt(16);
      }
    } else if (roll < 85) {
      protocol = Protocol.ALL;
      from = -1;
      to = -1;
    } else {
      protocol = new Protocol(rnd.nextBoolean() ? 50 : 132);
      from = -1;
      to = -1;
    }
    Peer peer = adversarialPeer(rnd, groupIds, groupVpc, owner, addresses);
    String description = rnd.nextInt(4) == 0 ? "d" + rnd.nextInt(3) : "";
    return new Rule(dir, protocol, from, to, peer, description);
  }

  private static Peer adversarialPeer(
      SplittableRandom rnd,
      List<String> groupIds,
      List<Vpc> groupVpc,
      int owner,
      List<int[]> addresses) {
    int roll = rnd.nextInt(100);
    if (roll < 45) {
      int shape = rnd.nextInt(8);
      int[] a = addresses.get(rnd.nextInt(addresses.size()));
      int address = rnd.nextBoolean() ? a[0] : a[1];
      return switch (shape) {
        case 0 -> Cidr4.ANY;
        case 1, 2 -> Cidr4.host(address);
        case 3 -> new Cidr4(address, 8);
        case 4 -> new Cidr4(address, 16);
        case 5 -> new Cidr4(address, 24 + rnd.nextInt(8));
        case 6 -> new Cidr4(rnd.nextInt(), 1 + rnd.nextInt(31));
        default -> new Cidr4(address, 1 + rnd.nextInt(32));
      };
    }
    if (roll < 55) {
      long high = 0x20010db8_00000000L | (rnd.nextInt(4) == 0 ? rnd.nextLong() >>> 40 : 0);
      return switch (rnd.nextInt(4)) {
        case 0 -> Cidr6.ANY;
        case 1 -> new Cidr6(high, 0, 32);
        case 2 -> new Cidr6(high, 0, 64);
        default -> new Cidr6(high, rnd.nextLong(), 96 + rnd.nextInt(33));
      };
    }
    if (roll < 92) {
      int kind = rnd.nextInt(10);
      if (kind == 0) {
        return new GroupPeer(groupIds.get(owner)); // the group itself
      }
      if (kind == 1) {
        return new GroupPeer("sg-ghost"); // carried by some interfaces, held by no group
      }
      if (kind == 2) {
        return new GroupPeer(groupIds.get(rnd.nextInt(groupIds.size()))); // any VPC
      }
      List<Integer> sameVpc = new ArrayList<>();
      for (int g = 0; g < groupIds.size(); g++) {
        if (groupVpc.get(g).equals(groupVpc.get(owner))) {
          sameVpc.add(g);
        }
      }
      return new GroupPeer(groupIds.get(sameVpc.get(rnd.nextInt(sameVpc.size()))));
    }
    return new PrefixListPeer("pl-" + rnd.nextInt(3));
  }

  /** Flows of every source kind, odd protocols and ports included, over an estate. */
  public static List<Flow> adversarialFlows(Estate estate, long seed, int count) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<InstanceState> instances = estate.instances();
    List<Peer> cidrs = new ArrayList<>();
    for (GroupState g : estate.groups()) {
      for (Rule r : g.rules()) {
        if (r.peer() instanceof Cidr4 || r.peer() instanceof Cidr6) {
          cidrs.add(r.peer());
        }
      }
    }
    cidrs.add(Cidr4.ANY);
    List<Flow> flows = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      String dst =
          rnd.nextInt(100) == 0
              ? "i-missing"
              : instances.get(rnd.nextInt(instances.size())).instanceId();
      Source src = adversarialSource(rnd, estate, cidrs);
      int roll = rnd.nextInt(100);
      Protocol protocol;
      int port;
      if (roll < 60) {
        protocol = roll < 45 ? Protocol.TCP : Protocol.UDP;
        int shape = rnd.nextInt(10);
        port =
            shape < 7
                ? EDGE_PORTS[rnd.nextInt(EDGE_PORTS.length)]
                : shape < 9 ? rnd.nextInt(65536) : rnd.nextBoolean() ? -1 : 65536;
      } else if (roll < 80) {
        protocol = rnd.nextInt(3) > 0 ? Protocol.ICMP : Protocol.ICMPV6;
        int shape = rnd.nextInt(10);
        port = shape < 7 ? ICMP_TYPES[rnd.nextInt(ICMP_TYPES.length)] : shape < 9 ? -1 : 255;
      } else {
        int[] others = {50, 132, 0, 255, 47};
        protocol = new Protocol(others[rnd.nextInt(others.length)]);
        port = rnd.nextInt(3) == 0 ? -1 : rnd.nextInt(3);
      }
      if ((src instanceof Source.Instance || src instanceof Source.GroupMember)
          && rnd.nextInt(8) == 0) {
        flows.add(new Flow(src, addressDestination(rnd, instances, cidrs), protocol, port));
      } else {
        flows.add(new Flow(src, dst, protocol, port));
      }
    }
    return flows;
  }

  /**
   * An address to send to: an instance's private, public or IPv6 address, a CIDR some rule names
   * (as a range, or its first address), or any IPv4 address.
   */
  private static Destination addressDestination(
      SplittableRandom rnd, List<InstanceState> instances, List<Peer> cidrs) {
    NetworkInterface nic = instances.get(rnd.nextInt(instances.size())).primary();
    Peer c = cidrs.get(rnd.nextInt(cidrs.size()));
    switch (rnd.nextInt(6)) {
      case 0:
        return new Destination.Address4(nic.privateIp());
      case 1:
        return nic.publicIp() != null
            ? new Destination.Address4(nic.publicIp())
            : new Destination.Address4(rnd.nextInt());
      case 2:
        return nic.ipv6() != null
            ? new Destination.Address6(nic.ipv6()[0], nic.ipv6()[1])
            : new Destination.Address6(0x20010db8L << 32, rnd.nextLong());
      case 3:
        return new Destination.Range(c);
      case 4:
        return c instanceof Cidr4 c4
            ? new Destination.Address4(c4.address())
            : new Destination.Address6(((Cidr6) c).high(), ((Cidr6) c).low());
      default:
        return new Destination.Address4(rnd.nextInt());
    }
  }

  private static Source adversarialSource(SplittableRandom rnd, Estate estate, List<Peer> cidrs) {
    List<InstanceState> instances = estate.instances();
    int roll = rnd.nextInt(100);
    if (roll < 55) {
      return new Source.Instance(
          rnd.nextInt(100) == 0
              ? "i-missing"
              : instances.get(rnd.nextInt(instances.size())).instanceId());
    }
    if (roll < 75) {
      int shape = rnd.nextInt(5);
      if (shape == 0) {
        NetworkInterface nic = instances.get(rnd.nextInt(instances.size())).primary();
        return new Source.Address4(
            nic.publicIp() != null && rnd.nextBoolean() ? nic.publicIp() : nic.privateIp());
      }
      if (shape == 1) {
        return new Source.Address4(rnd.nextInt());
      }
      Peer p = cidrs.get(rnd.nextInt(cidrs.size()));
      if (!(p instanceof Cidr4 c)) {
        return new Source.Address4(rnd.nextBoolean() ? 0 : -1);
      }
      // The first and last address of a rule's range, and the ones just outside it.
      int size = c.prefixLength() == 0 ? -1 : (1 << (32 - c.prefixLength())) - 1;
      int[] edges = {c.address(), c.address() + size, c.address() - 1, c.address() + size + 1};
      return new Source.Address4(edges[rnd.nextInt(edges.length)]);
    }
    if (roll < 82) {
      long high = rnd.nextInt(4) == 0 ? rnd.nextLong() : 0x20010db8_00000000L;
      return new Source.Address6(high, rnd.nextInt(3) == 0 ? 0 : rnd.nextLong());
    }
    if (roll < 90) {
      Peer p = cidrs.get(rnd.nextInt(cidrs.size()));
      if (rnd.nextInt(20) == 0) {
        return RANGE_OF_NO_CIDR;
      }
      if (p instanceof Cidr4 c) {
        // The rule's own range, a part of it, or a larger one.
        int length = Math.max(0, Math.min(32, c.prefixLength() + rnd.nextInt(5) - 2));
        int host = length == 32 ? 0 : rnd.nextInt() >>> length;
        return new Source.Range(new Cidr4(c.address() | host, length));
      }
      Cidr6 c = (Cidr6) p;
      int length = Math.max(0, Math.min(128, c.prefixLength() + rnd.nextInt(5) - 2));
      return new Source.Range(new Cidr6(c.high(), c.low() | rnd.nextLong(), length));
    }
    List<GroupState> groups = estate.groups();
    return new Source.GroupMember(
        rnd.nextInt(50) == 0 ? "sg-ghost" : groups.get(rnd.nextInt(groups.size())).groupId());
  }

  // ---------------------------------------------------------------- realistic

  /**
   * A production-shaped estate: 2 regions of {@code vpcsPerRegion} VPCs (several on the same
   * 10.0.0.0/16), groups spread evenly over the VPCs with {@code rulesPerGroup} rules each, and
   * instances with 1 to 5 groups of their own VPC.
   */
  public static Estate realistic(
      long seed, int vpcsPerRegion, int groupCount, int rulesPerGroup, int instanceCount) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Vpc> vpcs = new ArrayList<>();
    for (String region : REGIONS) {
      for (int v = 0; v < vpcsPerRegion; v++) {
        int base = v % 2 == 0 ? ip(10, 0, 0, 0) : ip(10, 16 + v, 0, 0);
        vpcs.add(new Vpc(region, String.format("vpc-%s-%d", region, v), base));
      }
    }
    List<List<Integer>> groupsOfVpc = new ArrayList<>();
    for (int v = 0; v < vpcs.size(); v++) {
      groupsOfVpc.add(new ArrayList<>());
    }
    String[] groupIds = new String[groupCount];
    int[] groupVpc = new int[groupCount];
    for (int g = 0; g < groupCount; g++) {
      groupIds[g] = String.format("sg-%08x", 0x1000 + g);
      groupVpc[g] = g % vpcs.size();
      groupsOfVpc.get(groupVpc[g]).add(g);
    }
    List<InstanceState> instances = new ArrayList<>();
    List<Integer> hostAddresses = new ArrayList<>();
    for (int i = 0; i < instanceCount; i++) {
      int v = i % vpcs.size();
      Vpc vpc = vpcs.get(v);
      int privateIp = vpc.base() + 1 + rnd.nextInt(65_000);
      Integer publicIp =
          rnd.nextInt(10) < 3
              ? ip(54, rnd.nextInt(256), rnd.nextInt(256), 1 + rnd.nextInt(254))
              : null;
      List<Integer> own = groupsOfVpc.get(v);
      Set<String> groups = new LinkedHashSet<>();
      int count = 1 + rnd.nextInt(5);
      while (groups.size() < count) {
        groups.add(groupIds[own.get(rnd.nextInt(own.size()))]);
      }
      Set<Listener> listeners = new LinkedHashSet<>();
      listeners.add(new Listener(Protocol.TCP, 22));
      int listenerCount = rnd.nextInt(4);
      for (int k = 0; k < listenerCount; k++) {
        int roll = rnd.nextInt(10);
        int port =
            roll < 4 ? (rnd.nextBoolean() ? 80 : 443) : APP_PORTS[rnd.nextInt(APP_PORTS.length)];
        listeners.add(new Listener(Protocol.TCP, port));
      }
      instances.add(
          new InstanceState(
              String.format("i-%08x", 0x100000 + i),
              vpc.region(),
              vpc.id(),
              List.of(
                  new NetworkInterface(
                      String.format("eni-%08x", i),
                      privateIp,
                      publicIp,
                      null,
                      List.copyOf(groups))),
              listeners,
              Map.of()));
      hostAddresses.add(publicIp != null && rnd.nextBoolean() ? publicIp : privateIp);
    }
    List<GroupState> groups = new ArrayList<>();
    for (int g = 0; g < groupCount; g++) {
      Set<Rule> rules = new LinkedHashSet<>();
      boolean web = rnd.nextInt(5) == 0;
      boolean defaultEgress = rnd.nextInt(10) < 6;
      if (defaultEgress) {
        rules.add(Rule.DEFAULT_EGRESS);
      }
      if (web) {
        rules.add(tcp(Direction.INGRESS, 80, 80, Cidr4.ANY));
        rules.add(tcp(Direction.INGRESS, 443, 443, Cidr4.ANY));
        rules.add(tcp(Direction.INGRESS, 443, 443, Cidr6.ANY));
      }
      rules.add(
          new Rule(Direction.INGRESS, Protocol.ICMP, 8, -1, new Cidr4(ip(10, 0, 0, 0), 8), "ping"));
      int egressTarget = defaultEgress ? rulesPerGroup / 10 : rulesPerGroup / 4;
      int egress = 0;
      List<Integer> own = groupsOfVpc.get(groupVpc[g]);
      while (rules.size() < rulesPerGroup) {
        Direction dir = egress < egressTarget ? Direction.EGRESS : Direction.INGRESS;
        Peer peer;
        int from;
        int to;
        int roll = rnd.nextInt(100);
        if (roll < 35) {
          peer = Cidr4.host(hostAddresses.get(rnd.nextInt(hostAddresses.size())));
          from = rnd.nextInt(3) == 0 ? 22 : APP_PORTS[rnd.nextInt(APP_PORTS.length)];
          to = from;
        } else if (roll < 50) {
          peer =
              new Cidr4(
                  rnd.nextBoolean() ? ip(10, 0, 0, 0) : ip(10, 16 + rnd.nextInt(8), 0, 0), 16);
          from = APP_PORTS[rnd.nextInt(APP_PORTS.length)];
          to = rnd.nextInt(4) == 0 ? from + rnd.nextInt(100) : from;
        } else if (roll < 58) {
          peer = new Cidr4(ip(10, 0, rnd.nextInt(256), 0), 24);
          from = 1024 + rnd.nextInt(60_000);
          to = from + rnd.nextInt(10);
        } else if (roll < 62) {
          peer = new Cidr4(ip(192, 168, 0, 0), 16);
          from = 0;
          to = 65535;
        } else {
          peer = new GroupPeer(groupIds[own.get(rnd.nextInt(own.size()))]);
          from = APP_PORTS[rnd.nextInt(APP_PORTS.length)];
          to = rnd.nextInt(5) == 0 ? from + 9 : from;
        }
        Protocol protocol = rnd.nextInt(10) == 0 ? Protocol.UDP : Protocol.TCP;
        if (rules.add(new Rule(dir, protocol, from, to, peer, "")) && dir == Direction.EGRESS) {
          egress++;
        }
      }
      Vpc vpc = vpcs.get(groupVpc[g]);
      groups.add(
          new GroupState(groupIds[g], "app-" + g, vpc.region(), vpc.id(), List.copyOf(rules)));
    }
    return new Estate(groups, instances);
  }

  private static Rule tcp(Direction dir, int from, int to, Peer peer) {
    return new Rule(dir, Protocol.TCP, from, to, peer, "");
  }

  /**
   * Flows over a realistic estate: three in four from an instance, one in four from an outside
   * address; half aimed at a rule of the destination (its port, and a source its peer matches),
   * half at random ports, the ports rules use more often than others.
   */
  public static List<Flow> realisticFlows(Estate estate, long seed, int count) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<InstanceState> instances = estate.instances();
    Map<String, GroupState> groups = new HashMap<>();
    Map<String, List<String>> members = new HashMap<>();
    for (GroupState g : estate.groups()) {
      groups.put(g.groupId(), g);
    }
    for (InstanceState i : instances) {
      for (String g : i.primary().groupIds()) {
        members.computeIfAbsent(g, k -> new ArrayList<>()).add(i.instanceId());
      }
    }
    List<Integer> rulePorts = new ArrayList<>();
    for (GroupState g : estate.groups()) {
      for (Rule r : g.rules()) {
        if (r.protocol().hasPorts()) {
          rulePorts.add(r.fromPort());
        }
      }
    }
    Source[] instanceSources = new Source[instances.size()];
    for (int i = 0; i < instanceSources.length; i++) {
      instanceSources[i] = new Source.Instance(instances.get(i).instanceId());
    }
    List<Flow> flows = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      InstanceState dst = instances.get(rnd.nextInt(instances.size()));
      Source src = null;
      Protocol protocol = Protocol.TCP;
      int port = -1;
      if (rnd.nextBoolean()) {
        // Aimed at one ingress rule of the destination.
        List<String> dstGroups = dst.primary().groupIds();
        GroupState g = groups.get(dstGroups.get(rnd.nextInt(dstGroups.size())));
        Rule r = g.rules().get(rnd.nextInt(g.rules().size()));
        if (r.direction() == Direction.INGRESS && r.protocol().hasPorts()) {
          protocol = r.protocol();
          port = r.fromPort() + rnd.nextInt(r.toPort() - r.fromPort() + 1);
          if (r.peer() instanceof GroupPeer gp && members.containsKey(gp.groupId())) {
            List<String> m = members.get(gp.groupId());
            src = new Source.Instance(m.get(rnd.nextInt(m.size())));
          } else if (r.peer() instanceof Cidr4 c) {
            int host = c.prefixLength() == 32 ? 0 : rnd.nextInt() >>> c.prefixLength();
            src = new Source.Address4(c.address() | host);
          }
        }
      }
      if (src == null) {
        src =
            rnd.nextInt(4) > 0
                ? instanceSources[rnd.nextInt(instanceSources.length)]
                : new Source.Address4(rnd.nextInt());
      }
      if (port < 0) {
        int roll = rnd.nextInt(100);
        if (roll < 5) {
          protocol = Protocol.ICMP;
          port = rnd.nextBoolean() ? 8 : 0;
        } else {
          protocol = roll < 15 ? Protocol.UDP : Protocol.TCP;
          port =
              rnd.nextInt(10) < 7
                  ? rulePorts.get(rnd.nextInt(rulePorts.size()))
                  : rnd.nextInt(65536);
        }
      }
      flows.add(new Flow(src, dst.instanceId(), protocol, port));
    }
    return flows;
  }
}
