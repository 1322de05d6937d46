package dev.portcullis.engine.eval;

import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Peer;
import dev.portcullis.engine.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
  private final Map<String, GroupState> groups = new HashMap<>();

  public NaiveEvaluator(Estate estate) {
    for (InstanceState i : estate.instances()) {
      instances.put(i.instanceId(), i);
    }
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
    InstanceState dst = instances.get(flow.destinationInstanceId());
    if (dst == null) {
      return denied(
          Reason.UNKNOWN_INSTANCE,
          explain ? Explanations.unknownInstance(flow.destinationInstanceId()) : null,
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
    Match ingress = firstIngressMatch(origin, dst, flow);
    if (ingress == null) {
      return denied(
          Reason.NO_INGRESS_RULE,
          explain
              ? Explanations.noIngress(
                  Explanations.noIngressPrefix(groupList(dstIf.groupIds()), dst.instanceId()),
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
    for (String gid : srcGroupIds) {
      GroupState g = groups.get(gid);
      if (g == null) {
        continue;
      }
      for (Rule r : g.rules()) {
        if (r.direction() != Direction.EGRESS
            || !r.coversTraffic(flow.protocol().number(), flow.port())) {
          continue;
        }
        Peer p = r.peer();
        boolean hit =
            (p instanceof Cidr4 c && c.contains(dstIp))
                || (p instanceof GroupPeer gp
                    && sameVpc
                    && dst.primary().groupIds().contains(gp.groupId()));
        if (hit) {
          return new Match(g.groupId(), g.groupName(), r);
        }
      }
    }
    return null;
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
}
