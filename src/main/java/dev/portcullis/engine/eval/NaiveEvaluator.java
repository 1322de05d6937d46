package dev.portcullis.engine.eval;

import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Peer;
import dev.portcullis.engine.Rule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The reference evaluator: for every flow it scans every rule of every group involved. Slow on a
 * large estate, but short enough to read against the EC2 documentation; the indexed evaluator is
 * tested against it.
 *
 * <p>Which rule is reported when several allow a flow: the first group in the interface's group
 * order, and within it the first matching rule in canonical order.
 */
public final class NaiveEvaluator implements FlowEvaluator {
  private final Map<String, InstanceState> instances = new HashMap<>();

  /**
   * The instances by id, for finding who holds an address. EC2 gives an address to one interface at
   * a time, but a read taken while an address moves can show it twice: the lowest instance id then
   * holds it, so that no verdict depends on the order the estate lists its instances in.
   */
  private final List<InstanceState> byId;

  private final Map<String, GroupState> groups = new HashMap<>();

  public NaiveEvaluator(Estate estate) {
    for (InstanceState i : estate.instances()) {
      instances.put(i.instanceId(), i);
    }
    byId =
        instances.values().stream()
            .sorted(Comparator.comparing(InstanceState::instanceId))
            .toList();
    for (GroupState g : estate.groups()) {
      List<Rule> sorted = new ArrayList<>(g.rules());
      sorted.sort(null);
      groups.put(
          g.groupId(), new GroupState(g.groupId(), g.groupName(), g.region(), g.vpcId(), sorted));
    }
  }

  /** The verdict alone: the same scan as {@link #decide}, without writing the explanation. */
  @Override
  public Verdict verdict(Flow flow) {
    return evaluate(flow, false).verdict();
  }

  @Override
  public Decision decide(Flow flow) {
    return evaluate(flow, true);
  }

  /**
   * The source of a flow, made concrete: where it is, which address it shows, which groups, and
   * (when explaining) how a user reads it.
   */
  private record Origin(
      String region,
      String vpcId,
      Integer ipv4,
      long[] ipv6,
      Peer range,
      List<String> groupIds,
      String label) {}

