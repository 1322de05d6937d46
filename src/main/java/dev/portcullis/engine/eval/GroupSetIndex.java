package dev.portcullis.engine.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * For verdicts alone: the rules of a whole <em>set</em> of groups (those of an interface) merged
 * into one axis per direction and protocol class, so that a flow does one port search and one
 * address search whatever the number of groups, where {@link RuleIndex} needs one of each per
 * group.
 *
 * <p>A verdict needs only whether some rule of some group lets a flow through, not which, so a
 * merged cell keeps no rule positions: its IPv4 addresses are the union of its groups' cells'
 * prefixes as alternating runs (let through, not let through, ...), and its references the union of
 * their referenced group ids. Interfaces with the same groups share their axes, and equal axes and
 * cells are stored once.
 *
 * <pre>
 * axis at a:  n, cellLow[0..n), cellAt[0..n)   (cellAt may be OPEN_CELL or CLOSED_CELL)
 * cell at c:  runs s, references r, parity, runLow[0..s), refGroup[0..r)
 * </pre>
 *
 * Run {@code i} lets its addresses through when {@code (i ^ parity)} is even. A run's low address
 * has its sign bit flipped so that signed order is address order.
 */
final class GroupSetIndex {
  /** An axis or cell that lets nothing through. */
  static final int CLOSED = -1;

  /** An axis or cell that lets every IPv4 address through, whatever the peer's groups. */
  static final int OPEN = -2;

  private static final int CELL_HEADER = 3;

  private final int[] blob;
  private final int axisCount;
  private final int cellCount;

  private GroupSetIndex(Builder b) {
    blob = b.blob.toArray();
    axisCount = b.axes.size();
    cellCount = b.cells.size();
  }

