package dev.portcullis.engine.eval;

import dev.portcullis.engine.Cidr6;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * IPv6 prefixes, each with a value (a rule position), answering: of the prefixes that contain an
 * address (or a whole prefix), which smallest value? Prefixes are nested or disjoint, so sorted by
 * start address, then by length, they are a tree in preorder: the containing prefixes of an address
 * are the ancestors of the last prefix that starts at or before it.
 */
final class Prefix6Set {
  private final long[] high;
  private final long[] low;
  private final int[] length;
  private final int[] parent;

  /** The smallest value of the prefix and of every prefix that contains it. */
  private final int[] chainMin;

  /** A prefix and its value, before building. */
  record Entry(Cidr6 cidr, int value) {}

  private static final Comparator<Cidr6> PREORDER =
      (a, b) -> {
        int h = Long.compareUnsigned(a.high(), b.high());
        if (h != 0) {
          return h;
        }
        int l = Long.compareUnsigned(a.low(), b.low());
        return l != 0 ? l : Integer.compare(a.prefixLength(), b.prefixLength());
      };

  Prefix6Set(List<Entry> entries) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing(Entry::cidr, PREORDER).thenComparingInt(Entry::value));
    List<Entry> distinct = new ArrayList<>();
    for (Entry e : sorted) {
      // The same prefix again: the first has the smaller value.
      if (distinct.isEmpty() || !distinct.get(distinct.size() - 1).cidr().equals(e.cidr())) {
        distinct.add(e);
      }
    }
    int n = distinct.size();
    high = new long[n];
    low = new long[n];
    length = new int[n];
    parent = new int[n];
    chainMin = new int[n];
    int[] stack = new int[n];
    int depth = 0;
    for (int i = 0; i < n; i++) {
      Cidr6 c = distinct.get(i).cidr();
      while (depth > 0 && !contains(stack[depth - 1], c.high(), c.low())) {
        depth--;
      }
      high[i] = c.high();
      low[i] = c.low();
      length[i] = c.prefixLength();
      int value = distinct.get(i).value();
      parent[i] = depth > 0 ? stack[depth - 1] : -1;
      chainMin[i] = depth > 0 ? Math.min(value, chainMin[parent[i]]) : value;
      stack[depth++] = i;
    }
  }

  private boolean contains(int node, long h, long l) {
    int len = length[node];
    long highMask = len >= 64 ? -1L : len == 0 ? 0L : -1L << (64 - len);
    long lowMask = len <= 64 ? 0L : len == 128 ? -1L : -1L << (128 - len);
    return (h & highMask) == high[node] && (l & lowMask) == low[node];
  }

  /**
   * The smallest value of the prefixes that contain the address {@code (h, l)} and are no longer
   * than {@code maxLength} (128 for one address; a range's own length for a range), or -1.
   */
  int first(long h, long l, int maxLength) {
    int lo = 0;
    int hi = high.length - 1;
    int last = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = Long.compareUnsigned(high[mid], h);
      if (c == 0) {
        c = Long.compareUnsigned(low[mid], l);
      }
      if (c <= 0) {
        last = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    int node = last;
    while (node >= 0 && (length[node] > maxLength || !contains(node, h, l))) {
      node = parent[node];
    }
    return node < 0 ? -1 : chainMin[node];
  }
}