  /** Decides a flow; writes the explanation only when {@code explain}, null otherwise. */
  private Decision evaluate(Flow flow, boolean explain) {
    if (!(flow.destination() instanceof Destination.Instance to)) {
      return toAddress(flow, explain);
    }
    InstanceState dst = instances.get(to.instanceId());
    if (dst == null) {
      return denied(
          Reason.UNKNOWN_INSTANCE,
          explain ? Explanations.unknownInstance(to.instanceId()) : null,
          null);
    }
    NetworkInterface dstIf = dst.primary();
    Source src = flow.source();
    Origin origin;
    InstanceState srcInstance = null;
    GroupState memberOf = null;
    if (src instanceof Source.Instance si) {
      srcInstance = instances.get(si.instanceId());
      if (srcInstance == null) {
        return denied(
            Reason.UNKNOWN_INSTANCE,
            explain ? Explanations.unknownInstance(si.instanceId()) : null,
            null);
      }
      NetworkInterface srcIf = srcInstance.primary();
      boolean sameVpc = sameNetwork(srcInstance.region(), srcInstance.vpcId(), dst);
      if (!sameVpc && (srcIf.publicIp() == null || dstIf.publicIp() == null)) {
        return denied(
            Reason.NO_ROUTE,
            explain
                ? Explanations.noRoute(
                    Explanations.network(srcInstance),
                    Explanations.network(dst),
                    Explanations.noPublicIp(
                        dstIf.publicIp() == null ? dst.instanceId() : srcInstance.instanceId()))
                : null,
            null);
      }
      int ip = sameVpc ? srcIf.privateIp() : srcIf.publicIp();
      origin =
          new Origin(
              srcInstance.region(),
              srcInstance.vpcId(),
              ip,
              null,
              null,
              srcIf.groupIds(),
              explain ? Explanations.instance(srcInstance.instanceId(), Ip.format4(ip)) : null);
    } else if (src instanceof Source.Address4 a) {
      if (!Source.isPrivate4(a.address()) && dstIf.publicIp() == null) {
        return denied(
            Reason.NO_ROUTE,
            explain ? Explanations.noPublicRoute(Ip.format4(a.address()), dst.instanceId()) : null,
            null);
      }
      origin =
          new Origin(
              null,
              null,
              a.address(),
              null,
              null,
              List.of(),
              explain ? Ip.format4(a.address()) : null);
    } else if (src instanceof Source.Address6 a) {
      if (dstIf.ipv6() == null) {
        return denied(
            Reason.NO_ROUTE,
            explain
                ? Explanations.noIpv6Route(Ip.format6(a.high(), a.low()), dst.instanceId())
                : null,
            null);
      }
      origin =
          new Origin(
              null,
              null,
              null,
              new long[] {a.high(), a.low()},
              null,
              List.of(),
              explain ? Ip.format6(a.high(), a.low()) : null);
    } else if (src instanceof Source.Range r) {
      if (r.cidr() instanceof Cidr4 c && !Source.isPrivate4(c) && dstIf.publicIp() == null) {
        return denied(
            Reason.NO_ROUTE,
            explain ? Explanations.noPublicRoute(c.display(), dst.instanceId()) : null,
            null);
      }
      if (r.cidr() instanceof Cidr6 c && dstIf.ipv6() == null) {
        return denied(
            Reason.NO_ROUTE,
            explain ? Explanations.noIpv6Route(c.display(), dst.instanceId()) : null,
            null);
      }
      origin =
          new Origin(
              null, null, null, null, r.cidr(), List.of(), explain ? r.cidr().display() : null);
    } else if (src instanceof Source.GroupMember gm) {
      GroupState g = groups.get(gm.groupId());
      if (g == null) {
        return denied(
            Reason.UNKNOWN_GROUP, explain ? Explanations.unknownGroup(gm.groupId()) : null, null);
      }
      // A member has no address of its own, hence no public IP: only its own VPC is in reach.
      if (!sameNetwork(g.region(), g.vpcId(), dst)) {
        return denied(
            Reason.NO_ROUTE,
            explain
                ? Explanations.noRoute(
                    Explanations.memberNetwork(g),
                    Explanations.network(dst),
                    Explanations.noPublicIp(
                        dstIf.publicIp() == null
                            ? dst.instanceId()
                            : Explanations.member(g.groupId())))
                : null,
            null);
      }
      memberOf = g;
      origin =
          new Origin(
              g.region(),
              g.vpcId(),
              null,
              null,
              null,
              List.of(g.groupId()),
              explain ? "a member of " + g.groupId() + " (" + g.groupName() + ")" : null);
    } else {
      throw new IllegalStateException("unknown source " + src);
    }

    String traffic = explain ? Explanations.traffic(flow.protocol(), flow.port()) : null;
    Match egress = null;
    if (srcInstance != null) {
      boolean sameVpc = sameNetwork(srcInstance.region(), srcInstance.vpcId(), dst);
      int dstIp = sameVpc ? dstIf.privateIp() : dstIf.publicIp();
      egress = firstEgressMatch(srcInstance.primary().groupIds(), dst, dstIp, sameVpc, flow);
      if (egress == null) {
        return denied(
            Reason.NO_EGRESS_RULE,
            explain
                ? Explanations.noEgress(
                    Explanations.noEgressPrefix(
                        groupList(srcInstance.primary().groupIds()), srcInstance.instanceId()),
                    traffic,
                    dst.instanceId(),
                    Ip.format4(dstIp))
                : null,
            null);
      }
    }
    if (memberOf != null) {
      // Same VPC (checked above): the destination's private address, and its groups, count.
      List<String> own = List.of(memberOf.groupId());
      egress = firstEgressMatch(own, dst, dstIf.privateIp(), true, flow);
      if (egress == null) {
        return denied(
            Reason.NO_EGRESS_RULE,
            explain
                ? Explanations.noEgress(
                    Explanations.noEgressPrefix(
                        groupList(own), Explanations.member(memberOf.groupId())),
                    traffic,
                    dst.instanceId(),
                    Ip.format4(dstIf.privateIp()))
                : null,
            null);
      }
    }
    return admit(origin, egress, dst, flow, explain, traffic);
  }

