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
 * <p>For each group, direction and protocol class there is a port <em>axis</em>: the port (or ICMP
 * type) line cut into intervals at every bound of the rules that apply, each interval a
 * <em>cell</em> holding the peers of the rules that cover it, each peer with the position of its
 * rule in the group's canonical order:
 *
 * <ul>
 *   <li>IPv4 prefixes, flattened into sorted disjoint address segments, each holding the smallest
 *       rule position among the prefixes that contain it: one binary search per address;
 *   <li>referenced group ids, sorted, each with its smallest rule position;
 *   <li>IPv6 prefixes, in a {@link Prefix6Set}.
 * </ul>
 *
 * <p>A lookup answers with the smallest position among the matching rules: the first matching rule
 * in canonical order, which is the one {@link NaiveEvaluator} reports.
 *
 * <p>Axes and cells are laid out in one int array, each contiguous, so that a lookup reads a few
 * neighbouring cache lines and allocates nothing. Identical axes and cells are stored once.
 *
 * <pre>
 * axis at a:  n, cellLow[0..n), cellAt[0..n)          (cellLow[0] is Integer.MIN_VALUE)
 * cell at c:  segments s, references r, first node, IPv6 set (or -1),
 *             segLow[0..s), segValue[0..s), refGroup[0..r), refValue[0..r)
 * </pre>
 *
 * A segment's low address has its sign bit flipped so that signed order is address order; its value
 * is NONE where no prefix contains it.
 */
final class RuleIndex {
  static final int NONE = -1;
  static final int INGRESS = 0;
  static final int EGRESS = 1;

  private static final int CELL_HEADER = 4;

  /** Protocol number (0-255) to protocol class; class 0 holds the protocols no rule names. */
  private final int[] protocolClass = new int[256];

  private final int classes;

  /** {@code (group * 2 + direction) * classes + class} to its axis, or NONE: no rule applies. */
  private final int[] axisOf;

  /**
   * Beside each axis: the position its rules give every IPv4 address on every port (a default
   * egress rule, first in canonical order, does), or NONE.
   */
  private final int[] uniformOf;

  private final int[] blob;

  /**
   * For a range source: the longest prefix containing each segment ({@code first node + segment}),
   * as a node below, or NONE.
   */
  private final int[] segNode;

  private final int[] nodeLength;
  private final int[] nodeParent;

  /** The smallest rule position of the prefix node and of every prefix containing it. */
  private final int[] nodeValue;

  private final Prefix6Set[] v6;

