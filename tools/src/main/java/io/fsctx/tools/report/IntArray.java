package io.fsctx.tools.report;

import com.google.common.base.Preconditions;
import java.util.Arrays;

/**
 * A growable array of {@code int}s: the recorder keeps millions of events, and boxed lists would
 * cost five times the memory.
 *
 * <p>Thread safety: not safe for concurrent use; the recorder guards its arrays with its lock.
 */
final class IntArray {
  private int[] values;
  private int size;

  IntArray() {
    this.values = new int[64];
  }

  /** Appends a value and returns its index. */
  int add(int value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, values.length + (values.length >> 1));
    }
    values[size] = value;
    return size++;
  }

  int get(int index) {
    Preconditions.checkElementIndex(index, size, "index");
    return values[index];
  }

  void set(int index, int value) {
    Preconditions.checkElementIndex(index, size, "index");
    values[index] = value;
  }

  /** The first {@code n} values, copied. */
  int[] toArray(int n) {
    Preconditions.checkPositionIndex(n, size, "n");
    return Arrays.copyOf(values, n);
  }

  int size() {
    return size;
  }
}
