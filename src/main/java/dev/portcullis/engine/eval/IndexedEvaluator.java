package dev.portcullis.engine.eval;

import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Rule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Decides flows over a large estate without walking rule lists: built once from an {@link Estate}
 * into a {@link RuleIndex} and flat per-instance arrays, then immutable and safe to share between
 * threads.
 *
 * <p>It gives the same {@link Decision}s as {@link NaiveEvaluator}, explanation included: the rule
 * reported is that of the first group in the interface's group order that allows the flow, and
 * within that group the first allowing rule in canonical order, because the index keeps each rule's
 * canonical position and returns the smallest.
 *
 * <p>Besides {@link FlowEvaluator}, it has a fast path on int handles for callers that evaluate
 * many flows between the same instances: resolve each instance once with {@link #instanceIndex},
 * then call {@link #verdict(int, int, int, int)} or {@link #verdictFromAddress}.
 */
public final class IndexedEvaluator implements FlowEvaluator {
  private static final int NO_NETWORK = -1;
  private static final int[] NO_MEMBERS = new int[0];
  private static final int NO_MATCH = -1;
  private static final int OPEN = Integer.MIN_VALUE;

  private final RuleIndex index;

  /** Ids of the estate's groups (0 to groupCount - 1), then of groups only referenced. */
  private final Map<String, Integer> groupIds = new HashMap<>();

  private final GroupState[] groups;
  private final int[] groupNetwork;

  /** Group g's rule at canonical position p is the match {@code ruleBase[g] + p}. */
  private final int[] ruleBase;

  /** Every rule as a match, and how each is written. */
  private final Match[] matches;

  private final String[] matchText;

  private final Map<String, Integer> instanceIds = new HashMap<>();
  private final InstanceState[] instances;
  private final int[] network;
  private final int[] privateIp;
  private final int[] publicIp;
  private final boolean[] hasPublicIp;

  private final int classes;

  /**
   * Row {@code (instance * 2 + direction) * classes + protocol class}: the axes of the instance's
   * groups that have rules for it, in the interface's group order, are {@code rowAxis[rows[row]]}
   * to {@code rowAxis[rows[row + 1] - 1]}, with their groups in {@code rowGroup}. The sign bit of
   * {@code rows[row]} says that one of them lets everything through to or from any IPv4 address.
   */
  private final int[] rows;

  private final int[] rowAxis;
  private final int[] rowGroup;

  /** The ids of every group on the primary interface, known or not, sorted: for references. */
  private final int[] memberStart;

  private final int[] members;

  /** Listening sockets as {@code protocol << 32 | port}, sorted. */
  private final int[] listenStart;

  private final long[] listening;

  /** Parts of explanations, written once. */
  private final String[] groupsText;

  private final String[] privateText;
  private final String[] publicText;

  public IndexedEvaluator(Estate estate) {
    // Later duplicates of an id replace earlier ones, as in NaiveEvaluator's maps.
    Map<String, GroupState> byGroup = new LinkedHashMap<>();
    for (GroupState g : estate.groups()) {
      byGroup.put(g.groupId(), g);
    }
    Map<String, InstanceState> byInstance = new LinkedHashMap<>();
    for (InstanceState i : estate.instances()) {
      byInstance.put(i.instanceId(), i);
    }
    Map<List<String>, Integer> networks = new HashMap<>();

    int groupCount = byGroup.size();
    groups = new GroupState[groupCount];
    groupNetwork = new int[groupCount];
    ruleBase = new int[groupCount];
    List<Match> allMatches = new ArrayList<>();
    Rule[][] sortedRules = new Rule[groupCount][];
    for (GroupState g : byGroup.values()) {
      int id = groupIds.size();
      groupIds.put(g.groupId(), id);
      groups[id] = g;
      groupNetwork[id] = networkId(networks, g.region(), g.vpcId());
      Rule[] rules = g.rules().toArray(new Rule[0]);
      Arrays.sort(rules);
      sortedRules[id] = rules;
      ruleBase[id] = allMatches.size();
      for (Rule r : rules) {
        allMatches.add(new Match(g.groupId(), g.groupName(), r));
      }
    }
    matches = allMatches.toArray(new Match[0]);
    matchText = allMatches.stream().map(Match::display).toArray(String[]::new);
    index = new RuleIndex(sortedRules, this::groupId);

    int n = byInstance.size();
    instances = byInstance.values().toArray(new InstanceState[0]);
    network = new int[n];
    privateIp = new int[n];
    publicIp = new int[n];
    hasPublicIp = new boolean[n];
    memberStart = new int[n + 1];
    listenStart = new int[n + 1];
    groupsText = new String[n];
    privateText = new String[n];
    publicText = new String[n];
    List<List<Integer>> known = new ArrayList<>();
    List<Integer> carried = new ArrayList<>();
    List<Long> sockets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      InstanceState inst = instances[i];
      NetworkInterface nic = inst.primary();
      instanceIds.put(inst.instanceId(), i);
      network[i] = networkId(networks, inst.region(), inst.vpcId());
      privateIp[i] = nic.privateIp();
      hasPublicIp[i] = nic.publicIp() != null;
      publicIp[i] = hasPublicIp[i] ? nic.publicIp() : 0;
      List<Integer> own = new ArrayList<>();
      for (String id : nic.groupIds()) {
        int g = groupId(id);
        if (g < groupCount && !own.contains(g)) {
          own.add(g);
        }
      }
      known.add(own);
      memberStart[i] = carried.size();
      TreeSet<Integer> ids = new TreeSet<>();
      for (String id : nic.groupIds()) {
        ids.add(groupId(id));
      }
      carried.addAll(ids);
      listenStart[i] = sockets.size();
      TreeSet<Long> keys = new TreeSet<>();
      for (Listener l : inst.listeners()) {
        keys.add(socket(l.protocol().number(), l.port()));
      }
      sockets.addAll(keys);
      groupsText[i] = Explanations.groupList(nic.groupIds(), this::groupName);
      privateText[i] = Ip.format4(nic.privateIp());
      publicText[i] = hasPublicIp[i] ? Ip.format4(nic.publicIp()) : null;
    }
    memberStart[n] = carried.size();
    listenStart[n] = sockets.size();
    classes = index.classes();
    rows = new int[n * 2 * classes + 1];
    List<Integer> axes = new ArrayList<>();
    List<Integer> axisGroups = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int dir = 0; dir < 2; dir++) {
        for (int c = 0; c < classes; c++) {
          int row = (i * 2 + dir) * classes + c;
          rows[row] = axes.size();
          for (int g : known.get(i)) {
            int axis = index.axis(g, dir, c);
            if (axis != RuleIndex.NONE) {
              axes.add(axis);
              axisGroups.add(g);
              if (index.opensEverything(axis)) {
                rows[row] |= OPEN;
              }
            }
          }
        }
      }
    }
    rows[n * 2 * classes] = axes.size();
    rowAxis = axes.stream().mapToInt(Integer::intValue).toArray();
    rowGroup = axisGroups.stream().mapToInt(Integer::intValue).toArray();
    members = carried.stream().mapToInt(Integer::intValue).toArray();
    listening = sockets.stream().mapToLong(Long::longValue).toArray();
  }

  /** An int for a region and VPC; none when either is missing, as no network is then shared. */
  private static int networkId(Map<List<String>, Integer> networks, String region, String vpc) {
    if (region == null || vpc == null) {
      return NO_NETWORK;
    }
    return networks.computeIfAbsent(List.of(region, vpc), k -> networks.size());
  }

  /** The int id of a group id, interning ids that the estate does not hold. */
  private int groupId(String id) {
    return groupIds.computeIfAbsent(id, k -> groupIds.size());
  }

  private String groupName(String id) {
    Integer g = groupIds.get(id);
    return g == null || g >= groups.length ? null : groups[g].groupName();
  }

  private static long socket(int protocol, int port) {
    return ((long) protocol << 32) | Integer.toUnsignedLong(port);
  }

  /** The handle of an instance for the int fast path, or -1 when the estate has no such id. */
  public int instanceIndex(String instanceId) {
    Integer i = instanceIds.get(instanceId);
    return i == null ? -1 : i;
  }

  /** How many instances have handles: they are 0 to this minus 1. */
  public int instanceCount() {
    return instances.length;
  }

  /**
   * The verdict of a flow between two instances given by handle ({@link #instanceIndex}).
   *
   * @param protocol a concrete protocol number, 0 to 255
   * @param port the destination port, or the ICMP type for icmp and icmpv6
   */
  public Verdict verdict(int srcInstance, int dstInstance, int protocol, int port) {
    int net = network[srcInstance];
    boolean sameVpc = net != NO_NETWORK && net == network[dstInstance];
    int srcIp;
    int dstIp;
    if (sameVpc) {
      srcIp = privateIp[srcInstance];
      dstIp = privateIp[dstInstance];
    } else if (hasPublicIp[srcInstance] && hasPublicIp[dstInstance]) {
      srcIp = publicIp[srcInstance];
      dstIp = publicIp[dstInstance];
    } else {
      return Verdict.TIMED_OUT;
    }
    int cls = index.protocolClass(protocol);
    // Ingress first: it is the leg that usually refuses. Both must allow, so order is free here.
    if (!anyAllows(dstInstance, RuleIndex.INGRESS, cls, port, srcIp, sameVpc, srcInstance)
        || !anyAllows(srcInstance, RuleIndex.EGRESS, cls, port, dstIp, sameVpc, dstInstance)) {
      return Verdict.TIMED_OUT;
    }
    return listens(dstInstance, protocol, port) ? Verdict.REACHABLE : Verdict.CONNECTION_REFUSED;
  }

  /**
   * The verdict of a flow from an IPv4 address outside the estate to an instance given by handle.
   */
  public Verdict verdictFromAddress(int srcIpv4, int dstInstance, int protocol, int port) {
    int cls = index.protocolClass(protocol);
    if (!anyAllows(dstInstance, RuleIndex.INGRESS, cls, port, srcIpv4, false, -1)) {
      return Verdict.TIMED_OUT;
    }
    return listens(dstInstance, protocol, port) ? Verdict.REACHABLE : Verdict.CONNECTION_REFUSED;
  }

  /**
   * Whether a group of {@code instance} lets the traffic in (from the address or, in the same VPC,
   * from a group of {@code peer}) or out (to them).
   */
  private boolean anyAllows(
      int instance, int dir, int cls, int port, int address, boolean sameVpc, int peer) {
    int row = ((instance << 1) | dir) * classes + cls;
    int start = rows[row];
    if (start < 0) {
      return true; // OPEN
    }
    int end = rows[row + 1] & ~OPEN;
    int from = sameVpc ? memberStart[peer] : 0;
    int to = sameVpc ? memberStart[peer + 1] : 0;
    for (int k = start; k < end; k++) {
      if (index.allows(rowAxis[k], port, address, members, from, to)) {
        return true;
      }
    }
    return false;
  }

  private boolean listens(int instance, int protocol, int port) {
    if (protocol == 1 || protocol == 58) {
      return true; // the operating system answers ICMP
    }
    int start = listenStart[instance];
    int end = listenStart[instance + 1];
    if (protocol == 6 || protocol == 17) {
      return Arrays.binarySearch(listening, start, end, socket(protocol, port)) >= 0;
    }
    // Protocols without ports: anything listening on the protocol answers.
    int at = Arrays.binarySearch(listening, start, end, socket(protocol, 0));
    if (at >= 0) {
      return true;
    }
    int next = -at - 1;
    return next < end && (listening[next] >> 32) == protocol;
  }

  @Override
  public Verdict verdict(Flow flow) {
    Integer dst = instanceIds.get(flow.destinationInstanceId());
    if (dst == null) {
      return Verdict.TIMED_OUT;
    }
    Source src = flow.source();
    if (src instanceof Source.Instance si) {
      Integer s = instanceIds.get(si.instanceId());
      return s == null ? Verdict.TIMED_OUT : verdict(s, dst, flow.protocol().number(), flow.port());
    }
    if (src instanceof Source.Address4 a) {
      return verdictFromAddress(a.address(), dst, flow.protocol().number(), flow.port());
    }
    return evaluate(flow, false).verdict();
  }

  @Override
  public Decision decide(Flow flow) {
    return evaluate(flow, true);
  }

  /**
   * Decides a flow in the order {@link NaiveEvaluator} does, so that the reason is the same when
   * several would apply; writes the explanation only when {@code explain}.
   */
  private Decision evaluate(Flow flow, boolean explain) {
    Integer dstBoxed = instanceIds.get(flow.destinationInstanceId());
    if (dstBoxed == null) {
      return denied(
          Reason.UNKNOWN_INSTANCE,
          explain ? Explanations.unknownInstance(flow.destinationInstanceId()) : null,
          null);
    }
    int dst = dstBoxed;
    int protocol = flow.protocol().number();
    int port = flow.port();
    int cls = index.protocolClass(protocol);
    String traffic = explain ? Explanations.traffic(flow.protocol(), port) : null;
    Source src = flow.source();
    int egress = NO_MATCH;
    int ingress;
    String origin = null;
    if (src instanceof Source.Instance si) {
      Integer srcBoxed = instanceIds.get(si.instanceId());
      if (srcBoxed == null) {
        return denied(
            Reason.UNKNOWN_INSTANCE,
            explain ? Explanations.unknownInstance(si.instanceId()) : null,
            null);
      }
      int s = srcBoxed;
      boolean sameVpc = network[s] != NO_NETWORK && network[s] == network[dst];
      if (!sameVpc && (!hasPublicIp[s] || !hasPublicIp[dst])) {
        return denied(
            Reason.NO_ROUTE,
            explain ? Explanations.noRoute(instances[s], instances[dst]) : null,
            null);
      }
      egress =
          first(
              s,
              RuleIndex.EGRESS,
              cls,
              port,
              true,
              sameVpc ? privateIp[dst] : publicIp[dst],
              sameVpc,
              dst);
      if (egress == NO_MATCH) {
        return denied(
            Reason.NO_EGRESS_RULE,
            explain
                ? Explanations.noEgress(
                    groupsText[s],
                    instances[s].instanceId(),
                    traffic,
                    instances[dst].instanceId(),
                    sameVpc ? privateText[dst] : publicText[dst])
                : null,
            null);
      }
      ingress =
          first(
              dst,
              RuleIndex.INGRESS,
              cls,
              port,
              true,
              sameVpc ? privateIp[s] : publicIp[s],
              sameVpc,
              s);
      if (explain) {
        origin =
            instances[s].instanceId() + " (" + (sameVpc ? privateText[s] : publicText[s]) + ")";
      }
    } else if (src instanceof Source.Address4 a) {
      ingress = first(dst, RuleIndex.INGRESS, cls, port, true, a.address(), false, -1);
      origin = explain ? Ip.format4(a.address()) : null;
    } else if (src instanceof Source.Address6 a) {
      ingress = first6(dst, cls, port, a.high(), a.low(), 128);
      origin = explain ? Ip.format6(a.high(), a.low()) : null;
    } else if (src instanceof Source.Range r) {
      if (r.cidr() instanceof Cidr4 c) {
        ingress = firstContaining(dst, cls, port, c);
      } else if (r.cidr() instanceof Cidr6 c) {
        ingress = first6(dst, cls, port, c.high(), c.low(), c.prefixLength());
      } else {
        ingress = NO_MATCH; // not an address range: no CIDR rule contains it
      }
      origin = explain ? r.cidr().display() : null;
    } else if (src instanceof Source.GroupMember gm) {
      Integer g = groupIds.get(gm.groupId());
      if (g == null || g >= groups.length) {
        return denied(
            Reason.UNKNOWN_GROUP, explain ? Explanations.unknownGroup(gm.groupId()) : null, null);
      }
      int net = groupNetwork[g];
      boolean sameVpc = net != NO_NETWORK && net == network[dst];
      int[] member = sameVpc ? new int[] {g} : NO_MEMBERS;
      ingress = first(dst, RuleIndex.INGRESS, cls, port, false, 0, member, 0, member.length);
      if (explain) {
        origin = "a member of " + groups[g].groupId() + " (" + groups[g].groupName() + ")";
      }
    } else {
      throw new IllegalStateException("unknown source " + src);
    }

    if (ingress == NO_MATCH) {
      return denied(
          Reason.NO_INGRESS_RULE,
          explain
              ? Explanations.noIngress(
                  groupsText[dst], instances[dst].instanceId(), traffic, origin)
              : null,
          match(egress));
    }
    String egressText = explain && egress != NO_MATCH ? matchText[egress] : null;
    if (listens(dst, protocol, port)) {
      return new Decision(
          Verdict.REACHABLE,
          Reason.ALLOWED_LISTENING,
          explain ? Explanations.reachable(egressText, matchText[ingress]) : null,
          match(egress),
          matches[ingress]);
    }
    return new Decision(
        Verdict.CONNECTION_REFUSED,
        Reason.ALLOWED_NOT_LISTENING,
        explain
            ? Explanations.refused(
                traffic, egressText, matchText[ingress], instances[dst].instanceId())
            : null,
        match(egress),
        matches[ingress]);
  }

  /** The first allowing rule of the instance's groups, in group order, then rule order. */
  private int first(
      int instance,
      int dir,
      int cls,
      int port,
      boolean hasAddress,
      int address,
      boolean sameVpc,
      int peer) {
    int from = sameVpc ? memberStart[peer] : 0;
    int to = sameVpc ? memberStart[peer + 1] : 0;
    return first(instance, dir, cls, port, hasAddress, address, members, from, to);
  }

  private int first(
      int instance,
      int dir,
      int cls,
      int port,
      boolean hasAddress,
      int address,
      int[] memberIds,
      int from,
      int to) {
    int row = ((instance << 1) | dir) * classes + cls;
    for (int k = rows[row] & ~OPEN, end = rows[row + 1] & ~OPEN; k < end; k++) {
      int pos = index.first(rowAxis[k], port, hasAddress, address, memberIds, from, to);
      if (pos != RuleIndex.NONE) {
        return ruleBase[rowGroup[k]] + pos;
      }
    }
    return NO_MATCH;
  }

  private int firstContaining(int dst, int cls, int port, Cidr4 range) {
    int row = ((dst << 1) | RuleIndex.INGRESS) * classes + cls;
    for (int k = rows[row] & ~OPEN, end = rows[row + 1] & ~OPEN; k < end; k++) {
      int pos = index.firstContaining(rowAxis[k], port, range);
      if (pos != RuleIndex.NONE) {
        return ruleBase[rowGroup[k]] + pos;
      }
    }
    return NO_MATCH;
  }

  private int first6(int dst, int cls, int port, long high, long low, int maxLength) {
    int row = ((dst << 1) | RuleIndex.INGRESS) * classes + cls;
    for (int k = rows[row] & ~OPEN, end = rows[row + 1] & ~OPEN; k < end; k++) {
      int pos = index.first6(rowAxis[k], port, high, low, maxLength);
      if (pos != RuleIndex.NONE) {
        return ruleBase[rowGroup[k]] + pos;
      }
    }
    return NO_MATCH;
  }

  private Match match(int handle) {
    return handle == NO_MATCH ? null : matches[handle];
  }

  private static Decision denied(Reason reason, String explanation, Match egress) {
    return new Decision(Verdict.TIMED_OUT, reason, explanation, egress, null);
  }

  @Override
  public String toString() {
    return "IndexedEvaluator["
        + instances.length
        + " instances, "
        + groups.length
        + " groups; "
        + index.size()
        + "]";
  }
}
