package dev.portcullis.sync;

import java.util.Objects;

/**
 * One instance of each value: {@link #intern} returns the instance it already holds that equals the
 * one given, or keeps and returns the one given. For the operator's caches, where thousands of
 * resources hold equal immutable values (the same rule in many groups), so that they hold one.
 *
 * <p>A set in one array (open addressing, at most half full): a slot costs 4 or 8 bytes where a
 * {@code HashMap} entry costs about 40, which matters when the set holds about as many values as
 * the cache saves. It holds its values strongly, so its owner makes a new one from time to time
 * from what is still in use. Not thread-safe.
 */
public final class Canon<T> {
  private Object[] table = new Object[16];
  private int size;

  /**
   * The instance equal to {@code value} that this set holds, after adding {@code value} if none.
   */
  @SuppressWarnings("unchecked")
  public T intern(T value) {
    Objects.requireNonNull(value);
    int mask = table.length - 1;
    int i = slot(value, mask);
    for (Object held; (held = table[i]) != null; i = (i + 1) & mask) {
      if (held.equals(value)) {
        return (T) held;
      }
    }
    table[i] = value;
    if (++size * 2 > table.length) {
      grow();
    }
    return value;
  }

  /** How many distinct values the set holds. */
  public int size() {
    return size;
  }

  private static int slot(Object value, int mask) {
    int h = value.hashCode();
    return (h ^ (h >>> 16)) & mask;
  }

  private void grow() {
    Object[] old = table;
    table = new Object[old.length * 2];
    int mask = table.length - 1;
    for (Object v : old) {
      if (v != null) {
        int i = slot(v, mask);
        while (table[i] != null) {
          i = (i + 1) & mask;
        }
        table[i] = v;
      }
    }
  }
}
