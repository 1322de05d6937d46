package dev.portcullis.engine.eval;

import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Rule;
import java.util.Arrays;
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
 *       rule position among the prefixes that contain it: the segment of an address is found by
 *       counting (up to 8 segments) or by halves;
 *   <li>referenced group ids, sorted, each with its smallest rule position;
 *   <li>IPv6 prefixes, in a {@link Prefix6Set}.
 * </ul>
 *
 * <p>A lookup answers with the smallest position among the matching rules: the first matching rule
 * in canonical order, which is the one {@link NaiveEvaluator} reports. A verdict needs no position,
 * so it reads, for a cell that its entry cannot answer for, the cell's <em>admission list</em>
 * instead: its IPv4 prefixes (none inside another) and its referenced groups, fewer ints than the
 * cell and tested without a search.
 *
 * <p>Axes and cells are laid out in one int array, each contiguous, so that a lookup reads a few
 * neighbouring cache lines and allocates nothing. Identical axes and cells are stored once. {@link
 * RuleIndexBuilder} lays them out when the index is built; the layout's constants are here, for
 * both.
 *
 * <pre>
 * axis at a:  n, then the first bound of blocks 1, 2, ... (at least 7 values, padded),
 *             then an entry (bound << 6 | kind, word) for each of the n bounds, in blocks of 8
 *             entries that start on a cache line (bound 0 is FLOOR; the last block padded);
 *             the word is the cell's one IPv4 prefix and the kind its length when that answers
 *             for the cell (no group, at most one prefix), else the word is the offset of the
 *             cell's admission list (in its own array; the cells of all entries are in another)
 * cell at c:  segments s, references r, first node, IPv6 set (or -1),
 *             (segment low, value) for the s segments, (group, value) for the r references
 * </pre>
 *
 * A segment's low address has its sign bit flipped so that signed order is address order; its value
 * is NONE where no prefix contains it.
 *
 * <pre>
 * admission list at l:  prefixes p | groups g << 16, then (mask, prefix) for the p prefixes,
 *                       then the g group ids
 * </pre>
 */
final class RuleIndex {
  static final int NONE = -1;
  static final int INGRESS = 0;
  static final int EGRESS = 1;

  /** A cell's head: segment count, reference count, first node, IPv6 set (or NONE). */
  static final int CELL_HEADER = 4;

  /**
   * Ports (and ICMP types) are compared within [FLOOR, CEILING]: a rule's range and a flow's port
   * are clamped to it, which changes nothing for the ports strictly inside (every real port and
   * type, far inside), and keeps bounds (at most CEILING, padding CEILING + 2) small enough to be
   * shifted and compared without overflow.
   */
  static final int FLOOR = -(1 << 23);

  static final int CEILING = 1 << 23;

  /** The bound of the entries that pad an axis's last block: above every bound and limit. */
  static final int PADDING = CEILING + 2;

  /** Bounds per block of an axis: a block of 8 entries fills one 64-byte cache line. */
  static final int BLOCK = 8;

  /**
   * Ints per entry of an axis: {@code bound << 6 | kind}, then a word. A kind of 0 to 32 says that
   * the entry answers for its cell (its rules name no group and at most one IPv4 prefix: most
   * cells): the word is that prefix and the kind its length (a prefix of 1 and length 0, which no
   * address matches, when there is none); COMPLEX says that the cell's admission list must be read,
   * and the word is the list's offset. Bounds keep their order in this form, so entries are counted
   * against {@link #limit}.
   */
  static final int ENTRY = 2;

  static final int KIND_BITS = 6;
  private static final int KIND = (1 << KIND_BITS) - 1;
  static final int COMPLEX = 33;

  /**
   * How many members {@link #admits} compares without a loop: its caller keeps {@code
   * members[from..from + MEMBER_SLOTS)} readable and NO_GROUP from {@code to} on.
   */
  static final int MEMBER_SLOTS = 5;

  /** A group id that no group has. */
  static final int NO_GROUP = -1;

  /** The prefix count in the head of an admission list; the group count is above it. */
  private static final int PREFIX_COUNT = 0xffff;

