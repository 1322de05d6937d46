package dev.portcullis.engine.eval;

import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Cidr6;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.GroupPeer;
import dev.portcullis.engine.Peer;
import dev.portcullis.engine.Rule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * The rules of every group, indexed so that deciding a flow never walks a rule list.
 *
 * <p>For each group, direction and protocol class, the port axis (or ICMP type axis) is cut into
 * intervals at every rule's bounds; each interval is a <em>cell</em> that holds the peers of the
 * rules covering it, each with the position of its rule in the group's canonical order:
 *
 * <ul>
 *   <li>IPv4 prefixes, flattened into sorted disjoint address segments, each segment holding the
 *       smallest rule position among the prefixes that contain it (one binary search per address);
 *   <li>referenced group ids, sorted, each with its smallest rule position;
 *   <li>IPv6 prefixes in a {@link Prefix6Set}.
 * </ul>
 *
 * <p>A lookup answers with the smallest rule position of a matching rule, which is the first
 * matching rule in canonical order: the one {@link NaiveEvaluator} reports. Everything lives in
 * flat int arrays, so a lookup touches a handful of cache lines and allocates nothing.
 */
final class RuleIndex {
  static final int NONE = -1;
  static final int INGRESS = 0;
  static final int EGRESS = 1;

  /** Protocol number (0-255) to protocol class; class 0 holds the protocols no rule names. */
  private final int[] protocolClass = new int[256];

  private final int classes;

  /** {@code (group * 2 + direction) * classes + class} to a port axis, or NONE: no rule. */
  private final int[] axisOf;

  /** A port axis's cells are {@code axisStart[axis]} to {@code axisStart[axis + 1] - 1}. */
  private final int[] axisStart;

  /** A cell's lowest port: the axis's first cell starts at Integer.MIN_VALUE. */
  private final int[] cellLow;

  /** A cell's IPv4 segments are {@code segStart[cell]} to {@code segStart[cell + 1] - 1}. */
  private final int[] segStart;

  /** A segment's first address, with the sign bit flipped so that signed order is address order. */
  private final int[] segLow;

  /** The smallest rule position among the prefixes containing the segment, or NONE. */
  private final int[] segValue;

  /** The longest prefix containing the segment (a prefix node), or NONE. */
  private final int[] segNode;

  private final int[] nodeLength;
  private final int[] nodeParent;

  /** The smallest rule position of the prefix node and of every prefix containing it. */
  private final int[] nodeValue;

  /** A cell's group references are {@code refStart[cell]} to {@code refStart[cell + 1] - 1}. */
  private final int[] refStart;

  /** Referenced group ids, sorted within a cell. */
  private final int[] refGroup;

  /** The smallest rule position referencing that group. */
  private final int[] refValue;

  /** A cell's IPv6 prefixes, or null. */
  private final Prefix6Set[] v6;

  /**
   * @param rules each group's rules, sorted in canonical order; a group is its index here
   * @param groupIdOf the int id of a referenced group id (the same ids as the members passed to
   *     lookups)
   */
  RuleIndex(Rule[][] rules, ToIntFunction<String> groupIdOf) {
    int[] classProtocol = protocolClasses(rules);
    classes = classProtocol.length;
    Builder b = new Builder(groupIdOf);
    axisOf = new int[rules.length * 2 * classes];
    for (int g = 0; g < rules.length; g++) {
      for (int dir = 0; dir < 2; dir++) {
        // Protocol classes whose rules are the same (often: only all-protocol rules) share an axis.
        Map<List<Integer>, Integer> axes = new HashMap<>();
        for (int c = 0; c < classes; c++) {
          List<Integer> relevant = relevant(rules[g], dir, classProtocol[c]);
          int axis = NONE;
          if (!relevant.isEmpty()) {
            Integer known = axes.get(relevant);
            axis = known != null ? known : b.axis(rules[g], relevant);
            axes.put(relevant, axis);
          }
          axisOf[(g * 2 + dir) * classes + c] = axis;
        }
      }
    }
    axisStart = b.axisStart.finish(b.cellLow.size);
    cellLow = b.cellLow.toArray();
    segStart = b.segStart.finish(b.segLow.size);
    segLow = b.segLow.toArray();
    segValue = b.segValue.toArray();
    segNode = b.segNode.toArray();
    nodeLength = b.nodeLength.toArray();
    nodeParent = b.nodeParent.toArray();
    nodeValue = b.nodeValue.toArray();
    refStart = b.refStart.finish(b.refGroup.size);
    refGroup = b.refGroup.toArray();
    refValue = b.refValue.toArray();
    v6 = b.v6.toArray(new Prefix6Set[0]);
  }