  /** The destination's side of a flow that left its source: ingress, then whether it listens. */
  private Decision admit(
      Origin origin, Match egress, InstanceState dst, Flow flow, boolean explain, String traffic) {
    Match ingress = firstIngressMatch(origin, dst, flow);
    if (ingress == null) {
      return denied(
          Reason.NO_INGRESS_RULE,
          explain
              ? Explanations.noIngress(
                  Explanations.noIngressPrefix(
                      groupList(dst.primary().groupIds()), dst.instanceId()),
                  traffic,
                  origin.label())
              : null,
          egress);
    }
    String egressText = explain && egress != null ? egress.display() : null;
    if (listens(dst, flow)) {
      return new Decision(
          Verdict.REACHABLE,
          Reason.ALLOWED_LISTENING,
          explain ? Explanations.reachable(egressText, ingress.display()) : null,
          egress,
          ingress);
    }
    return new Decision(
        Verdict.CONNECTION_REFUSED,
        Reason.ALLOWED_NOT_LISTENING,
        explain
            ? Explanations.refused(traffic, egressText, ingress.display(), dst.instanceId())
            : null,
        egress,
        ingress);
  }

  /** Whether something on the destination answers: ICMP is answered by the operating system. */
  static boolean listens(InstanceState dst, Flow flow) {
    if (flow.protocol().isIcmp()) {
      return true;
    }
    return dst.listeners().contains(new Listener(flow.protocol(), flow.port()))
        || (!flow.protocol().hasPorts()
            && dst.listeners().stream().anyMatch(l -> l.protocol().equals(flow.protocol())));
  }

  private static boolean sameNetwork(String region, String vpcId, InstanceState other) {
    return region != null
        && region.equals(other.region())
        && vpcId != null
        && vpcId.equals(other.vpcId());
  }

  private Match firstEgressMatch(
      List<String> srcGroupIds, InstanceState dst, int dstIp, boolean sameVpc, Flow flow) {
    return firstEgress(
        srcGroupIds,
        flow,
        p ->
            (p instanceof Cidr4 c && c.contains(dstIp))
                || (p instanceof GroupPeer gp
                    && sameVpc
                    && dst.primary().groupIds().contains(gp.groupId())));
  }

