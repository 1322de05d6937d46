package dev.portcullis.engine.eval;

import java.util.List;

/**
 * Ids to their positions in a list, in flat arrays: a lookup reads the id's cached hash, one slot
 * of keys and one of values, where a {@code HashMap<String, Integer>} also reads a node and a boxed
 * value, each a likely cache miss when ids come at random.
 */
final class IdTable {
  private final String[] keys;
  private final int[] values;
  private final int mask;

  /** Positions of the ids; an id listed twice gets its last position. */
  IdTable(List<String> ids) {
    int capacity = Integer.highestOneBit(Math.max(4, ids.size() * 2 - 1)) * 2;
    keys = new String[capacity];
    values = new int[capacity];
    mask = capacity - 1;
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      int slot = slot(id);
      while (keys[slot] != null && !keys[slot].equals(id)) {
        slot = (slot + 1) & mask;
      }
      keys[slot] = id;
      values[slot] = i;
    }
  }

  private int slot(String id) {
    int h = id.hashCode() * 0x9E3779B1;
    return (h ^ (h >>> 16)) & mask;
  }

  /** The position of an id, or -1. */
  int get(String id) {
    int slot = slot(id);
    while (true) {
      String key = keys[slot];
      if (key == null) {
        return -1;
      }
      if (key == id || key.equals(id)) {
        return values[slot];
      }
      slot = (slot + 1) & mask;
    }
  }
}