  /** Class 0 for protocols no rule names; one class for each protocol some rule names. */
  private int[] protocolClasses(Rule[][] rules) {
    boolean[] named = new boolean[256];
    for (Rule[] group : rules) {
      for (Rule r : group) {
        if (r.protocol().number() >= 0) {
          named[r.protocol().number()] = true;
        }
      }
    }
    int[] classProtocol = new int[257];
    int n = 1;
    classProtocol[0] = -1;
    for (int p = 0; p < 256; p++) {
      if (named[p]) {
        protocolClass[p] = n;
        classProtocol[n++] = p;
      }
    }
    return Arrays.copyOf(classProtocol, n);
  }

  /**
   * Positions of the rules of one direction that cover a protocol ({@code -1}: only all-protocol
   * rules) and can match a peer at all; unresolved peers and prefix lists never match.
   */
  private static List<Integer> relevant(Rule[] rules, int dir, int protocol) {
    Direction d = dir == INGRESS ? Direction.INGRESS : Direction.EGRESS;
    List<Integer> out = new ArrayList<>();
    for (int pos = 0; pos < rules.length; pos++) {
      Rule r = rules[pos];
      int p = r.protocol().number();
      Peer peer = r.peer();
      boolean matchable =
          peer instanceof Cidr4 || peer instanceof Cidr6 || peer instanceof GroupPeer;
      if (r.direction() == d
          && (p == -1 || (protocol >= 0 && p == protocol))
          && matchable
          && low(r) <= high(r)) {
        out.add(pos);
      }
    }
    return out;
  }

  /** The lowest port (or ICMP type) a rule covers, as {@link Rule#coversTraffic} reads it. */
  private static int low(Rule r) {
    if (r.protocol().hasPorts()) {
      return r.fromPort();
    }
    if (r.protocol().isIcmp() && r.fromPort() != -1) {
      return r.fromPort();
    }
    return Integer.MIN_VALUE;
  }

  private static int high(Rule r) {
    if (r.protocol().hasPorts()) {
      return r.toPort();
    }
    if (r.protocol().isIcmp() && r.fromPort() != -1) {
      return r.fromPort();
    }
    return Integer.MAX_VALUE;
  }

  int protocolClass(int protocol) {
    return protocolClass[protocol];
  }