  private final int axisCount;
  private final int cellCount;

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
        for (int c = 0; c < classes; c++) {
          int[] relevant = relevant(rules[g], dir, classProtocol[c]);
          axisOf[(g * 2 + dir) * classes + c] =
              relevant.length == 0 ? NONE : b.axis(rules[g], relevant);
        }
      }
    }
    blob = b.blob.toArray();
    uniformOf = new int[axisOf.length];
    for (int i = 0; i < axisOf.length; i++) {
      uniformOf[i] = axisOf[i] == NONE ? NONE : uniform(axisOf[i]);
    }
    segNode = b.segNode.toArray();
    nodeLength = b.nodeLength.toArray();
    nodeParent = b.nodeParent.toArray();
    nodeValue = b.nodeValue.toArray();
    v6 = b.v6.toArray(new Prefix6Set[0]);
    axisCount = b.axes.size();
    cellCount = b.cellCount;
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
  private static int[] relevant(Rule[] rules, int dir, int protocol) {
    Direction d = dir == INGRESS ? Direction.INGRESS : Direction.EGRESS;
    int[] out = new int[rules.length];
    int n = 0;
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
        out[n++] = pos;
      }
    }
    return Arrays.copyOf(out, n);
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

  /** How many protocol classes there are: classes are 0 to this minus 1. */
  int classes() {
    return classes;
  }

  int protocolClass(int protocol) {
    return protocolClass[protocol];
  }

  /** The axis of a group's rules for a direction and protocol class, or NONE: no rule applies. */
  int axis(int group, int dir, int cls) {
    return axisOf[((group << 1) | dir) * classes + cls];
  }

  /**
   * Whether the axis lets every port and every IPv4 address through (a group's default egress rule
   * does): then nothing need be looked up for an IPv4 peer.
   */
  boolean opensEverything(int axis) {
    int cells = blob[axis];
    for (int c = 0; c < cells; c++) {
      int cell = blob[axis + 1 + cells + c];
      int segments = blob[cell];
      for (int k = 0; k < segments; k++) {
        if (blob[cell + CELL_HEADER + segments + k] == NONE) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The position an axis gives every IPv4 address, whatever the port and the peer's groups, or
   * NONE: one value on all the segments of all its cells, and no group reference before it.
   */
  private int uniform(int axis) {
    int cells = blob[axis];
    int value = NONE;
    for (int c = 0; c < cells; c++) {
      int cell = blob[axis + 1 + cells + c];
      int segments = blob[cell];
      if (c == 0) {
        value = blob[cell + CELL_HEADER + segments];
      }
      for (int k = 0; k < segments; k++) {
        if (blob[cell + CELL_HEADER + segments + k] != value) {
          return NONE;
        }
      }
      int refs = blob[cell + 1];
      for (int k = 0; k < refs; k++) {
        if (blob[cell + CELL_HEADER + 2 * segments + refs + k] < value) {
          return NONE;
        }
      }
    }
    return value;
  }

  /** {@link #uniform} of a group's axis for a direction and protocol class. */
  int uniformFirst(int group, int dir, int cls) {
    return uniformOf[((group << 1) | dir) * classes + cls];
  }

  /** The cell of an axis that holds a port. */
  private int cell(int axis, int port) {
    int n = blob[axis];
    return blob[lastAtMost(blob, axis + 1, n, port) + n];
  }

  /**
   * The index within the cell of the IPv4 segment holding an address (every cell has at least one
   * segment, one with no prefix when no rule of the cell names an IPv4 prefix).
   */
  private int segment(int cell, int address) {
    int segments = blob[cell];
    int base = cell + CELL_HEADER;
    return lastAtMost(blob, base, segments, address ^ Integer.MIN_VALUE) - base;
  }

  /**
   * The last index of {@code values[from..from + n)} (sorted, {@code values[from] <= key}) whose
   * value is at most {@code key}. The loop runs a number of times fixed by {@code n} and its
   * comparison only picks a value, so the JIT can use a conditional move: a random flow pays no
   * mispredicted branch per step, and the processor can move on to the next flow's loads.
   */
  private static int lastAtMost(int[] values, int from, int n, int key) {
    int base = from;
    int length = n;
    while (length > 1) {
      int half = length >>> 1;
      base = values[base + half] <= key ? base + half : base;
      length -= half;
    }
    return base;
  }

  /**
   * Whether a rule of the axis admits the traffic from (ingress) or to (egress) an IPv4 address or
   * an interface carrying one of {@code members[from..to)} (sorted ids). Stops at the first hit.
   */
  boolean allows(int axis, int port, int address, int[] members, int from, int to) {
    int cell = cell(axis, port);
    int segments = blob[cell];
    if (blob[cell + CELL_HEADER + segments + segment(cell, address)] != NONE) {
      return true;
    }
    int refs = blob[cell + 1];
    if (refs == 0 || from == to) {
      return false;
    }
    int start = cell + CELL_HEADER + 2 * segments;
    boolean found = false;
    for (int i = from; i < to; i++) {
      found |= referenced(start, refs, members[i]) >= 0;
    }
    return found;
  }

  /**
   * The index in {@code blob} of a group id among the {@code refs} sorted ids at {@code start}, or
   * -1. Branch-free like {@link #lastAtMost}: whether the peer's groups are referenced is as random
   * as the flows.
   */
  private int referenced(int start, int refs, int group) {
    int at = lastAtMost(blob, start, refs, group);
    return blob[at] == group ? at : -1;
  }

  /**
   * Reads an axis's head and the middle of its bounds (where a look-up starts), for a caller that
   * wants them in the cache before it looks up; returns a value only to keep the reads.
   */
  int touch(int axis) {
    int n = blob[axis];
    return n + blob[axis + 1 + (n >>> 1)];
  }

  /**
   * Like {@link #allows}, but the position of the first matching rule, or NONE; {@code hasAddress}
   * false for a source with no address (a group member).
   */
  int first(int axis, int port, boolean hasAddress, int address, int[] members, int from, int to) {
    int cell = cell(axis, port);
    int segments = blob[cell];
    int best = NONE;
    if (hasAddress) {
      best = blob[cell + CELL_HEADER + segments + segment(cell, address)];
    }
    int refs = blob[cell + 1];
    int start = cell + CELL_HEADER + 2 * segments;
    for (int i = from; i < to && refs > 0; i++) {
      int at = referenced(start, refs, members[i]);
      if (at >= 0) {
        int pos = blob[at + refs];
        if (best == NONE || pos < best) {
          best = pos;
        }
      }
    }
    return best;
  }

  /** The position of the first rule whose IPv4 prefix contains every address of {@code range}. */
  int firstContaining(int axis, int port, Cidr4 range) {
    int cell = cell(axis, port);
    int node = segNode[blob[cell + 2] + segment(cell, range.address())];
    while (node != NONE && nodeLength[node] > range.prefixLength()) {
      node = nodeParent[node];
    }
    return node == NONE ? NONE : nodeValue[node];
  }

  /**
   * The position of the first rule whose IPv6 prefix, no longer than {@code maxLength}, contains
   * the address {@code (high, low)}.
   */
  int first6(int axis, int port, long high, long low, int maxLength) {
    int cell = cell(axis, port);
    int set = blob[cell + 3];
    return set == NONE ? NONE : v6[set].first(high, low, maxLength);
  }

  /** Sizes of the index, for a footprint report. */
  String size() {
    return axisCount
        + " port axes, "
        + cellCount
        + " cells, "
        + blob.length
        + " ints of axes and cells, "
        + nodeLength.length
        + " IPv4 prefixes";
  }

  /** Lays out axes and cells while the index is built. */
  private static final class Builder {
    private final ToIntFunction<String> groupIdOf;
    final Ints blob = new Ints();
    final Ints segNode = new Ints();
    final Ints nodeLength = new Ints();
    final Ints nodeParent = new Ints();
    final Ints nodeValue = new Ints();
    final List<Prefix6Set> v6 = new ArrayList<>();

    /** Axes and cells already laid out, by content: equal ones are stored once. */
    final Map<Content, Integer> axes = new HashMap<>();

    final Map<Content, Integer> cells = new HashMap<>();

    int cellCount;

    Builder(ToIntFunction<String> groupIdOf) {
      this.groupIdOf = groupIdOf;
    }

    /** Lays out the axis over the rules at the given positions; returns its offset. */
    int axis(Rule[] rules, int[] positions) {
      int[] bounds = new int[positions.length * 2 + 1];
      int n = 0;
      bounds[n++] = Integer.MIN_VALUE;
      for (int pos : positions) {
        bounds[n++] = low(rules[pos]);
        if (high(rules[pos]) != Integer.MAX_VALUE) {
          bounds[n++] = high(rules[pos]) + 1;
        }
      }
      int[] lows = Arrays.stream(bounds, 0, n).sorted().distinct().toArray();
      int[] content = new int[1 + 2 * lows.length];
      content[0] = lows.length;
      for (int k = 0; k < lows.length; k++) {
        int[] covering = new int[positions.length];
        int c = 0;
        for (int pos : positions) {
          if (low(rules[pos]) <= lows[k] && lows[k] <= high(rules[pos])) {
            covering[c++] = pos;
          }
        }
        content[1 + k] = lows[k];
        content[1 + lows.length + k] = cell(rules, Arrays.copyOf(covering, c));
      }
      return axes.computeIfAbsent(new Content(content), this::append);
    }

    private int append(Content c) {
      int at = blob.size;
      for (int v : c.values()) {
        blob.add(v);
      }
      return at;
    }

    /** Lays out the cell holding the peers of the rules at the given positions. */
    private int cell(Rule[] rules, int[] positions) {
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
      v4.sort(
          (x, y) -> {
            for (int i = 0; i < 3; i++) {
              int c = Long.compare(x[i], y[i]);
              if (c != 0) {
                return c;
              }
            }
            return 0;
          });
      // Equal peers at equal positions make an equal cell, whichever group or axis it is in.
      Content key = null;
      if (v6Entries.isEmpty()) {
        int[] k = new int[1 + 3 * v4.size() + 2 * refs.size()];
        int i = 0;
        k[i++] = v4.size();
        for (long[] prefix : v4) {
          k[i++] = (int) prefix[0];
          k[i++] = (int) prefix[1];
          k[i++] = (int) prefix[2];
        }
        for (Map.Entry<Integer, Integer> e : refs.entrySet()) {
          k[i++] = e.getKey();
          k[i++] = e.getValue();
        }
        key = new Content(k);
        Integer known = cells.get(key);
        if (known != null) {
          return known;
        }
      }
      Segments segments = new Segments(v4);
      int[] content = new int[CELL_HEADER + 2 * segments.low.size + 2 * refs.size()];
      content[0] = segments.low.size;
      content[1] = refs.size();
      content[2] = segments.firstNode;
      content[3] = NONE;
      if (!v6Entries.isEmpty()) {
        content[3] = v6.size();
        v6.add(new Prefix6Set(v6Entries));
      }
      int at = CELL_HEADER;
      for (int k = 0; k < segments.low.size; k++) {
        content[at + k] = segments.low.get(k);
        content[at + segments.low.size + k] = segments.value.get(k);
      }
      at += 2 * segments.low.size;
      int k = 0;
      for (Map.Entry<Integer, Integer> e : refs.entrySet()) {
        content[at + k] = e.getKey();
        content[at + refs.size() + k] = e.getValue();
        k++;
      }
      int offset = append(new Content(content));
      cellCount++;
      if (key != null) {
        cells.put(key, offset);
      }
      return offset;
    }

    /**
     * Flattens nested IPv4 prefixes ({start, length, position}, sorted) into disjoint segments
     * covering the whole address space, and records the prefixes as nodes for range lookups. Sorted
     * by start, then length, prefixes come in preorder, so a stack of the open prefixes gives each
     * segment its longest containing prefix.
     */
    private final class Segments {
      final Ints low = new Ints();
      final Ints value = new Ints();
      final int firstNode = segNode.size;
      private long cursor = 0;

      Segments(List<long[]> prefixes) {
        if (prefixes.isEmpty()) {
          // One segment, no prefix: a look-up then never needs to ask whether there is a segment.
          emit(0xFFFF_FFFFL, NONE);
          return;
        }
        int[] stack = new int[33];
        long[] stackEnd = new long[33];
        int depth = 0;
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
          while (depth > 0 && stackEnd[depth - 1] < start) {
            depth--;
            emit(stackEnd[depth], stack[depth]);
          }
          int parent = depth > 0 ? stack[depth - 1] : NONE;
          emit(start - 1, parent);
          int node = nodeLength.size;
          nodeLength.add(length);
          nodeParent.add(parent);
          nodeValue.add(parent == NONE ? (int) p[2] : Math.min((int) p[2], nodeValue.get(parent)));
          stack[depth] = node;
          stackEnd[depth] = start + (1L << (32 - length)) - 1;
          depth++;
        }
        while (depth > 0) {
          depth--;
          emit(stackEnd[depth], stack[depth]);
        }
        emit(0xFFFF_FFFFL, NONE);
      }

      /** Adds the segment from the cursor to {@code last} (when not empty). */
      private void emit(long last, int node) {
        if (cursor <= last) {
          low.add((int) cursor ^ Integer.MIN_VALUE);
          value.add(node == NONE ? NONE : nodeValue.get(node));
          segNode.add(node);
          cursor = last + 1;
        }
      }
    }
  }

  /** An int array with value equality, to store equal axes and cells once. */
  private record Content(int[] values) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Content c && Arrays.equals(values, c.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
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
  }
}
