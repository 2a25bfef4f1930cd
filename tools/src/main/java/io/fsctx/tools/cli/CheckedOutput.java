package io.fsctx.tools.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A standard stream whose every write is checked: the first failure is kept (and later writes
 * are dropped, so a closed pipe is not written to again and again), and the command line turns
 * it into {@link ExitStatus#OUTPUT} or {@link ExitStatus#CLOSED_PIPE} at the end. It never
 * throws: the writers above it ({@code PrintWriter}, {@code PrintStream}) would swallow the
 * exception anyway, which is how a full disk used to exit 0.
 *
 * <p>A stream whose descriptor was closed by the parent is never written: its descriptor may
 * have been reused for one of the JVM's own files.
 *
 * <p>Thread safety: confined to the run's thread.
 */
final class CheckedOutput extends OutputStream {
  private final OutputStream target;
  private final String name;
  private final Stdio.State state;
  private @Nullable IOException failure;
  private boolean closedWritten;

  /**
   * Wraps a standard stream.
   *
   * @param target the stream; not closed by this
   * @param name {@code standard output} or {@code standard error}, for messages
   * @param state what the descriptor is
   */
  CheckedOutput(OutputStream target, String name, Stdio.State state) {
    this.target = target;
    this.name = name;
    this.state = state;
  }

  @Override
  public void write(int b) {
    if (usable()) {
      try {
        target.write(b);
      } catch (IOException e) {
        failure = e;
      }
    }
  }

  @Override
  public void write(byte[] b, int off, int len) {
    if (len > 0 && usable()) {
      try {
        target.write(b, off, len);
      } catch (IOException e) {
        failure = e;
      }
    }
  }

  @Override
  public void flush() {
    if (failure == null && state != Stdio.State.CLOSED) {
      try {
        target.flush();
      } catch (IOException e) {
        failure = e;
      }
    }
  }

  /** Does not close the process's descriptor; flushes. */
  @Override
  public void close() {
    flush();
  }

  private boolean usable() {
    if (state == Stdio.State.CLOSED) {
      closedWritten = true;
      return false;
    }
    return failure == null;
  }

  /** Whether some output was lost. */
  boolean failed() {
    return failure != null || closedWritten;
  }

  /**
   * Whether the loss is a closed pipe: the stream is a pipe, or the error is {@code EPIPE}
   * ("Broken pipe"); then the policy is to end quietly.
   */
  boolean closedPipe() {
    IOException f = failure;
    if (f == null) {
      return false;
    }
    String m = f.getMessage();
    return state == Stdio.State.PIPE
        || (m != null && m.toLowerCase(Locale.ROOT).contains("broken pipe"));
  }

  /** One line saying what was lost, for standard error. */
  String describe() {
    IOException f = failure;
    if (f == null) {
      return name + " is closed";
    }
    String m = f.getMessage();
    return "cannot write " + name + ": " + (m == null || m.isBlank() ? f.getClass().getSimpleName() : m);
  }
}
