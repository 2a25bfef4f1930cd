package io.fsctx.examples.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code DbgPrint} behind a sample's trace macro ({@code CG_DBG_PRINT}, {@code LOG_PRINT}, …): a
 * line is written when its flag is in the sample's mask (its {@code gTraceFlags} / {@code
 * LoggingFlags}); every written line is kept, and passed to a sink (the command line prints them).
 *
 * <p>Thread safety: safe for concurrent use; lines are kept in the order they were written.
 */
public final class DbgPrint {
  private final int mask;
  private final Consumer<String> sink;
  private final List<String> lines = new ArrayList<>();

  /**
   * Creates the output.
   *
   * @param mask the flags whose lines are written
   * @param sink receives each written line
   */
  public DbgPrint(int mask, Consumer<String> sink) {
    this.mask = mask;
    this.sink = sink;
  }

  /** The mask. */
  public int mask() {
    return mask;
  }

  /**
   * Writes a line when {@code flag} is in the mask.
   *
   * @param flag the line's category
   * @param format a {@link String#format} pattern
   * @param args its arguments
   */
  public void print(int flag, String format, Object... args) {
    if ((mask & flag) != 0) {
      print(format, args);
    }
  }

  /**
   * Writes a line unconditionally (a plain {@code DbgPrint}).
   *
   * @param format a {@link String#format} pattern
   * @param args its arguments
   */
  public void print(String format, Object... args) {
    String line = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
    synchronized (lines) {
      lines.add(line);
    }
    sink.accept(line);
  }

  /** Every line written so far (a copy). */
  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** Whether a written line contains {@code text}. */
  public boolean contains(String text) {
    synchronized (lines) {
      for (String l : lines) {
        if (l.contains(text)) {
          return true;
        }
      }
      return false;
    }
  }
}