  /**
   * Whether an axis from {@link Builder#axis} lets the traffic at {@code port} from (ingress) or to
   * (egress) an IPv4 address, or an interface carrying one of {@code members[from..to)} (sorted
   * ids).
   */
  boolean allows(int axis, int port, int address, int[] members, int from, int to) {
    if (axis < 0) {
      return axis == OPEN;
    }
    int[] b = blob;
    int n = b[axis];
    int cell = b[lastAtMost(b, axis + 1, n, port) + n];
    if (cell < 0) {
      return cell == OPEN;
    }
    int runs = b[cell];
    int base = cell + CELL_HEADER;
    int run = lastAtMost(b, base, runs, address ^ Integer.MIN_VALUE) - base;
    if (((run ^ b[cell + 2]) & 1) == 0) {
      return true;
    }
    int refs = b[cell + 1];
    if (refs == 0) {
      return false;
    }
    int start = base + runs;
    for (int i = from; i < to; i++) {
      if (Arrays.binarySearch(b, start, start + refs, members[i]) >= 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reads an axis's head and the middle of its bounds (where a look-up starts), for a caller that
   * wants them in the cache before it looks up; returns a value only to keep the reads.
   */
  int touch(int axis) {
    if (axis < 0) {
      return 0;
    }
    int n = blob[axis];
    return n + blob[axis + 1 + (n >>> 1)];
  }

  /** As in {@link RuleIndex}: the last index at most {@code key}, in a branch-free loop. */
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

  /** Sizes of the index, for a footprint report. */
  String size() {
    return axisCount + " merged axes, " + cellCount + " merged cells, " + blob.length + " ints";
  }

  /** Merges the axes of sets of groups while the index is built. */
  static final class Builder {
    private final RuleIndex index;
    final IntList blob = new IntList();
    final Map<Key, Integer> axes = new HashMap<>();
    final Map<Key, Integer> cells = new HashMap<>();

    /** Merged cells by the group cells they merge, to merge each combination once. */
    private final Map<Key, Integer> merged = new HashMap<>();

    Builder(RuleIndex index) {
      this.index = index;
    }

    /**
     * The merged axis of a set of groups (estate group ids) for a direction and protocol class: an
     * offset, or {@link #OPEN} or {@link #CLOSED}.
     */
    int axis(int[] groups, int dir, int cls) {
      List<Integer> parts = new ArrayList<>();
      TreeSet<Integer> lows = new TreeSet<>();
      for (int g : groups) {
        int axis = index.axis(g, dir, cls);
        if (axis != RuleIndex.NONE) {
          parts.add(axis);
          for (int low : index.cellLows(axis)) {
            lows.add(low);
          }
        }
      }
      if (parts.isEmpty()) {
        return CLOSED;
      }
      int n = lows.size();
      int[] content = new int[1 + 2 * n];
      content[0] = n;
      int k = 0;
      boolean open = true;
      boolean closed = true;
      for (int low : lows) {
        int[] groupCells = new int[parts.size()];
        for (int i = 0; i < groupCells.length; i++) {
          groupCells[i] = index.cell(parts.get(i), low);
        }
        Arrays.sort(groupCells);
        int cell = merged.computeIfAbsent(new Key(groupCells), key -> cell(key.values()));
        open &= cell == OPEN;
        closed &= cell == CLOSED;
        content[1 + k] = low;
        content[1 + n + k] = cell;
        k++;
      }
      if (open) {
        return OPEN;
      }
      if (closed) {
        return CLOSED;
      }
      return axes.computeIfAbsent(new Key(content), this::append);
    }

    /** The cell merging some group cells: an offset, or {@link #OPEN} or {@link #CLOSED}. */
    private int cell(int[] groupCells) {
      List<long[]> runs = new ArrayList<>();
      TreeSet<Integer> refs = new TreeSet<>();
      for (int c : groupCells) {
        long[] r = index.addressRuns(c);
        for (int i = 0; i < r.length; i += 2) {
          runs.add(new long[] {r[i], r[i + 1]});
        }
        for (int ref : index.references(c)) {
          refs.add(ref);
        }
      }
      runs.sort((x, y) -> Long.compare(x[0], y[0]));
      // Union of the runs, adjacent ones joined, so that runs alternate.
      List<long[]> union = new ArrayList<>();
      for (long[] r : runs) {
        long[] last = union.isEmpty() ? null : union.get(union.size() - 1);
        if (last != null && r[0] <= last[1] + 1) {
          last[1] = Math.max(last[1], r[1]);
        } else {
          union.add(new long[] {r[0], r[1]});
        }
      }
      if (union.size() == 1 && union.get(0)[0] == 0 && union.get(0)[1] == 0xFFFF_FFFFL) {
        return OPEN;
      }
      if (union.isEmpty() && refs.isEmpty()) {
        return CLOSED;
      }
      IntList lows = new IntList();
      int parity = 1; // run 0 (from address 0) lets nothing through...
      for (long[] r : union) {
        if (r[0] == 0) {
          parity = 0; // ...unless a let-through run starts there
        } else {
          lows.add((int) r[0]);
        }
        if (r[1] < 0xFFFF_FFFFL) {
          lows.add((int) (r[1] + 1));
        }
      }
      int s = lows.size() + 1;
      int[] content = new int[CELL_HEADER + s + refs.size()];
      content[0] = s;
      content[1] = refs.size();
      content[2] = parity;
      content[CELL_HEADER] = Integer.MIN_VALUE; // address 0, sign flipped
      for (int i = 1; i < s; i++) {
        content[CELL_HEADER + i] = lows.get(i - 1) ^ Integer.MIN_VALUE;
      }
      int at = CELL_HEADER + s;
      for (int ref : refs) {
        content[at++] = ref;
      }
      return cells.computeIfAbsent(new Key(content), this::append);
    }

    private int append(Key k) {
      int at = blob.size();
      for (int v : k.values()) {
        blob.add(v);
      }
      return at;
    }

    GroupSetIndex build() {
      return new GroupSetIndex(this);
    }
  }

  /** An int array with value equality. */
  private record Key(int[] values) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(values, k.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }
  }

  /** A growable int array. */
  private static final class IntList {
    private int[] values = new int[64];
    private int size;

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    int get(int i) {
      return values[i];
    }

    int size() {
      return size;
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