  /** The first egress rule of the groups, in group order, whose peer {@code hits}. */
  private Match firstEgress(List<String> srcGroupIds, Flow flow, Predicate<Peer> hits) {
    for (String gid : srcGroupIds) {
      GroupState g = groups.get(gid);
      if (g == null) {
        continue;
      }
      for (Rule r : g.rules()) {
        if (r.direction() == Direction.EGRESS
            && r.coversTraffic(flow.protocol().number(), flow.port())
            && hits.test(r.peer())) {
          return new Match(g.groupId(), g.groupName(), r);
        }
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ flows to an address

  /**
   * Who sends a flow to an address: an instance or a group's member, with the addresses it can send
   * from (null when it has none) and how a user reads it.
   */
  private record Sender(
      InstanceState instance,
      String region,
      String vpcId,
      List<String> groupIds,
      Integer publicIp,
      long[] ipv6,
      String label) {}

  /**
   * A flow to an address: to the instance that holds it when there is one (a private IPv4 address
   * in the sender's VPC, a public IPv4 address, an IPv6 address), otherwise to the outside, where
   * only the sender's egress rules are known.
   */
  private Decision toAddress(Flow flow, boolean explain) {
    Sender sender;
    if (flow.source() instanceof Source.Instance si) {
      InstanceState i = instances.get(si.instanceId());
      if (i == null) {
        return denied(
            Reason.UNKNOWN_INSTANCE,
            explain ? Explanations.unknownInstance(si.instanceId()) : null,
            null);
      }
      NetworkInterface nic = i.primary();
      sender =
          new Sender(
              i, i.region(), i.vpcId(), nic.groupIds(), nic.publicIp(), nic.ipv6(), i.instanceId());
    } else {
      // Flow admits no other source towards an address.
      String id = ((Source.GroupMember) flow.source()).groupId();
      GroupState g = groups.get(id);
      if (g == null) {
        return denied(Reason.UNKNOWN_GROUP, explain ? Explanations.unknownGroup(id) : null, null);
      }
      sender =
          new Sender(null, g.region(), g.vpcId(), List.of(id), null, null, Explanations.member(id));
    }
    Destination to = flow.destination();
    if (to instanceof Destination.Address4 a) {
      InstanceState owner = privateOwner(sender, a.address());
      if (owner != null) {
        // Within the VPC: exactly as to the instance, group references included.
        Decision d =
            evaluate(
                new Flow(flow.source(), owner.instanceId(), flow.protocol(), flow.port()), explain);
        return explained(
            d,
            explain
                ? Explanations.privateIpOf(Ip.format4(a.address()), Explanations.network(owner))
                : null);
      }
      for (InstanceState i : byId) {
        Integer pub = i.primary().publicIp();
        if (pub != null && pub == a.address()) {
          return overInternet4(sender, i, flow, explain);
        }
      }
    } else if (to instanceof Destination.Address6 a) {
      for (InstanceState i : byId) {
        long[] v6 = i.primary().ipv6();
        if (v6 != null && v6[0] == a.high() && v6[1] == a.low()) {
          return toIpv6Of(sender, i, flow, explain);
        }
      }
    }
    return outside(sender, flow, explain);
  }

  /** The instance of the sender's VPC whose primary private IPv4 address this is, or null. */
  private InstanceState privateOwner(Sender sender, int address) {
    for (InstanceState i : byId) {
      if (i.primary().privateIp() == address && sameNetwork(sender.region(), sender.vpcId(), i)) {
        return i;
      }
    }
    return null;
  }

  /**
   * To an instance's public IP: through the internet gateway, from the sender's public IP, so only
   * CIDR rules decide, on both sides.
   */
  private Decision overInternet4(Sender sender, InstanceState dst, Flow flow, boolean explain) {
    int dstIp = dst.primary().publicIp();
    String shown = explain ? Ip.format4(dstIp) : null;
    String via = explain ? Explanations.publicIpOf(shown, dst.instanceId()) : null;
    if (sender.publicIp() == null) {
      return denied(
          Reason.NO_ROUTE,
          explain ? via + Explanations.noAnswerOverInternet(sender.label(), shown) : null,
          null);
    }
    String traffic = explain ? Explanations.traffic(flow.protocol(), flow.port()) : null;
    Match egress = firstEgressMatch(sender.groupIds(), dst, dstIp, false, flow);
    if (egress == null) {
      return noEgress(sender, dst, via, traffic, shown, explain);
    }
    int srcIp = sender.publicIp();
    Origin origin =
        new Origin(
            null,
            null,
            srcIp,
            null,
            null,
            sender.groupIds(),
            explain
                ? Explanations.instance(sender.label(), "its public IP " + Ip.format4(srcIp))
                : null);
    return explained(admit(origin, egress, dst, flow, explain, traffic), via);
  }

  /**
   * To an instance's IPv6 address: within the VPC group references match as for private IPv4; from
   * another network the flow goes over the internet and only CIDR rules decide.
   */
  private Decision toIpv6Of(Sender sender, InstanceState dst, Flow flow, boolean explain) {
    long[] dstIp = dst.primary().ipv6();
    boolean sameVpc = sameNetwork(sender.region(), sender.vpcId(), dst);
    String shown = explain ? Ip.format6(dstIp[0], dstIp[1]) : null;
    String via = explain ? Explanations.ipv6Of(shown, dst.instanceId(), sameVpc) : null;
    if (sender.ipv6() == null && (sender.instance() != null || !sameVpc)) {
      return denied(
          Reason.NO_ROUTE, explain ? via + Explanations.noIpv6(sender.label(), shown) : null, null);
    }
    String traffic = explain ? Explanations.traffic(flow.protocol(), flow.port()) : null;
    Match egress =
        firstEgress(
            sender.groupIds(),
            flow,
            p ->
                (p instanceof Cidr6 c && c.contains(dstIp[0], dstIp[1]))
                    || (p instanceof GroupPeer gp
                        && sameVpc
                        && dst.primary().groupIds().contains(gp.groupId())));
    if (egress == null) {
      return noEgress(sender, dst, via, traffic, shown, explain);
    }
    long[] srcIp = sender.ipv6();
    Origin origin =
        new Origin(
            sameVpc ? sender.region() : null,
            sameVpc ? sender.vpcId() : null,
            null,
            srcIp,
            null,
            sender.groupIds(),
            explain
                ? srcIp == null
                    ? sender.label()
                    : Explanations.instance(sender.label(), Ip.format6(srcIp[0], srcIp[1]))
                : null);
    return explained(admit(origin, egress, dst, flow, explain, traffic), via);
  }

  /**
   * To an address (or range) no instance holds: it has no group Portcullis knows of, so the
   * sender's egress rules are all that is decided.
   */
  private Decision outside(Sender sender, Flow flow, boolean explain) {
    Destination to = flow.destination();
    boolean ipv6;
    boolean isPublic;
    String shown;
    Predicate<Peer> all;
    Predicate<Peer> part;
    if (to instanceof Destination.Address4 a) {
      ipv6 = false;
      isPublic = !Source.isPrivate4(a.address());
      shown = Ip.format4(a.address());
      all = p -> p instanceof Cidr4 c && c.contains(a.address());
      part = p -> false;
    } else if (to instanceof Destination.Address6 a) {
      ipv6 = true;
      isPublic = true;
      shown = Ip.format6(a.high(), a.low());
      all = p -> p instanceof Cidr6 c && c.contains(a.high(), a.low());
      part = p -> false;
    } else {
      Peer range = ((Destination.Range) to).cidr();
      shown = range.display();
      if (range instanceof Cidr4 r) {
        ipv6 = false;
        isPublic = !Source.isPrivate4(r);
        all = p -> p instanceof Cidr4 c && c.contains(r);
        part = p -> p instanceof Cidr4 c && r.contains(c);
      } else {
        Cidr6 r = (Cidr6) range;
        ipv6 = true;
        isPublic = true;
        all = p -> p instanceof Cidr6 c && contains6(c, r);
        part = p -> p instanceof Cidr6 c && contains6(r, c);
      }
    }
    if (ipv6 && sender.ipv6() == null) {
      return denied(
          Reason.NO_ROUTE, explain ? Explanations.noIpv6(sender.label(), shown) : null, null);
    }
    if (isPublic && !ipv6 && sender.publicIp() == null) {
      return denied(
          Reason.NO_ROUTE,
          explain ? Explanations.noAnswerOverInternet(sender.label(), shown) : null,
          null);
    }
    String traffic = explain ? Explanations.traffic(flow.protocol(), flow.port()) : null;
    String prefix =
        explain ? Explanations.noEgressPrefix(groupList(sender.groupIds()), sender.label()) : null;
    Match egress = firstEgress(sender.groupIds(), flow, all);
    if (egress == null) {
      Match some =
          to instanceof Destination.Range ? firstEgress(sender.groupIds(), flow, part) : null;
      return denied(
          Reason.NO_EGRESS_RULE,
          explain
              ? some == null
                  ? Explanations.noEgressOutside(prefix, traffic, shown)
                  : Explanations.partOfRange(prefix, traffic, shown, some.display())
              : null,
          null);
    }
    String note = null;
    if (explain && !isPublic) {
      // A private address no instance of the sender's VPC holds: beyond it, routes decide.
      List<String> elsewhere = new ArrayList<>();
      if (to instanceof Destination.Address4 a) {
        for (InstanceState i : byId) {
          if (i.primary().privateIp() == a.address()) {
            elsewhere.add(Explanations.network(i));
          }
        }
        elsewhere.sort(null);
      }
      note =
          Explanations.privateOutside(
              shown,
              sender.region() + "/" + sender.vpcId(),
              to instanceof Destination.Range,
              elsewhere);
    }
    return new Decision(
        Verdict.REACHABLE,
        Reason.ALLOWED_FAR_SIDE_UNKNOWN,
        explain
            ? Explanations.farSideUnknown(
                egress.display(),
                sender.label(),
                traffic,
                shown,
                to instanceof Destination.Range,
                note)
            : null,
        egress,
        null);
  }

  /** Whether {@code outer} holds every address of {@code inner}. */
  private static boolean contains6(Cidr6 outer, Cidr6 inner) {
    return inner.prefixLength() >= outer.prefixLength()
        && outer.contains(inner.high(), inner.low());
  }

  /** The decision with {@code prefix} before its explanation (when there is one). */
  private static Decision explained(Decision d, String prefix) {
    if (prefix == null || d.explanation() == null) {
      return d;
    }
    return new Decision(d.verdict(), d.reason(), prefix + d.explanation(), d.egress(), d.ingress());
  }

  private Match firstIngressMatch(Origin origin, InstanceState dst, Flow flow) {
    boolean sameVpc = sameNetwork(origin.region(), origin.vpcId(), dst);
    for (String gid : dst.primary().groupIds()) {
      GroupState g = groups.get(gid);
      if (g == null) {
        continue;
      }
      for (Rule r : g.rules()) {
        if (r.direction() != Direction.INGRESS
            || !r.coversTraffic(flow.protocol().number(), flow.port())) {
          continue;
        }
        if (peerMatchesOrigin(r.peer(), origin, sameVpc)) {
          return new Match(g.groupId(), g.groupName(), r);
        }
      }
    }
    return null;
  }

  private static boolean peerMatchesOrigin(Peer p, Origin o, boolean sameVpc) {
    if (p instanceof Cidr4 c) {
      if (o.ipv4() != null) {
        return c.contains(o.ipv4());
      }
      return o.range() instanceof Cidr4 r && c.contains(r);
    }
    if (p instanceof Cidr6 c) {
      if (o.ipv6() != null) {
        return c.contains(o.ipv6()[0], o.ipv6()[1]);
      }
      return o.range() instanceof Cidr6 r
          && r.prefixLength() >= c.prefixLength()
          && c.contains(r.high(), r.low());
    }
    if (p instanceof GroupPeer gp) {
      return sameVpc && o.groupIds().contains(gp.groupId());
    }
    // Prefix lists: their entries are not part of the estate, so they never match here.
    return false;
  }

  private String groupList(List<String> ids) {
    return Explanations.groupList(
        ids,
        id -> {
          GroupState g = groups.get(id);
          return g == null ? null : g.groupName();
        });
  }

  private static Decision denied(Reason reason, String explanation, Match egress) {
    return new Decision(Verdict.TIMED_OUT, reason, explanation, egress, null);
  }

  /** No egress rule of the sender's groups lets the flow out to {@code dst}'s address. */
  private Decision noEgress(
      Sender sender, InstanceState dst, String via, String traffic, String shown, boolean explain) {
    return denied(
        Reason.NO_EGRESS_RULE,
        explain
            ? via
                + Explanations.noEgress(
                    Explanations.noEgressPrefix(groupList(sender.groupIds()), sender.label()),
                    traffic,
                    dst.instanceId(),
                    shown)
            : null,
        null);
  }
}
