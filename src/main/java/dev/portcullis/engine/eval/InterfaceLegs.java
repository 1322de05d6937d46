package dev.portcullis.engine.eval;

import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Peer;
import dev.portcullis.engine.PrefixListPeer;
import dev.portcullis.engine.Rule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One leg of a packet, decided at one network interface by the groups it carries: a packet that
 * arrived from an address (ingress), or one that left for an address (egress). This is what a flow
 * log record asks: the packet was seen at that interface, so the route and the other side's groups
 * are settled, and only this interface's groups are in question.
 *
 * <p>The rules are EC2's, as the evaluators apply them to flows between instances: rules only
 * allow; a CIDR rule matches the address; a group reference matches the private address (IPv4 or
 * IPv6) of an interface of the same region and VPC that carries the group, never a public address.
 * Two things the estate cannot tell leave a leg {@link Outcome#UNDECIDED} rather than denied, so
 * that no group is ever blamed for what it may allow: a prefix list's entries (the estate does not
 * hold them), an ICMP packet's type when it is not known (flow logs do not record it) while a rule
 * allows some types only, and a group the interface carries that the estate does not hold.
 *
 * <p>Built once per estate (linear in interfaces and rules); each decision is a hash lookup and a
 * scan of the interface's rules of one direction. Immutable and thread-safe.
 */
public final class InterfaceLegs {
  /** What the interface's groups make of a packet. */
  public enum Outcome {
    /** A rule of the interface's groups allows it. */
    ALLOWED,
    /** No rule of the interface's groups allows it. */
    DENIED,
    /**
     * No rule the estate can decide allows it, but a rule it cannot decide (a prefix list, an ICMP
     * type that is not known) or a group it does not hold might.
     */
    UNDECIDED
  }

  /** The ICMP type to pass when it is not known: rules for one type then neither allow nor deny. */
  public static final int ANY_ICMP_TYPE = -2;

  /** A network interface of the estate, with its groups' rules of each direction, in order. */
  public static final class Interface {
    private final String interfaceId;
    private final String instanceId;
    private final int network;
    private final int privateIp;
    private final long[] ipv6;
    private final List<String> groupIds;
    private final Side ingress;
    private final Side egress;
    private final boolean unknownGroup;

    private Interface(
        String interfaceId,
        String instanceId,
        int network,
        int privateIp,
        long[] ipv6,
        List<String> groupIds,
        Side ingress,
        Side egress,
        boolean unknownGroup) {
      this.interfaceId = interfaceId;
      this.instanceId = instanceId;
      this.network = network;
      this.privateIp = privateIp;
      this.ipv6 = ipv6;
      this.groupIds = groupIds;
      this.ingress = ingress;
      this.egress = egress;
      this.unknownGroup = unknownGroup;
    }

    public String interfaceId() {
      return interfaceId;
    }

    public String instanceId() {
      return instanceId;
    }

    public int privateIp() {
      return privateIp;
    }

    /** The IPv6 address as {@code [high, low]}, or null. */
    public long[] ipv6() {
      return ipv6 == null ? null : ipv6.clone();
    }

    public boolean hasIpv6(long high, long low) {
      return ipv6 != null && ipv6[0] == high && ipv6[1] == low;
    }

    /** The ids of the groups the interface carries, in its order. */
    public List<String> groupIds() {
      return groupIds;
    }
  }

  /**
   * One direction's rules of an interface: all of them, and, for tcp and udp, those that cover the
   * protocol ordered by their first port, so that a scan stops at the first rule above the port.
   */
  private static final class Side {
    final Rule[] all;
    final Rule[] tcp;
    final int[] tcpFrom;
    final Rule[] udp;
    final int[] udpFrom;

    Side(List<Rule> rules) {
      all = rules.toArray(Rule[]::new);
      tcp = byFirstPort(rules, 6);
      tcpFrom = Arrays.stream(tcp).mapToInt(Rule::fromPort).toArray();
      udp = byFirstPort(rules, 17);
      udpFrom = Arrays.stream(udp).mapToInt(Rule::fromPort).toArray();
    }

    /** The rules covering a protocol with ports (all-protocol rules, from port -1, first). */
    private static Rule[] byFirstPort(List<Rule> rules, int protocol) {
      return rules.stream()
          .filter(r -> r.protocol().covers(protocol))
          .sorted(Comparator.comparingInt(Rule::fromPort))
          .toArray(Rule[]::new);
    }
  }

  /** A private IPv6 address within one network (region and VPC). */
  private record Address6(int network, long high, long low) {}

  private final Map<String, Interface> interfaces = new HashMap<>();

  /** The groups of the interface holding a private IPv4 address, by (network, address). */
  private final Map<Long, List<String>> groupsAt4 = new HashMap<>();

  private final Map<Address6, List<String>> groupsAt6 = new HashMap<>();

