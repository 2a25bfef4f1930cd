package io.fsctx.tools.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * One run of the command line, as its commands see it: standard input, the checked standard
 * error (as a writer for messages and as a stream for the progress bar), whether stack traces
 * were asked for, and the user's code once a command has loaded some. Commands reach it through
 * their {@code @Spec} ({@link #of}).
 *
 * <p>Thread safety: confined to the run's thread.
 */
final class Invocation {
  private final Stdio stdio;
  private final PrintWriter err;
  private final PrintStream errStream;
  private boolean stackTrace;
  private boolean failureReported;
  private @Nullable UserCode userCode;
  private boolean outputComplete;

  Invocation(Stdio stdio, PrintWriter err, PrintStream errStream) {
    this.stdio = stdio;
    this.err = err;
    this.errStream = errStream;
    this.stackTrace = stdio.stackTraceRequested();
  }

  /** The invocation of the {@code fsctx} command that {@code spec} belongs to. */
  static Invocation of(CommandSpec spec) {
    return ((FsctxCommand) spec.root().userObject()).invocation();
  }

  /** Standard input; never to be closed by the command. */
  InputStream stdin() {
    return stdio.in();
  }

  /** Whether standard input was closed by the parent process. */
  boolean stdinClosed() {
    return stdio.inState() == Stdio.State.CLOSED;
  }

  /** Standard error as a byte stream (the progress bar); shares the checked stream with {@link #err()}. */
  PrintStream errStream() {
    return errStream;
  }

  /** Standard error for messages; autoflushed on each line. */
  PrintWriter err() {
    return err;
  }

  /** {@code --stacktrace} given (on any command). */
  void requestStackTrace() {
    stackTrace = true;
  }

  /** Whether stack traces are printed. */
  boolean stackTrace() {
    return stackTrace;
  }

  /**
   * Whether the command ended by throwing (reported by {@link #report}): then what it wrote to
   * standard output is incomplete and is not delivered, whatever the status (a bug check is 1).
   */
  boolean failureReported() {
    return failureReported;
  }

  /** The user's code the command loaded, or null: for classifying a failure ({@link Failures#classify}). */
  @Nullable UserCode userCode() {
    return userCode;
  }

  /**
   * Says that what the command wrote to standard output is complete whatever its status: a replay
   * of several traces prints every trace's outcome and the total even when one trace was bad
   * input (status 2) or hit an internal error (3).
   */
  void outputCompleteWhateverTheStatus() {
    outputComplete = true;
  }

  /** Whether standard output is delivered with any status ({@link #outputCompleteWhateverTheStatus}). */
  boolean outputComplete() {
    return outputComplete && !failureReported;
  }

  /** Records that the command loaded the user's class {@code className}. */
  void userCode(UserCode code) {
    this.userCode = code;
  }

  /**
   * Reports a failure on standard error as one line (plus the stack trace when asked for) and
   * returns its exit status.
   *
   * @param t what was thrown
   * @param command {@code fsctx replay}, for the message's prefix
   * @return the exit status ({@link Failures#classify})
   */
  int report(Throwable t, String command) {
    failureReported = true;
    Failures.Failure f = Failures.classify(t, userCode);
    String hint = f.showHint() && !stackTrace ? " (--stacktrace shows the stack trace)" : "";
    err.println(command + ": " + f.message() + hint);
    if (stackTrace) {
      t.printStackTrace(err);
    }
    err.flush();
    return f.status();
  }
}
