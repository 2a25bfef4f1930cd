package io.fsctx.tools.replay;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Draws a progress bar on standard error while a long trace is replayed, redrawing at most ten
 * times a second, and erases it at the end so the summary stands alone. Use {@link
 * #forTerminal}, which draws only when the process has a terminal ({@link System#console()} is not
 * null), so redirected or piped runs get no control characters. When the number of rows is not
 * known in advance (a trace read once from standard input) it counts the rows instead.
 *
 * <p>Thread safety: confined to the replay thread.
 */
public final class ProgressReporter implements ProgressListener {
  static final long MIN_INTERVAL_NANOS = 100_000_000L;
  private static final int WIDTH = 30;

  private final PrintStream err;
  private final LongSupplier nanoClock;
  private long total;
  private long lastDraw;
  private boolean drawn;
  private int draws;

  ProgressReporter(PrintStream err, LongSupplier nanoClock) {
    this.err = err;
    this.nanoClock = nanoClock;
  }

  /**
   * A reporter on {@code err} (the process's standard error) when there is a terminal, otherwise
   * {@link ProgressListener#NONE}.
   *
   * <p>Java 17 cannot ask whether standard error alone is a terminal; {@link System#console()} is
   * non-null only when the process is attached to one (standard input and output not
   * redirected), which errs towards drawing nothing. On JDK 22 and newer it would need {@code
   * Console.isTerminal()}.
   *
   * @param err standard error; the caller keeps it
   * @return the listener to pass to the engine
   */
  @SuppressWarnings("SystemConsoleNull") // Java 17 target: null is exactly "no terminal" here.
  public static ProgressListener forTerminal(PrintStream err) {
    return System.console() != null
        ? new ProgressReporter(err, System::nanoTime)
        : ProgressListener.NONE;
  }

  @Override
  public void started(long totalRows) {
    this.total = totalRows;
    this.lastDraw = nanoClock.getAsLong() - MIN_INTERVAL_NANOS;
  }

  @Override
  public void advanced(long doneRows) {
    long now = nanoClock.getAsLong();
    if (now - lastDraw < MIN_INTERVAL_NANOS) {
      return;
    }
    lastDraw = now;
    draw(doneRows);
  }

  private void draw(long done) {
    if (total < 0) {
      err.print(String.format(Locale.ROOT, "\r%,d rows", done));
      err.flush();
      drawn = true;
      draws++;
      return;
    }
    int filled = total <= 0 ? WIDTH : (int) Math.min(WIDTH, done * WIDTH / total);
    long percent = total <= 0 ? 100 : Math.min(100, done * 100 / total);
    StringBuilder b = new StringBuilder(WIDTH + 40).append("\r[");
    for (int i = 0; i < WIDTH; i++) {
      b.append(i < filled ? '#' : ' ');
    }
    b.append(String.format(Locale.ROOT, "] %3d%% %,d/%,d rows", percent, done, total));
    err.print(b);
    err.flush();
    drawn = true;
    draws++;
  }

  @Override
  public void finished() {
    if (drawn) {
      err.print("\r" + " ".repeat(WIDTH + 40) + "\r");
      err.flush();
      drawn = false;
    }
  }

  /** How many times the bar was drawn (for tests). */
  int draws() {
    return draws;
  }
}
