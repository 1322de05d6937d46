package dev.portcullis.engine.eval;

import static dev.portcullis.engine.eval.RuleIndex.BLOCK;
import static dev.portcullis.engine.eval.RuleIndex.CEILING;
import static dev.portcullis.engine.eval.RuleIndex.CELL_HEADER;
import static dev.portcullis.engine.eval.RuleIndex.COMPLEX;
import static dev.portcullis.engine.eval.RuleIndex.ENTRY;
import static dev.portcullis.engine.eval.RuleIndex.FLOOR;
import static dev.portcullis.engine.eval.RuleIndex.INGRESS;
import static dev.portcullis.engine.eval.RuleIndex.KIND_BITS;
import static dev.portcullis.engine.eval.RuleIndex.NONE;
import static dev.portcullis.engine.eval.RuleIndex.PADDING;
import static dev.portcullis.engine.eval.RuleIndex.blocks;

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
 * Lays out the axes, cells and admission lists of a {@link RuleIndex} while it is built, in the
 * layout that the index's Javadoc describes and with its constants. Equal axes, cells and lists are
 * stored once. Only the index's constructor uses it; a look-up never does.
 */
final class RuleIndexBuilder {
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

  /** The answer an entry holds for each cell that has one ({@link #simpleAnswer}). */
  final Map<Integer, int[]> simple = new HashMap<>();

  /** Per axis laid out: where its entries start, then the cell of each entry. */
  final List<int[]> entryCells = new ArrayList<>();

  final Ints admission = new Ints();

  /** Admission lists already laid out, by content. */
  final Map<Content, Integer> admissions = new HashMap<>();

  /** The admission list of each cell that its entries do not answer for. */
  final Map<Integer, Integer> admissionOf = new HashMap<>();

  int cellCount;

  RuleIndexBuilder(ToIntFunction<String> groupIdOf) {
    this.groupIdOf = groupIdOf;
    blob.add(0); // a filler: no axis starts at 0, so ~axis is never NONE
  }

