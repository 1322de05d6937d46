package dev.portcullis.engine.eval;

import java.util.Arrays;

/** A growable int array, for building the evaluator's blocks. */
final class IntList {
  int[] values = new int[1024];
  private int size;

  void add(int v) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = v;
  }

  int size() {
    return size;
  }
}
