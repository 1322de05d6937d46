package dev.portcullis.engine.eval;

import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Protocol;
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
 * into a {@link RuleIndex} and a small block of ints per instance, then immutable and safe to share
 * between threads.
 *
 * <p>It gives the same {@link Decision}s as {@link NaiveEvaluator}, explanation included: the rule
 * reported is that of the first group in the interface's group order that allows the flow, and
 * within that group the first allowing rule in canonical order, because the index keeps each rule's
 * canonical position and returns the smallest.
 *
 * <p>Besides {@link FlowEvaluator}, it has a fast path on int handles for callers that evaluate
 * many flows between the same instances: resolve each instance once with {@link #instanceIndex},
 * then call {@link #verdict(int, int, int, int)} or {@link #verdictFromAddress}.
 *
 * <p>A flow whose {@link Destination} is an address, not an instance, is decided by a {@link
 * NaiveEvaluator} over the same estate, built on the first such flow: the two agree on it by
 * construction.
 */
public final class IndexedEvaluator implements FlowEvaluator {
  private static final int NO_NETWORK = -1;
  private static final int NO_MATCH = -1;

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

  private final IdTable instanceIds;
  private final InstanceState[] instances;

  private final int classes;

  /**
   * What a verdict reads of an instance, in one small contiguous block at {@code instance *
   * stride}: every block has the size of the largest, so that finding one reads no table of offsets
   * first (one dependent read fewer per instance and flow):
   *
   * <pre>
   * NETWORK   its network (region and VPC) id times 2, plus 1 when it has a public IP; negative
   *     when it has no network,
   * PRIVATE_IP, PUBLIC_IP,
   * LISTENING, LISTENING_END   its sockets in {@code listening},
   * OPEN   bit {@code direction * classes + class} set when one of its groups lets every port
   *     and every IPv4 address through (a default egress rule does; rows past bit 30 never say so),
   * SOCKETS   {@value #INLINE_SOCKETS} slots: its tcp and udp sockets as {@code protocol << 16 |
   *     port}, then -1; or OVERFLOW in the first when it has more (then only {@code listening} has
   *     them),
   * GROUP_COUNTS   the count of the estate's groups it carries, plus 65536 times the count of
   *     all the group ids it carries,
   * then the group ids on its primary interface, once each: the estate's groups in interface
   *     order, then ids the estate does not hold (a rule may still name them); the slots after
   *     them hold RuleIndex.NO_GROUP.
   * </pre>
   *
   * With up to 5 groups, a block is 16 ints: one 64-byte cache line's worth.
   *
   * <p>A group's axis for a direction and protocol class comes from {@link RuleIndex#axis}, a table
   * small enough to stay in cache.
   */
  private final int[] block;

  private final int stride;

  private static final int NETWORK = 0;
  private static final int PRIVATE_IP = 1;
  private static final int PUBLIC_IP = 2;
  private static final int LISTENING = 3;
  private static final int LISTENING_END = 4;
  private static final int OPEN_ROWS = 5;
  private static final int SOCKETS = 6;
  private static final int INLINE_SOCKETS = 4;
  private static final int GROUP_COUNTS = SOCKETS + INLINE_SOCKETS;
  private static final int GROUPS = GROUP_COUNTS + 1;
  private static final int OVERFLOW = -2;

  /** Listening sockets as {@code protocol << 32 | port}, sorted per instance. */
  private final long[] listening;

  /** Parts of explanations that depend on one instance alone, written once. */
  private final String[] egressPrefix;

  private final String[] ingressPrefix;
  private final String[] privateLabel;
  private final String[] publicLabel;

  private final String[] privateText;
  private final String[] publicText;
  private final String[] networkLabel;
  private final String[] noPublicIp;

  /**
   * By protocol number: {@link Explanations#trafficHead} and {@link Explanations#trafficHasPort}.
   */
  private final String[] trafficHead = new String[256];

  private final boolean[] trafficHasPort = new boolean[256];

  /** Instance ids by handle (reading them through {@code instances} costs one more object). */
  private final String[] idOf;

  /**
   * The reference evaluator over the same estate, which decides every flow to an address (an
   * instance's address included): those are few, asked with their explanation, and keeping them out
   * of the index keeps its blocks and its fast path on instances as they are. Built on the first
   * such flow: most uses of this evaluator never ask one.
   */
  private final Lazy<NaiveEvaluator> reference;

  public IndexedEvaluator(Estate estate) {
    this.reference = new Lazy<>(() -> new NaiveEvaluator(estate));
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
    for (int p = 0; p < 256; p++) {
      trafficHead[p] = Explanations.trafficHead(new Protocol(p));
      trafficHasPort[p] = Explanations.trafficHasPort(new Protocol(p));
    }
    matchText = allMatches.stream().map(Match::display).toArray(String[]::new);
    index = new RuleIndex(sortedRules, this::groupId);

    int n = byInstance.size();
    classes = index.classes();
    instances = byInstance.values().toArray(new InstanceState[0]);
    instanceIds = new IdTable(new ArrayList<>(byInstance.keySet()));
    int[] blockStart = new int[n + 1];
    egressPrefix = new String[n];
    ingressPrefix = new String[n];
    privateLabel = new String[n];
    publicLabel = new String[n];
    privateText = new String[n];
    publicText = new String[n];
    networkLabel = new String[n];
    noPublicIp = new String[n];
    idOf = new String[n];
    IntList blocks = new IntList();
    List<Long> sockets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      InstanceState inst = instances[i];
      NetworkInterface nic = inst.primary();
      List<Integer> own = new ArrayList<>();
      List<Integer> foreign = new ArrayList<>();
      for (String id : nic.groupIds()) {
        int g = groupId(id);
        List<Integer> list = g < groupCount ? own : foreign;
        if (!list.contains(g)) {
          list.add(g);
        }
      }
      TreeSet<Long> keys = new TreeSet<>();
      for (Listener l : inst.listeners()) {
        keys.add(socket(l.protocol().number(), l.port()));
      }
      int b = blocks.size();
      blockStart[i] = b;
      blocks.add(
          (networkId(networks, inst.region(), inst.vpcId()) << 1)
              | (nic.publicIp() == null ? 0 : 1));
      blocks.add(nic.privateIp());
      blocks.add(nic.publicIp() == null ? 0 : nic.publicIp());
      blocks.add(sockets.size());
      sockets.addAll(keys);
      blocks.add(sockets.size());
      int open = 0;
      for (int r = 0; r < Math.min(2 * classes, 31); r++) {
        for (int g : own) {
          int axis = index.axis(g, r / classes, r % classes);
          if (axis != RuleIndex.NONE && index.opensEverything(axis)) {
            open |= 1 << r;
          }
        }
      }
      blocks.add(open);
      // The tcp and udp sockets a verdict compares with, so that it reads no other array; with
      // more than the slots hold, or a port outside 0-65535, they are left to listening alone.
      long[] ported =
          keys.stream().filter(k -> k >>> 32 == 6 || k >>> 32 == 17).mapToLong(k -> k).toArray();
      boolean inline =
          ported.length <= INLINE_SOCKETS
              && Arrays.stream(ported).allMatch(k -> (int) k >= 0 && (int) k <= 0xffff);
      for (int k = 0; k < INLINE_SOCKETS; k++) {
        if (!inline) {
          blocks.add(k == 0 ? OVERFLOW : -1);
        } else {
          blocks.add(
              k < ported.length ? inlineSocket((int) (ported[k] >>> 32), (int) ported[k]) : -1);
        }
      }
      blocks.add(own.size() | ((own.size() + foreign.size()) << 16));
      own.forEach(blocks::add);
      foreign.forEach(blocks::add);
      String groupList = Explanations.groupList(nic.groupIds(), this::groupName);
      egressPrefix[i] = Explanations.noEgressPrefix(groupList, inst.instanceId());
      ingressPrefix[i] = Explanations.noIngressPrefix(groupList, inst.instanceId());
      privateText[i] = Ip.format4(nic.privateIp());
      publicText[i] = nic.publicIp() == null ? null : Ip.format4(nic.publicIp());
      privateLabel[i] = Explanations.instance(inst.instanceId(), privateText[i]);
      networkLabel[i] = Explanations.network(inst);
      noPublicIp[i] = Explanations.noPublicIp(inst.instanceId());
      idOf[i] = inst.instanceId();
      publicLabel[i] =
          publicText[i] == null ? null : Explanations.instance(inst.instanceId(), publicText[i]);
    }
    blockStart[n] = blocks.size();
    int largest = 0;
    for (int i = 0; i < n; i++) {
      largest = Math.max(largest, blockStart[i + 1] - blockStart[i]);
    }
    stride = (largest + LINE - 1) / LINE * LINE;
    if (GROUPS + RuleIndex.MEMBER_SLOTS > stride) {
      throw new IllegalStateException("blocks too short for the member slots: " + stride);
    }
    block = new int[FIRST_LINE + n * stride];
    // Slots past a block's content, and the ints before the first block, hold no group: the
    // admission lists compare groups with a fixed number of slots (RuleIndex.MEMBER_SLOTS).
    Arrays.fill(block, RuleIndex.NO_GROUP);
    for (int i = 0; i < n; i++) {
      System.arraycopy(
          blocks.values, blockStart[i], block, blockAt(i), blockStart[i + 1] - blockStart[i]);
    }
    listening = sockets.stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * Ints per cache line, and the index of the first int of an {@code int[]} that starts a line when
   * the array itself starts a line plus a 16-byte header. The JVM's G1 collector places an array of
   * half a heap region or more (the blocks of a large estate) at the start of a region, so there
   * blocks of {@value #LINE} ints at {@code FIRST_LINE + k * LINE} each fill one line instead of
   * straddling two; elsewhere the layout is only unaligned, never wrong.
   */
  static final int LINE = 16;

  static final int FIRST_LINE = 12;

  /** Where an instance's block starts. */
  private int blockAt(int instance) {
    return FIRST_LINE + instance * stride;
  }

  /** Whether two NETWORK values name the same network (none is never the same as another). */
  private static boolean sameNetwork(int a, int b) {
    return a >= 0 && ((a ^ b) >>> 1) == 0;
  }

  private boolean hasPublicIp(int at) {
    return (block[at + NETWORK] & 1) != 0;
  }

  /** Where the estate's group ids in the block at {@code at} end (they start at GROUPS). */
  private int estateGroupsEnd(int at) {
    return at + GROUPS + (block[at + GROUP_COUNTS] & 0xffff);
  }

  /** Where all the group ids in the block at {@code at} end, those the estate does not hold too. */
  private int groupsEnd(int at) {
    return at + GROUPS + (block[at + GROUP_COUNTS] >>> 16);
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

  /** A tcp or udp socket as a SOCKETS slot holds it; no slot holds -1 or OVERFLOW. */
  private static int inlineSocket(int protocol, int port) {
    return (protocol << 16) | port;
  }

  private static long socket(int protocol, int port) {
    return ((long) protocol << 32) | Integer.toUnsignedLong(port);
  }

  /** The handle of an instance for the int fast path, or -1 when the estate has no such id. */
  public int instanceIndex(String instanceId) {
    return instanceIds.get(instanceId);
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
    int[] blk = block;
    int src = blockAt(srcInstance);
    int dst = blockAt(dstInstance);
    int srcNet = blk[src + NETWORK];
    int dstNet = blk[dst + NETWORK];
    boolean sameVpc = sameNetwork(srcNet, dstNet);
    int srcIp;
    int dstIp;
    if (sameVpc) {
      srcIp = blk[src + PRIVATE_IP];
      dstIp = blk[dst + PRIVATE_IP];
    } else if ((srcNet & dstNet & 1) != 0) {
      srcIp = blk[src + PUBLIC_IP];
      dstIp = blk[dst + PUBLIC_IP];
    } else {
      return Verdict.TIMED_OUT;
    }
    int cls = index.protocolClass(protocol);
    // Ingress first: it is the leg that usually refuses. Both must allow, so order is free here.
    if (!anyAllows(dst, RuleIndex.INGRESS, cls, port, srcIp, sameVpc ? src : -1)
        || !anyAllows(src, RuleIndex.EGRESS, cls, port, dstIp, sameVpc ? dst : -1)) {
      return Verdict.TIMED_OUT;
    }
    return listens(dst, protocol, port) ? Verdict.REACHABLE : Verdict.CONNECTION_REFUSED;
  }

  /**
   * The verdict of a flow from an IPv4 address outside the estate to an instance given by handle.
   */
  public Verdict verdictFromAddress(int srcIpv4, int dstInstance, int protocol, int port) {
    int dst = blockAt(dstInstance);
    if (!hasPublicIp(dst) && !Source.isPrivate4(srcIpv4)) {
      return Verdict.TIMED_OUT; // a public address reaches only a public IP
    }
    int cls = index.protocolClass(protocol);
    if (!anyAllows(dst, RuleIndex.INGRESS, cls, port, srcIpv4, -1)) {
      return Verdict.TIMED_OUT;
    }
    return listens(dst, protocol, port) ? Verdict.REACHABLE : Verdict.CONNECTION_REFUSED;
  }

  /**
   * Whether a group of the instance whose block is at {@code at} lets the traffic in (from the
   * address or, in the same VPC, from a group of the instance whose block is at {@code peer}, -1
   * for none) or out (to them).
   */
  private boolean anyAllows(int at, int dir, int cls, int port, int address, int peer) {
    int row = dir * classes + cls;
    // Apart from the group loop, so that this check stays small enough for the JIT to inline
    // into the verdict: most egress legs end here, without a call.
    if (row < 31 && (block[at + OPEN_ROWS] & (1 << row)) != 0) {
      return true;
    }
    return groupsAllow(at, dir, cls, port, address, peer);
  }

  /** {@link #anyAllows} when no group opens everything: asks each group's axis. */
  private boolean groupsAllow(int at, int dir, int cls, int port, int address, int peer) {
    int[] blk = block;
    int from = peer < 0 ? 0 : peer + GROUPS;
    int to = peer < 0 ? 0 : groupsEnd(peer);
    for (int k = at + GROUPS, end = estateGroupsEnd(at); k < end; k++) {
      int axis = index.axis(blk[k], dir, cls);
      if (axis == RuleIndex.NONE) {
        continue;
      }
      // In small steps the JIT inlines here; only an admission list that needs reading is a call.
      int entry = index.entry(axis, port);
      if (index.simple(entry)
          ? index.entryAllows(entry, address)
          : index.admits(index.entryAdmission(entry), address, blk, from, to)) {
        return true;
      }
    }
    return false;
  }

  /** Whether something answers on the instance whose block is at {@code at}. */
  private boolean listens(int at, int protocol, int port) {
    if (protocol == 1 || protocol == 58) {
      return true; // the operating system answers ICMP
    }
    if ((protocol == 6 || protocol == 17)
        && (port & ~0xffff) == 0
        && block[at + SOCKETS] != OVERFLOW) {
      // Compared with every slot, not searched: no branch on which slot matches.
      int key = inlineSocket(protocol, port);
      int k = at + SOCKETS;
      return (block[k] == key)
          | (block[k + 1] == key)
          | (block[k + 2] == key)
          | (block[k + 3] == key);
    }
    int start = block[at + LISTENING];
    int end = block[at + LISTENING_END];
    if (protocol == 6 || protocol == 17) {
      return Arrays.binarySearch(listening, start, end, socket(protocol, port)) >= 0;
    }
    // Protocols without ports: anything listening on the protocol answers.
    int found = Arrays.binarySearch(listening, start, end, socket(protocol, 0));
    if (found >= 0) {
      return true;
    }
    int next = -found - 1;
    return next < end && (listening[next] >> 32) == protocol;
  }

  @Override
  public Verdict verdict(Flow flow) {
    if (!(flow.destination() instanceof Destination.Instance to)) {
      return reference.get().verdict(flow);
    }
    int dst = instanceIds.get(to.instanceId());
    if (dst < 0) {
      return Verdict.TIMED_OUT;
    }
    Source src = flow.source();
    if (src instanceof Source.Instance si) {
      int s = instanceIds.get(si.instanceId());
      return s < 0 ? Verdict.TIMED_OUT : verdict(s, dst, flow.protocol().number(), flow.port());
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
    if (!(flow.destination() instanceof Destination.Instance to)) {
      return reference.get().decide(flow); // verdict() sends the others there first
    }
    int dst = instanceIds.get(to.instanceId());
    if (dst < 0) {
      return denied(
          Reason.UNKNOWN_INSTANCE,
          explain ? Explanations.unknownInstance(to.instanceId()) : null,
          null);
    }
    int dstAt = blockAt(dst);
    int protocol = flow.protocol().number();
    int port = flow.port();
    int cls = index.protocolClass(protocol);
    // The traffic is written inside the sentences that name it, never in a string of its own.
    String head = trafficHead[protocol];
    boolean withPort = trafficHasPort[protocol];
    Source src = flow.source();
    int egress = NO_MATCH;
    int ingress;
    // Who sends, as the sentence of a flow denied at ingress names it; written only for those.
    String origin = null;
    if (src instanceof Source.Instance si) {
      int s = instanceIds.get(si.instanceId());
      if (s < 0) {
        return denied(
            Reason.UNKNOWN_INSTANCE,
            explain ? Explanations.unknownInstance(si.instanceId()) : null,
            null);
      }
      int srcAt = blockAt(s);
      boolean sameVpc = sameNetwork(block[srcAt + NETWORK], block[dstAt + NETWORK]);
      if (!sameVpc && (!hasPublicIp(srcAt) || !hasPublicIp(dstAt))) {
        return denied(
            Reason.NO_ROUTE,
            explain
                ? Explanations.noRoute(
                    networkLabel[s], networkLabel[dst], noPublicIp[hasPublicIp(dstAt) ? s : dst])
                : null,
            null);
      }
      egress =
          first(
              srcAt,
              RuleIndex.EGRESS,
              cls,
              port,
              true,
              block[dstAt + (sameVpc ? PRIVATE_IP : PUBLIC_IP)],
              sameVpc ? dstAt : -1);
      if (egress == NO_MATCH) {
        return denied(
            Reason.NO_EGRESS_RULE,
            explain
                ? Explanations.noEgress(
                    egressPrefix[s],
                    head,
                    withPort,
                    port,
                    idOf[dst],
                    sameVpc ? privateText[dst] : publicText[dst])
                : null,
            null);
      }
      ingress =
          first(
              dstAt,
              RuleIndex.INGRESS,
              cls,
              port,
              true,
              block[srcAt + (sameVpc ? PRIVATE_IP : PUBLIC_IP)],
              sameVpc ? srcAt : -1);
      if (explain && ingress == NO_MATCH) {
        origin = sameVpc ? privateLabel[s] : publicLabel[s];
      }
    } else if (src instanceof Source.Address4 a) {
      if (!hasPublicIp(dstAt) && !Source.isPrivate4(a.address())) {
        return denied(
            Reason.NO_ROUTE,
            explain ? Explanations.noPublicRoute(Ip.format4(a.address()), idOf[dst]) : null,
            null);
      }
      ingress = first(dstAt, RuleIndex.INGRESS, cls, port, true, a.address(), -1);
      origin = explain && ingress == NO_MATCH ? Ip.format4(a.address()) : null;
    } else if (src instanceof Source.Address6 a) {
      if (instances[dst].primary().ipv6() == null) {
        return denied(
            Reason.NO_ROUTE,
            explain ? Explanations.noIpv6Route(Ip.format6(a.high(), a.low()), idOf[dst]) : null,
            null);
      }
      ingress = first6(dstAt, cls, port, a.high(), a.low(), 128);
      origin = explain && ingress == NO_MATCH ? Ip.format6(a.high(), a.low()) : null;
    } else if (src instanceof Source.Range r) {
      if (r.cidr() instanceof Cidr4 c) {
        if (!hasPublicIp(dstAt) && !Source.isPrivate4(c)) {
          return denied(
              Reason.NO_ROUTE,
              explain ? Explanations.noPublicRoute(c.display(), idOf[dst]) : null,
              null);
        }
        ingress = firstContaining(dstAt, cls, port, c);
      } else if (r.cidr() instanceof Cidr6 c) {
        if (instances[dst].primary().ipv6() == null) {
          return denied(
              Reason.NO_ROUTE,
              explain ? Explanations.noIpv6Route(c.display(), idOf[dst]) : null,
              null);
        }
        ingress = first6(dstAt, cls, port, c.high(), c.low(), c.prefixLength());
      } else {
        ingress = NO_MATCH; // not an address range: no CIDR rule contains it
      }
      origin = explain && ingress == NO_MATCH ? r.cidr().display() : null;
    } else if (src instanceof Source.GroupMember gm) {
      Integer g = groupIds.get(gm.groupId());
      if (g == null || g >= groups.length) {
        return denied(
            Reason.UNKNOWN_GROUP, explain ? Explanations.unknownGroup(gm.groupId()) : null, null);
      }
      int net = groupNetwork[g];
      boolean sameVpc = net != NO_NETWORK && net == block[dstAt + NETWORK] >> 1;
      if (!sameVpc) {
        // A member has no address of its own, hence no public IP: only its own VPC is in reach.
        return denied(
            Reason.NO_ROUTE,
            explain
                ? Explanations.noRoute(
                    Explanations.memberNetwork(groups[g]),
                    networkLabel[dst],
                    !hasPublicIp(dstAt)
                        ? noPublicIp[dst]
                        : Explanations.noPublicIp(Explanations.member(groups[g].groupId())))
                : null,
            null);
      }
      // Its egress rules see the destination's private address and groups, as in one VPC.
      egress =
          firstOfGroup(
              g,
              RuleIndex.EGRESS,
              cls,
              port,
              true,
              block[dstAt + PRIVATE_IP],
              block,
              dstAt + GROUPS,
              groupsEnd(dstAt));
      if (egress == NO_MATCH) {
        return denied(
            Reason.NO_EGRESS_RULE,
            explain
                ? Explanations.noEgress(
                    Explanations.noEgressPrefix(
                        Explanations.groupList(List.of(groups[g].groupId()), this::groupName),
                        Explanations.member(groups[g].groupId())),
                    head,
                    withPort,
                    port,
                    idOf[dst],
                    privateText[dst])
                : null,
            null);
      }
      int[] member = {g};
      ingress = first(dstAt, RuleIndex.INGRESS, cls, port, false, 0, member, 0, member.length);
      if (explain && ingress == NO_MATCH) {
        origin = "a member of " + groups[g].groupId() + " (" + groups[g].groupName() + ")";
      }
    } else {
      throw new IllegalStateException("unknown source " + src);
    }

    if (ingress == NO_MATCH) {
      return denied(
          Reason.NO_INGRESS_RULE,
          explain ? Explanations.noIngress(ingressPrefix[dst], head, withPort, port, origin) : null,
          match(egress));
    }
    String egressText = explain && egress != NO_MATCH ? matchText[egress] : null;
    if (listens(dstAt, protocol, port)) {
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
            ? Explanations.refused(head, withPort, port, egressText, matchText[ingress], idOf[dst])
            : null,
        match(egress),
        matches[ingress]);
  }

  /**
   * The first allowing rule of the groups of the instance whose block is at {@code at}, in group
   * order, then rule order; the peer's groups count when {@code peer} is a block, not -1.
   */
  private int first(int at, int dir, int cls, int port, boolean hasAddress, int address, int peer) {
    int from = peer < 0 ? 0 : peer + GROUPS;
    int to = peer < 0 ? 0 : groupsEnd(peer);
    return first(at, dir, cls, port, hasAddress, address, block, from, to);
  }

  private int first(
      int at,
      int dir,
      int cls,
      int port,
      boolean hasAddress,
      int address,
      int[] memberIds,
      int from,
      int to) {
    for (int k = at + GROUPS, end = estateGroupsEnd(at); k < end; k++) {
      int found = firstOfGroup(block[k], dir, cls, port, hasAddress, address, memberIds, from, to);
      if (found != NO_MATCH) {
        return found;
      }
    }
    return NO_MATCH;
  }

  /** The first allowing rule of one group (of the estate), as a match handle. */
  private int firstOfGroup(
      int g,
      int dir,
      int cls,
      int port,
      boolean hasAddress,
      int address,
      int[] memberIds,
      int from,
      int to) {
    int axis = index.axis(g, dir, cls);
    if (axis == RuleIndex.NONE) {
      return NO_MATCH;
    }
    int uniform = hasAddress ? index.uniformFirst(g, dir, cls) : RuleIndex.NONE;
    int pos =
        uniform != RuleIndex.NONE
            ? uniform
            : index.first(axis, port, hasAddress, address, memberIds, from, to);
    return pos == RuleIndex.NONE ? NO_MATCH : ruleBase[g] + pos;
  }

  private int firstContaining(int at, int cls, int port, Cidr4 range) {
    for (int k = at + GROUPS, end = estateGroupsEnd(at); k < end; k++) {
      int axis = index.axis(block[k], RuleIndex.INGRESS, cls);
      if (axis != RuleIndex.NONE) {
        int pos = index.firstContaining(axis, port, range);
        if (pos != RuleIndex.NONE) {
          return ruleBase[block[k]] + pos;
        }
      }
    }
    return NO_MATCH;
  }

  private int first6(int at, int cls, int port, long high, long low, int maxLength) {
    for (int k = at + GROUPS, end = estateGroupsEnd(at); k < end; k++) {
      int axis = index.axis(block[k], RuleIndex.INGRESS, cls);
      if (axis != RuleIndex.NONE) {
        int pos = index.first6(axis, port, high, low, maxLength);
        if (pos != RuleIndex.NONE) {
          return ruleBase[block[k]] + pos;
        }
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

  /** The rule index, for size reports. */
  RuleIndex index() {
    return index;
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