  public InterfaceLegs(Estate estate) {
    Map<String, GroupState> groups = new HashMap<>();
    for (GroupState g : estate.groups()) {
      groups.put(g.groupId(), g);
    }
    Map<String, Integer> networks = new HashMap<>();
    for (InstanceState i : estate.instances()) {
      int network =
          networks.computeIfAbsent(i.region() + "/" + i.vpcId(), k -> networks.size() + 1);
      for (NetworkInterface nic : i.interfaces()) {
        List<Rule> in = new ArrayList<>();
        List<Rule> out = new ArrayList<>();
        boolean unknown = false;
        for (String gid : nic.groupIds()) {
          GroupState g = groups.get(gid);
          if (g == null) {
            unknown = true;
            continue;
          }
          List<Rule> sorted = new ArrayList<>(g.rules());
          sorted.sort(null);
          for (Rule r : sorted) {
            (r.direction() == Direction.INGRESS ? in : out).add(r);
          }
        }
        interfaces.put(
            nic.interfaceId(),
            new Interface(
                nic.interfaceId(),
                i.instanceId(),
                network,
                nic.privateIp(),
                nic.ipv6() == null ? null : nic.ipv6().clone(),
                nic.groupIds(),
                new Side(in),
                new Side(out),
                unknown));
        groupsAt4.put(key4(network, nic.privateIp()), nic.groupIds());
        if (nic.ipv6() != null) {
          groupsAt6.put(new Address6(network, nic.ipv6()[0], nic.ipv6()[1]), nic.groupIds());
        }
      }
    }
  }

  private static long key4(int network, int address) {
    return ((long) network << 32) | (address & 0xffffffffL);
  }

  /** The interface with this id, or null when the estate has none. */
  public Interface find(String interfaceId) {
    return interfaces.get(interfaceId);
  }

  /**
   * Decides a packet between the interface and an IPv4 address.
   *
   * @param direction {@code INGRESS} for a packet that arrived from {@code peer}, {@code EGRESS}
   *     for one that left for it
   * @param protocol the protocol number (never {@code all})
   * @param port the destination port, or the ICMP type ({@link #ANY_ICMP_TYPE} when not known)
   */
  public Outcome decide4(Interface nic, Direction direction, int protocol, int port, int peer) {
    return decide(nic, direction, protocol, port, false, peer, 0, 0);
  }

  /** {@link #decide4} for an IPv6 address, as {@code high} and {@code low} halves. */
  public Outcome decide6(
      Interface nic, Direction direction, int protocol, int port, long high, long low) {
    return decide(nic, direction, protocol, port, true, 0, high, low);
  }

  private Outcome decide(
      Interface nic,
      Direction direction,
      int protocol,
      int port,
      boolean v6,
      int peer4,
      long high,
      long low) {
    Side side = direction == Direction.INGRESS ? nic.ingress : nic.egress;
    Rule[] rules;
    int count;
    if (protocol == 6 || protocol == 17) {
      rules = protocol == 6 ? side.tcp : side.udp;
      int[] from = protocol == 6 ? side.tcpFrom : side.udpFrom;
      count = 0;
      while (count < from.length && from[count] <= port) {
        count++;
      }
    } else {
      rules = side.all;
      count = rules.length;
    }
    List<String> peerGroups = null;
    boolean peerLooked = false;
    boolean undecided = false;
    for (int k = 0; k < count; k++) {
      Rule r = rules[k];
      int covers = covers(r, protocol, port);
      if (covers == NO) {
        continue;
      }
      Peer p = r.peer();
      boolean hit;
      if (p instanceof Cidr4 c) {
        hit = !v6 && c.contains(peer4);
      } else if (p instanceof Cidr6 c) {
        hit = v6 && c.contains(high, low);
      } else if (p instanceof GroupPeer g) {
        if (!peerLooked) {
          peerGroups =
              v6
                  ? groupsAt6.get(new Address6(nic.network, high, low))
                  : groupsAt4.get(key4(nic.network, peer4));
          peerLooked = true;
        }
        hit = peerGroups != null && peerGroups.contains(g.groupId());
      } else {
        // A prefix list: its entries are not part of the estate.
        undecided |= p instanceof PrefixListPeer;
        hit = false;
      }
      if (hit) {
        if (covers == YES) {
          return Outcome.ALLOWED;
        }
        undecided = true;
      }
    }
    return undecided || nic.unknownGroup ? Outcome.UNDECIDED : Outcome.DENIED;
  }

  private static final int NO = 0;
  private static final int YES = 1;
  private static final int MAYBE = 2;

  /**
   * Whether a rule covers the traffic: {@link #YES} or {@link #NO} as {@link Rule#coversTraffic}
   * says, and {@link #MAYBE} for an ICMP packet of unknown type against a rule for one type.
   */
  private static int covers(Rule r, int protocol, int port) {
    if (port == ANY_ICMP_TYPE && r.protocol().isIcmp() && r.protocol().covers(protocol)) {
      return r.fromPort() == -1 ? YES : MAYBE;
    }
    return r.coversTraffic(protocol, port) ? YES : NO;
  }
}
