package io.fsctx.tools.cli;

import io.fsctx.fltmgr.ContextEvent;
import io.fsctx.fltmgr.ContextEventListener;
import io.fsctx.tools.replay.ProgressListener;
import io.fsctx.tools.report.ContextRecorder;
import io.fsctx.tools.report.HtmlReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --html FILE}, shared by {@code run}, {@code walkthrough}, {@code replay} and {@code
 * check-fs} (a picocli mixin): records the run's context events and, when the command completes
 * (status 0 or 1), writes one self-contained HTML report ({@link HtmlReport}).
 *
 * <p>The report is output like standard output and follows the same rules ({@link ExitStatus}):
 * when it cannot be written (its directory is missing, it is a directory, the disk is full) the
 * command says so in one line on standard error and exits {@link ExitStatus#OUTPUT}, which
 * replaces 0 and 1, and standard output stays empty. What can be checked before the run (the
 * directory exists, the name is not a directory) is checked first, so a long replay is not run
 * for a report that cannot be written. A partly written file is deleted. A command that does not
 * complete (a usage error, a bug check, an internal error) writes no report.
 *
 * <p>Thread safety: confined to the command's thread.
 */
final class HtmlOption {
  /**
   * The observer without {@code --html}: it asks for no kind of event, so the Filter Manager
   * builds none (round 8 of issue 14: a listener taking every kind made each get, set, release
   * and free of a replay format the context's and instance's names for an event nobody read, a
   * twentieth of the 10⁶-row replay's allocation).
   */
  private static final ContextEventListener IGNORE = new ContextEventListener() {
    @Override
    public void onEvent(ContextEvent event) {}

    @Override
    public Set<ContextEvent.Kind> kinds() {
      return EnumSet.noneOf(ContextEvent.Kind.class);
    }
  };

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description =
          "Also write a self-contained HTML report of every context's life to FILE: a timeline,"
              + " filters and search, each context's history, leaks highlighted (opens offline).")
  @Nullable Path file;

  private @Nullable ContextRecorder recorder;

  /** Whether a report was asked for. */
  boolean requested() {
    return file != null;
  }

  /**
   * Checks, before the run, that the report can be written where asked, and starts recording.
   *
   * @param spec the command
   * @param axis what the report's positions count
   * @return false after reporting on standard error that it cannot (the command then returns
   *     {@link ExitStatus#OUTPUT})
   */
  boolean start(CommandSpec spec, ContextRecorder.Axis axis) {
    Path f = file;
    if (f == null) {
      return true;
    }
    Path dir = f.toAbsolutePath().getParent();
    String problem =
        Files.isDirectory(f)
            ? "is a directory"
            : dir != null && !Files.isDirectory(dir) ? "no such directory: " + dir : null;
    if (problem != null) {
      complain(spec, f + ": " + problem);
      return false;
    }
    recorder = new ContextRecorder(axis);
    return true;
  }

  /** The listener to register on the run's Filter Manager: the recorder, or one that ignores events. */
  ContextEventListener observer() {
    ContextRecorder r = recorder;
    return r == null ? IGNORE : r;
  }

  /** A replay's progress listener that also tells the recorder the row being replayed. */
  ProgressListener progress(ProgressListener delegate) {
    ContextRecorder r = recorder;
    return r == null ? delegate : r.trackRows(delegate);
  }

  /**
   * Writes the report, when one was asked for and the command completed.
   *
   * @param spec the command
   * @param status the command's status so far
   * @param report makes the report from the recorder
   * @return {@code status}, or {@link ExitStatus#OUTPUT} when the report could not be written
   */
  int finish(CommandSpec spec, int status, Function<ContextRecorder, HtmlReport> report) {
    ContextRecorder r = recorder;
    Path f = file;
    if (r == null || f == null || (status != ExitStatus.OK && status != ExitStatus.FOUND)) {
      return status;
    }
    try {
      report.apply(r).writeTo(f);
      return status;
    } catch (IOException e) {
      complain(spec, f + ": " + reason(e));
      return ExitStatus.OUTPUT;
    }
  }

  /** {@code fsctx replay --html r.html trace.csv}: the command line, for the report's title. */
  static String title(CommandSpec spec) {
    StringBuilder sb = new StringBuilder("fsctx");
    for (String a : spec.commandLine().getParseResult().originalArgs()) {
      sb.append(' ').append(a);
    }
    return sb.toString();
  }

  private static void complain(CommandSpec spec, String what) {
    PrintWriter err = Invocation.of(spec).err();
    err.println(spec.qualifiedName() + ": cannot write the HTML report " + what);
    err.flush();
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return Failures.text(e.getMessage(), e.getClass().getSimpleName());
  }
}