  /** The cell of a group's rules that holds a port, or NONE when no rule covers the protocol. */
  private int cell(int group, int dir, int cls, int port) {
    int axis = axisOf[((group << 1) | dir) * classes + cls];
    if (axis < 0) {
      return NONE;
    }
    int lo = axisStart[axis];
    int hi = axisStart[axis + 1] - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (cellLow[mid] <= port) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** The IPv4 segment of a cell that holds an address, or NONE when the cell has no prefix. */
  private int segment(int cell, int address) {
    int lo = segStart[cell];
    int hi = segStart[cell + 1] - 1;
    if (hi < lo) {
      return NONE;
    }
    int key = address ^ Integer.MIN_VALUE;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (segLow[mid] <= key) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  private int firstReference(int cell, int[] members, int from, int to) {
    int start = refStart[cell];
    int end = refStart[cell + 1];
    if (start == end) {
      return NONE;
    }
    int best = NONE;
    for (int i = from; i < to; i++) {
      int at = Arrays.binarySearch(refGroup, start, end, members[i]);
      if (at >= 0 && (best == NONE || refValue[at] < best)) {
        best = refValue[at];
      }
    }
    return best;
  }

  /**
   * Whether a rule of the group admits the traffic from (ingress) or to (egress) an IPv4 address or
   * an interface carrying one of {@code members[from..to)} (sorted ids). The fast path: stops at
   * the first hit.
   */
  boolean allows(
      int group, int dir, int cls, int port, int address, int[] members, int from, int to) {
    int cell = cell(group, dir, cls, port);
    if (cell == NONE) {
      return false;
    }
    int seg = segment(cell, address);
    if (seg != NONE && segValue[seg] != NONE) {
      return true;
    }
    int start = refStart[cell];
    int end = refStart[cell + 1];
    if (start == end) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if (Arrays.binarySearch(refGroup, start, end, members[i]) >= 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Like {@link #allows}, but the position of the first matching rule, or NONE; {@code hasAddress}
   * false for a source with no address (a group member).
   */
  int first(
      int group,
      int dir,
      int cls,
      int port,
      boolean hasAddress,
      int address,
      int[] members,
      int from,
      int to) {
    int cell = cell(group, dir, cls, port);
    if (cell == NONE) {
      return NONE;
    }
    int best = NONE;
    if (hasAddress) {
      int seg = segment(cell, address);
      if (seg != NONE) {
        best = segValue[seg];
      }
    }
    int ref = firstReference(cell, members, from, to);
    if (ref != NONE && (best == NONE || ref < best)) {
      best = ref;
    }
    return best;
  }

  /** The position of the first rule whose IPv4 prefix contains every address of {@code range}. */
  int firstContaining(int group, int dir, int cls, int port, Cidr4 range) {
    int cell = cell(group, dir, cls, port);
    if (cell == NONE) {
      return NONE;
    }
    int seg = segment(cell, range.address());
    int node = seg == NONE ? NONE : segNode[seg];
    while (node != NONE && nodeLength[node] > range.prefixLength()) {
      node = nodeParent[node];
    }
    return node == NONE ? NONE : nodeValue[node];
  }

  /**
   * The position of the first rule whose IPv6 prefix, no longer than {@code maxLength}, contains
   * the address {@code (high, low)}.
   */
  int first6(int group, int dir, int cls, int port, long high, long low, int maxLength) {
    int cell = cell(group, dir, cls, port);
    if (cell == NONE || v6[cell] == null) {
      return NONE;
    }
    return v6[cell].first(high, low, maxLength);
  }

  /** Sizes of the index, for a footprint report. */
  String size() {
    return (axisStart.length - 1)
        + " port axes, "
        + cellLow.length
        + " cells, "
        + segLow.length
        + " IPv4 segments, "
        + nodeLength.length
        + " IPv4 prefixes, "
        + refGroup.length
        + " group references";
  }

  /** Collects the flat arrays while the index is built. */
  private static final class Builder {
    private final ToIntFunction<String> groupIdOf;
    final Ints axisStart = new Ints();
    final Ints cellLow = new Ints();
    final Ints segStart = new Ints();
    final Ints segLow = new Ints();
    final Ints segValue = new Ints();
    final Ints segNode = new Ints();
    final Ints nodeLength = new Ints();
    final Ints nodeParent = new Ints();
    final Ints nodeValue = new Ints();
    final Ints refStart = new Ints();
    final Ints refGroup = new Ints();
    final Ints refValue = new Ints();
    final List<Prefix6Set> v6 = new ArrayList<>();

    Builder(ToIntFunction<String> groupIdOf) {
      this.groupIdOf = groupIdOf;
    }

    /** Adds the cells of one port axis over the given rules; returns the axis. */
    int axis(Rule[] rules, List<Integer> positions) {
      int axis = axisStart.size;
      axisStart.add(cellLow.size);
      int[] bounds = new int[positions.size() * 2 + 1];
      int n = 0;
      bounds[n++] = Integer.MIN_VALUE;
      for (int pos : positions) {
        bounds[n++] = low(rules[pos]);
        if (high(rules[pos]) != Integer.MAX_VALUE) {
          bounds[n++] = high(rules[pos]) + 1;
        }
      }
      int[] lows = Arrays.stream(bounds, 0, n).sorted().distinct().toArray();
      for (int cellStart : lows) {
        List<Integer> covering = new ArrayList<>();
        for (int pos : positions) {
          if (low(rules[pos]) <= cellStart && cellStart <= high(rules[pos])) {
            covering.add(pos);
          }
        }
        cell(cellStart, rules, covering);
      }
      return axis;
    }

    private void cell(int low, Rule[] rules, List<Integer> positions) {
      cellLow.add(low);
      segStart.add(segLow.size);
      refStart.add(refGroup.size);
      List<long[]> v4 = new ArrayList<>();
      List<Prefix6Set.Entry> v6Entries = new ArrayList<>();
      TreeMap<Integer, Integer> refs = new TreeMap<>();
      for (int pos : positions) {
        Peer p = rules[pos].peer();
        if (p instanceof Cidr4 c) {
          v4.add(new long[] {Integer.toUnsignedLong(c.address()), c.prefixLength(), pos});
        } else if (p instanceof Cidr6 c) {
          v6Entries.add(new Prefix6Set.Entry(c, pos));
        } else if (p instanceof GroupPeer gp) {
          refs.merge(groupIdOf.applyAsInt(gp.groupId()), pos, Math::min);
        }
      }
      segments(v4);
      refs.forEach(
          (group, pos) -> {
            refGroup.add(group);
            refValue.add(pos);
          });
      v6.add(v6Entries.isEmpty() ? null : new Prefix6Set(v6Entries));
    }

    /**
     * Flattens nested IPv4 prefixes ({start, length, position}) into disjoint segments covering the
     * whole address space. Sorted by start, then length, prefixes come in preorder, so a stack of
     * the open prefixes gives each segment its longest containing prefix.
     */
    private void segments(List<long[]> prefixes) {
      if (prefixes.isEmpty()) {
        return;
      }
      prefixes.sort(
          (a, b) -> {
            for (int i = 0; i < 3; i++) {
              int c = Long.compare(a[i], b[i]);
              if (c != 0) {
                return c;
              }
            }
            return 0;
          });
      int[] stack = new int[33];
      long[] stackEnd = new long[33];
      int depth = 0;
      long cursor = 0;
      long lastStart = -1;
      long lastLength = -1;
      for (long[] p : prefixes) {
        long start = p[0];
        int length = (int) p[1];
        if (start == lastStart && length == lastLength) {
          continue; // the same prefix again, with a later rule
        }
        lastStart = start;
        lastLength = length;
        long end = start + (1L << (32 - length)) - 1;
        while (depth > 0 && stackEnd[depth - 1] < start) {
          depth--;
          cursor = emit(cursor, stackEnd[depth], stack[depth]);
        }
        int parent = depth > 0 ? stack[depth - 1] : NONE;
        if (cursor < start) {
          cursor = emit(cursor, start - 1, parent);
        }
        int node = nodeLength.size;
        nodeLength.add(length);
        nodeParent.add(parent);
        nodeValue.add(parent == NONE ? (int) p[2] : Math.min((int) p[2], nodeValue.get(parent)));
        stack[depth] = node;
        stackEnd[depth] = end;
        depth++;
      }
      while (depth > 0) {
        depth--;
        cursor = emit(cursor, stackEnd[depth], stack[depth]);
      }
      if (cursor <= 0xFFFF_FFFFL) {
        emit(cursor, 0xFFFF_FFFFL, NONE);
      }
    }

    /** Adds the segment {@code [from, to]} (when not empty); returns the next address. */
    private long emit(long from, long to, int node) {
      if (from <= to) {
        segLow.add((int) from ^ Integer.MIN_VALUE);
        segValue.add(node == NONE ? NONE : nodeValue.get(node));
        segNode.add(node);
      }
      return Math.max(from, to + 1);
    }
  }

  /** A growable int array. */
  private static final class Ints {
    private int[] values = new int[64];
    int size;

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    int get(int i) {
      return values[i];
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }

    /** The array with one more element, the end of the last range. */
    int[] finish(int end) {
      int[] out = Arrays.copyOf(values, size + 1);
      out[size] = end;
      return out;
    }
  }
}
