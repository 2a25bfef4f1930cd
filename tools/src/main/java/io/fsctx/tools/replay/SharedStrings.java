package io.fsctx.tools.replay;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The strings of recently read field values, found again by their bytes: a trace repeats most of
 * its values (a process name, an operation, a result, a detail such as {@code Offset: 0, Length:
 * 4,096}, and each path on every row about the file), so a record's field becomes the string made
 * for the same bytes before instead of a new one. Issue 14: on a 10⁶-row synthetic trace the
 * parser's strings were the largest share of what a replay allocated; a shared string also keeps
 * its hash code, so the replay's maps do not hash the same path again on every row.
 *
 * <p>The table is direct-mapped (a slot per hash, the newest value wins), so it holds at most
 * {@link #SLOTS} values of at most {@link #LONGEST} bytes each: a bound on memory however long the
 * trace. A value is looked up by its exact bytes, so a hash collision only costs a new string.
 *
 * <p>Thread safety: none; confined to the parser that owns it.
 */
final class SharedStrings {
  /** Slots in the table, a power of two. */
  static final int SLOTS = 1 << 13;
  /** Longer values are made anew every time: they rarely repeat, and would hold memory. */
  static final int LONGEST = 512;

  private static final long MIX = 0x9E3779B97F4A7C15L;

  private final byte[][] keys = new byte[SLOTS][];
  private final String[] values = new String[SLOTS];
  /**
   * The last array looked up in, read as little-endian words (a heap buffer rather than a view
   * {@code VarHandle}, for the reason {@link Utf8CsvRecords} gives); the parser passes the same
   * array until it grows it.
   */
  private ByteBuffer words = ByteBuffer.allocate(0);

  /**
   * The string of {@code buf[from, to)}: the one made earlier for the same bytes when the table
   * still holds it, else a new one (then remembered).
   *
   * @param ascii whether every byte is ASCII (then a byte is a character), else the bytes are UTF-8
   */
  String of(byte[] buf, int from, int to, boolean ascii) {
    int length = to - from;
    if (length > LONGEST) {
      return make(buf, from, to, ascii);
    }
    ByteBuffer w = words;
    if (w.array() != buf) {
      w = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
      words = w;
    }
    int slot = slot(w, buf, from, to);
    byte @Nullable [] key = keys[slot];
    if (key != null && Arrays.equals(key, 0, key.length, buf, from, to)) {
      return values[slot];
    }
    String made = make(buf, from, to, ascii);
    keys[slot] = Arrays.copyOfRange(buf, from, to);
    values[slot] = made;
    return made;
  }

  private static String make(byte[] buf, int from, int to, boolean ascii) {
    return new String(buf, from, to - from, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
  }

  /** A slot from every byte of the value, eight at a time. */
  private static int slot(ByteBuffer words, byte[] buf, int from, int to) {
    long h = to - from;
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      h = (h ^ words.getLong(i)) * MIX;
    }
    for (; i < to; i++) {
      h = (h ^ buf[i]) * MIX;
    }
    return (int) (h >>> (Long.SIZE - Integer.numberOfTrailingZeros(SLOTS)));
  }
}