  /**
   * The cell of every entry, at half the entry's offset in {@code blob} (entries start on even
   * offsets: their blocks start on cache lines), for {@link #cell}.
   */
  private final int[] cellOfEntry;

  /** Protocol number (0-255) to protocol class; class 0 holds the protocols no rule names. */
  private final int[] protocolClass = new int[256];

  private final int classes;
  private final int groups;

  /**
   * {@value #BLOCK} ints per row ({@link #rowOf}): where the row's axis's entries start, then its
   * block summary (the head of the axis, copied here so that a look-up reads it from the row it
   * starts from, not from one more line of the axis). For an axis of more than 64 bounds, the first
   * int is {@code ~axis} instead, and the look-up reads the axis; NONE when no rule applies. A
   * row's handle is its offset here.
   */
  private final int[] rows;

  /**
   * Beside each axis: the position its rules give every IPv4 address on every port (a default
   * egress rule, first in canonical order, does), or NONE.
   */
  private final int[] uniformOf;

  private final int[] blob;

  /**
   * For each cell that its entry does not answer for, what the verdict needs of it, without rule
   * positions: {@code prefixes | groups << 16}, then each distinct IPv4 prefix that no other of the
   * list contains as (mask, prefix), then each referenced group id. Equal lists are stored once;
   * such an entry's word is its list's offset here.
   */
  private final int[] admission;

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
    int[] classProtocol = RuleIndexBuilder.protocolClasses(rules, protocolClass);
    classes = classProtocol.length;
    groups = rules.length;
    RuleIndexBuilder b = new RuleIndexBuilder(groupIdOf);
    int[] axisOf = new int[rules.length * 2 * classes];
    for (int g = 0; g < rules.length; g++) {
      for (int dir = 0; dir < 2; dir++) {
        for (int c = 0; c < classes; c++) {
          int[] relevant = RuleIndexBuilder.relevant(rules[g], dir, classProtocol[c]);
          axisOf[rowOf(g, dir, c)] = relevant.length == 0 ? NONE : b.axis(rules[g], relevant);
        }
      }
    }
    // Padded, so that counting a cell's segments may read past the last cell.
    blob = Arrays.copyOf(b.blob.toArray(), b.blob.size + ENTRY * BLOCK);
    // Padded, so that the first four prefixes of a list may be read whether it has them or not.
    admission = Arrays.copyOf(b.admission.toArray(), b.admission.size + 8);
    cellOfEntry = new int[blob.length / ENTRY + 1];
    for (int[] cells : b.entryCells) {
      if (cells[0] % ENTRY != 0) {
        throw new IllegalStateException("entries at an odd offset: " + cells[0]);
      }
      for (int k = 1; k < cells.length; k++) {
        cellOfEntry[(cells[0] + ENTRY * (k - 1)) / ENTRY] = cells[k];
      }
    }
    uniformOf = new int[axisOf.length];
    rows = new int[axisOf.length * BLOCK];
    for (int i = 0; i < axisOf.length; i++) {
      int axis = axisOf[i];
      uniformOf[i] = axis == NONE ? NONE : uniform(axis);
      if (axis == NONE) {
        rows[i * BLOCK] = NONE;
      } else if (blob[axis] <= BLOCK * BLOCK) {
        rows[i * BLOCK] = axis + BLOCK;
        System.arraycopy(blob, axis + 1, rows, i * BLOCK + 1, BLOCK - 1);
      } else {
        rows[i * BLOCK] = ~axis; // the blob starts with a filler, so no axis is at 0
      }
    }
    segNode = b.segNode.toArray();
    nodeLength = b.nodeLength.toArray();
    nodeParent = b.nodeParent.toArray();
    nodeValue = b.nodeValue.toArray();
    v6 = b.v6.toArray(new Prefix6Set[0]);
    axisCount = b.axes.size();
    cellCount = b.cellCount;
  }

  /** How many protocol classes there are: classes are 0 to this minus 1. */
  int classes() {
    return classes;
  }

  int protocolClass(int protocol) {
    return protocolClass[protocol];
  }

  /**
   * The handle of the axis of a group's rules for a direction and protocol class, or NONE: no rule
   * applies.
   */
  int axis(int group, int dir, int cls) {
    int row = rowOf(group, dir, cls) * BLOCK;
    return rows[row] == NONE ? NONE : row;
  }

  /**
   * The number of a group's row for a direction and protocol class. The rows of one direction and
   * class are contiguous, so that those flows use most (tcp ingress) stay in a small part of the
   * table, one that the cache keeps.
   */
  private int rowOf(int group, int dir, int cls) {
    return (dir * classes + cls) * groups + group;
  }

  /** The offset in {@code blob} of the axis of a row handle. */
  private int axisAt(int row) {
    int head = rows[row];
    return head >= 0 ? head - BLOCK : ~head;
  }

  /**
   * Whether the axis lets every port and every IPv4 address through (a group's default egress rule
   * does): then nothing need be looked up for an IPv4 peer.
   */
  boolean opensEverything(int row) {
    int axis = axisAt(row);
    int n = blob[axis];
    int pairs = pairs(axis, n);
    for (int k = 0; k < n; k++) {
      int cell = cellOf(pairs + ENTRY * k);
      for (int seg = cell + CELL_HEADER, end = seg + 2 * blob[cell]; seg < end; seg += 2) {
        if (blob[seg + 1] == NONE) {
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
    int n = blob[axis];
    int pairs = pairs(axis, n);
    int value = blob[cellOf(pairs) + CELL_HEADER + 1];
    for (int k = 0; k < n; k++) {
      int cell = cellOf(pairs + ENTRY * k);
      int refs = cell + CELL_HEADER + 2 * blob[cell];
      for (int seg = cell + CELL_HEADER; seg < refs; seg += 2) {
        if (blob[seg + 1] != value) {
          return NONE;
        }
      }
      for (int ref = refs, end = refs + 2 * blob[cell + 1]; ref < end; ref += 2) {
        if (blob[ref + 1] < value) {
          return NONE;
        }
      }
    }
    return value;
  }

  /** {@link #uniform} of a group's axis for a direction and protocol class. */
  int uniformFirst(int group, int dir, int cls) {
    return uniformOf[rowOf(group, dir, cls)];
  }

  /** How many blocks of {@value #BLOCK} bounds an axis of {@code n} bounds has. */
  static int blocks(int n) {
    return (n + BLOCK - 1) / BLOCK;
  }

  /** Where an axis's entries start: after its head and block summary. */
  private static int pairs(int axis, int n) {
    return axis + Math.max(BLOCK, blocks(n));
  }

  /**
   * The cell of an axis that holds a port. The bounds come in blocks of {@value #BLOCK} entries,
   * and the axis's row holds the first bound of every block but the first: the row picks the block,
   * one block read the entry. For up to 64 bounds (every axis of 50 rules or fewer) both are
   * counted over a fixed number of values, with no branch.
   */
  private int cell(int row, int port) {
    return cellOf(entry(row, port));
  }

  /** The cell of an entry. */
  private int cellOf(int entry) {
    return cellOfEntry[entry / ENTRY];
  }

  /**
   * A port as the look-ups compare it with entries and summaries: above the entries of every bound
   * up to the port, whatever their kind, and at or below those of greater bounds.
   */
  private static int limit(int port) {
    return (Math.max(FLOOR, Math.min(port, CEILING)) + 1) << KIND_BITS;
  }

  /**
   * The first stage of {@link #entry}: where the block of entries that holds a port's {@link
   * #limit} starts; reads the row only.
   */
  private int blockOf(int row, int limit) {
    int[] r = rows;
    int pairs = r[row];
    if (pairs < 0) {
      return longBlockOf(~pairs, limit);
    }
    int block =
        below(r[row + 1], limit)
            + below(r[row + 2], limit)
            + below(r[row + 3], limit)
            + below(r[row + 4], limit)
            + below(r[row + 5], limit)
            + below(r[row + 6], limit)
            + below(r[row + 7], limit);
    return pairs + block * ENTRY * BLOCK;
  }

  /**
   * {@link #blockOf} for an axis of more than 64 bounds, whose summary is searched in the axis: a
   * method of its own, so that the common path stays small enough for the JIT to inline.
   */
  private int longBlockOf(int axis, int limit) {
    int blocks = blocks(blob[axis]);
    int block = countBelow(blob, axis + 1, blocks - 1, limit);
    return axis + blocks + block * ENTRY * BLOCK;
  }

  /** The second stage of {@link #entry}: the entry of a port's {@link #limit} within its block. */
  private int entryIn(int at, int limit) {
    int[] b = blob;
    int within =
        below(b[at], limit)
            + below(b[at + ENTRY], limit)
            + below(b[at + 2 * ENTRY], limit)
            + below(b[at + 3 * ENTRY], limit)
            + below(b[at + 4 * ENTRY], limit)
            + below(b[at + 5 * ENTRY], limit)
            + below(b[at + 6 * ENTRY], limit)
            + below(b[at + 7 * ENTRY], limit);
    return at + ENTRY * (within - 1);
  }

  /** 1 when {@code value <= key}, else 0, without a branch, for any two ints. */
  private static int atMostAny(int value, int key) {
    return (int) (~((long) key - value) >>> 63);
  }

  /**
   * 1 when {@code value < limit}, else 0, without a branch (both bounds or limits, shifted: far
   * from overflowing).
   */
  private static int below(int value, int limit) {
    return (value - limit) >>> 31;
  }

  /** How many of the sorted {@code values[from..from + n)} are below {@code limit}. */
  private static int countBelow(int[] values, int from, int n, int limit) {
    int low = 0;
    int high = n;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (values[from + mid] < limit) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  /**
   * Where in {@code blob} the (low, value) pair of the IPv4 segment holding an address starts
   * (every cell has at least one segment, one with no prefix when no rule of the cell names an IPv4
   * prefix). Up to {@value #BLOCK} segments (nearly every cell) are counted, not searched: a fixed
   * number of reads and comparisons, the ones past the cell's segments masked out, so that a random
   * address costs no mispredicted branch; more are searched by halves.
   */
  private int segment(int cell, int address) {
    int key = address ^ Integer.MIN_VALUE;
    int[] b = blob;
    int base = cell + CELL_HEADER;
    int length = b[cell];
    if (length <= BLOCK) {
      int below =
          atMostAny(b[base], key)
              + (atMostAny(b[base + 2], key) & inside(1, length))
              + (atMostAny(b[base + 4], key) & inside(2, length))
              + (atMostAny(b[base + 6], key) & inside(3, length))
              + (atMostAny(b[base + 8], key) & inside(4, length))
              + (atMostAny(b[base + 10], key) & inside(5, length))
              + (atMostAny(b[base + 12], key) & inside(6, length))
              + (atMostAny(b[base + 14], key) & inside(7, length));
      return base + 2 * (below - 1);
    }
    while (length > 1) {
      int half = length >>> 1;
      int mid = base + 2 * half;
      base = b[mid] <= key ? mid : base;
      length -= half;
    }
    return base;
  }

  /** 1 when {@code index < length}, else 0, without a branch. */
  private static int inside(int index, int length) {
    return (index - length) >>> 31;
  }

  /** The entry of an axis that holds a port. */
  int entry(int axis, int port) {
    int limit = limit(port);
    return entryIn(blockOf(axis, limit), limit);
  }

  /** Whether the entry answers for its cell ({@link #entryAllows}), which need not be read. */
  boolean simple(int entry) {
    return (blob[entry] & KIND) != COMPLEX;
  }

  /**
   * For a {@link #simple} entry: whether its cell admits an IPv4 address (meaningless for another
   * entry, whose word is the offset of an admission list).
   */
  boolean entryAllows(int entry, int address) {
    int length = blob[entry] & KIND;
    return (address & (int) (-1L << (32 - length))) == blob[entry + 1];
  }

  /** The admission list of an entry that is not {@link #simple}. */
  int entryAdmission(int entry) {
    return blob[entry + 1];
  }

  /**
   * Whether an admission list lets the traffic in from (ingress) or out to (egress) an IPv4 address
   * or an interface carrying one of the groups {@code members[from..to)}.
   */
  boolean admits(int list, int address, int[] members, int from, int to) {
    // members[from..from + MEMBER_SLOTS) is readable, and holds NO_GROUP from `to` on.
    int[] a = admission;
    int head = a[list];
    int prefixes = head & PREFIX_COUNT;
    int k = list + 1;
    // Every prefix is tested, none searched: a list holds few. The first four (most lists have at
    // most four) are tested without a loop, and so without a branch on how many there are.
    boolean found =
        ((address & a[k]) == a[k + 1]) & prefixes > 0
            | ((address & a[k + 2]) == a[k + 3]) & prefixes > 1
            | ((address & a[k + 4]) == a[k + 5]) & prefixes > 2
            | ((address & a[k + 6]) == a[k + 7]) & prefixes > 3;
    for (int i = 4; i < prefixes; i++) {
      found |= (address & a[k + 2 * i]) == a[k + 2 * i + 1];
    }
    k += 2 * prefixes;
    // A list names few groups and an interface carries few: comparing every pair costs less than
    // searching. Up to MEMBER_SLOTS members, the first two groups are compared with every slot,
    // without a branch on how many groups either has.
    int groups = head >>> 16;
    if (to - from <= MEMBER_SLOTS) {
      found |=
          inSlots(members, from, a[k]) & groups > 0 | inSlots(members, from, a[k + 1]) & groups > 1;
      for (int i = 2; i < groups; i++) {
        found |= inSlots(members, from, a[k + i]);
      }
      return found;
    }
    for (int end = k + groups; k < end; k++) {
      int group = a[k];
      for (int i = from; i < to; i++) {
        found |= members[i] == group;
      }
    }
    return found;
  }

  /** Whether one of the MEMBER_SLOTS slots from {@code from} holds the group. */
  private static boolean inSlots(int[] members, int from, int group) {
    return members[from] == group
        | members[from + 1] == group
        | members[from + 2] == group
        | members[from + 3] == group
        | members[from + 4] == group;
  }

  /**
   * Like {@link #admits} after {@link #entry}, but the position of the first matching rule, or
   * NONE; {@code hasAddress} false for a source with no address (a group member).
   */
  int first(int axis, int port, boolean hasAddress, int address, int[] members, int from, int to) {
    int cell = cell(axis, port);
    int best = NONE;
    if (hasAddress) {
      best = blob[segment(cell, address) + 1];
    }
    for (int ref = cell + CELL_HEADER + 2 * blob[cell], end = ref + 2 * blob[cell + 1];
        ref < end;
        ref += 2) {
      int group = blob[ref];
      int pos = blob[ref + 1];
      for (int i = from; i < to; i++) {
        if (members[i] == group && (best == NONE || pos < best)) {
          best = pos;
        }
      }
    }
    return best;
  }

  /** The position of the first rule whose IPv4 prefix contains every address of {@code range}. */
  int firstContaining(int axis, int port, Cidr4 range) {
    int cell = cell(axis, port);
    int segment = (segment(cell, range.address()) - cell - CELL_HEADER) >>> 1;
    int node = segNode[blob[cell + 2] + segment];
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

  /** How many distinct axes have more bounds than the row's summary covers (64). */
  int longAxes() {
    int n = 0;
    for (int row = 0; row < rows.length; row += BLOCK) {
      n += rows[row] < NONE ? 1 : 0;
    }
    return n;
  }

  /** Sizes of the index, for a footprint report. */
  String size() {
    return axisCount
        + " port axes ("
        + longAxes()
        + " rows with more than 64 bounds), "
        + cellCount
        + " cells, "
        + blob.length
        + " ints of axes and cells, "
        + admission.length
        + " ints of admission lists, "
        + nodeLength.length
        + " IPv4 prefixes";
  }
}