  /**
   * Class 0 for protocols no rule names; one class for each protocol some rule names. Fills {@code
   * protocolClass} (protocol number to class) and returns the protocol of each class.
   */
  static int[] protocolClasses(Rule[][] rules, int[] protocolClass) {
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
  static int[] relevant(Rule[] rules, int dir, int protocol) {
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

  /** Lays out the axis over the rules at the given positions; returns its offset. */
  int axis(Rule[] rules, int[] positions) {
    int[] bounds = new int[positions.length * 2 + 1];
    int n = 0;
    bounds[n++] = FLOOR;
    for (int pos : positions) {
      bounds[n++] = clamp(low(rules[pos]));
      int top = clamp(high(rules[pos]));
      if (top < CEILING) {
        bounds[n++] = top + 1; // no key is above CEILING: no cell need start there
      }
    }
    int[] lows = Arrays.stream(bounds, 0, n).sorted().distinct().toArray();
    int[] cellAt = new int[lows.length];
    for (int k = 0; k < lows.length; k++) {
      int[] covering = new int[positions.length];
      int c = 0;
      for (int pos : positions) {
        if (clamp(low(rules[pos])) <= lows[k] && lows[k] <= clamp(high(rules[pos]))) {
          covering[c++] = pos;
        }
      }
      cellAt[k] = cell(rules, Arrays.copyOf(covering, c));
    }
    // Head and block summary, then the entries in blocks of BLOCK, the last block
    // padded with bounds no port reaches and the last cell.
    int blocks = blocks(lows.length);
    int head = Math.max(BLOCK, blocks);
    int[] content = new int[head + ENTRY * BLOCK * blocks];
    content[0] = lows.length;
    for (int j = 1; j < head; j++) {
      content[j] = (j < blocks ? lows[BLOCK * j] : PADDING) << KIND_BITS;
    }
    int[] cells = new int[1 + BLOCK * blocks];
    for (int k = 0; k < BLOCK * blocks; k++) {
      int at = head + ENTRY * k;
      int cell = cellAt[Math.min(k, lows.length - 1)];
      cells[1 + k] = cell;
      int[] answer = simple.get(cell);
      int bound = k < lows.length ? lows[k] : PADDING;
      content[at] = (bound << KIND_BITS) | (answer == null ? COMPLEX : answer[1]);
      content[at + 1] = answer == null ? admissionOf.get(cell) : answer[0];
    }
    // Equal entries may answer for different cells (the same prefix, other rules): the key
    // holds the cells too.
    int[] key = Arrays.copyOf(content, content.length + cells.length);
    System.arraycopy(cells, 0, key, content.length, cells.length);
    return axes.computeIfAbsent(
        new Content(key),
        k -> {
          // The entries start a cache line (see IndexedEvaluator.LINE): a block is one line.
          int at = append(new Content(content), head);
          cells[0] = at + head;
          entryCells.add(cells);
          return at;
        });
  }

  /** A rule's port (or type) as the axis compares it. */
  private static int clamp(int port) {
    return Math.max(FLOOR, Math.min(port, CEILING));
  }

  /**
   * Appends content so that its int at {@code aligned} starts a cache line ({@code NONE}: where it
   * falls).
   */
  private int append(Content c, int aligned) {
    while (aligned != NONE
        && (blob.size + aligned) % IndexedEvaluator.LINE != IndexedEvaluator.FIRST_LINE) {
      blob.add(0);
    }
    return appendTo(blob, c);
  }

  /** Appends content to an array being built; returns where it starts. */
  private static int appendTo(Ints to, Content c) {
    int at = to.size;
    for (int v : c.values()) {
      to.add(v);
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
      content[at++] = segments.low.get(k);
      content[at++] = segments.value.get(k);
    }
    for (Map.Entry<Integer, Integer> e : refs.entrySet()) {
      content[at++] = e.getKey();
      content[at++] = e.getValue();
    }
    int offset = append(new Content(content), NONE);
    int[] answer = simpleAnswer(v4, refs.size());
    if (answer != null) {
      simple.put(offset, answer);
    } else {
      admissionOf.put(offset, admission(v4, refs.keySet()));
    }
    cellCount++;
    if (key != null) {
      cells.put(key, offset);
    }
    return offset;
  }

  /**
   * Lays out the admission list of IPv4 prefixes ({start, length, position}, sorted) and group ids;
   * returns its offset.
   */
  private int admission(List<long[]> v4, Iterable<Integer> groups) {
    Ints list = new Ints();
    list.add(0);
    int prefixes = 0;
    long coveredTo = -1; // the last address of the last prefix kept
    for (long[] p : v4) {
      long start = p[0];
      if (start <= coveredTo) {
        continue; // sorted by start, then length: a prefix kept before contains it
      }
      int length = (int) p[1];
      list.add((int) (-1L << (32 - length)));
      list.add((int) start);
      coveredTo = start + (1L << (32 - length)) - 1;
      prefixes++;
    }
    int refs = 0;
    for (int g : groups) {
      list.add(g);
      refs++;
    }
    int[] content = list.toArray();
    content[0] = prefixes | refs << 16;
    return admissions.computeIfAbsent(new Content(content), c -> appendTo(admission, c));
  }

  /**
   * The (prefix, length) that answers for a cell when its rules name no group and at most one
   * distinct IPv4 prefix ({start, length, position}, sorted): {1, 0} for none, which no address
   * matches; null otherwise.
   */
  private static int[] simpleAnswer(List<long[]> v4, int refs) {
    if (refs > 0) {
      return null;
    }
    for (long[] p : v4) {
      if (p[0] != v4.get(0)[0] || p[1] != v4.get(0)[1]) {
        return null;
      }
    }
    return v4.isEmpty() ? new int[] {1, 0} : new int[] {(int) v4.get(0)[0], (int) v4.get(0)[1]};
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
  static final class Ints {
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
