package io.fsctx.tools.cli;

import io.fsctx.examples.ctx.CtxLog;
import io.fsctx.nt.BugCheckException;
import io.fsctx.tools.replay.ProgressReporter;
import io.fsctx.tools.replay.ReplayEngine;
import io.fsctx.tools.replay.ReplayFilter;
import io.fsctx.tools.replay.ReplaySummary;
import io.fsctx.tools.replay.StackReplayTarget;
import io.fsctx.tools.replay.TraceFormatException;
import io.fsctx.tools.replay.TraceRowException;
import io.fsctx.tools.replay.TraceSource;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.tools.report.ContextRecorder;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fsctx replay}: replays a Process Monitor capture through a minifilter and a model file
 * system as {@code spec/replay.md} specifies, and prints the summary: for a person by default, or
 * exactly one JSON object with {@code --json}. Nothing but the summary ever goes to standard
 * output; the filter's log (off by default) and the progress bar (only when there is a terminal)
 * go to standard error.
 *
 * <p>A trace file is read twice (validated, then replayed). Standard input ({@code -}) and other
 * files that cannot be read twice (a pipe, {@code <(zcat t.csv.gz)}) are streamed once, with no
 * copy on disk, so nothing is left behind whatever ends the process.
 *
 * <p>The file system is a bundled model ({@code --fs}, closing immediately as the contract's
 * lifetimes say) or the user's own ({@code --fs-class NAME [--classpath PATH]}, one instance per
 * drive letter, with its own close policy), each wrapped in a {@link
 * io.fsctx.tools.replay.TraceAnsweringFileSystem}.
 *
 * <p>Exit status ({@link ExitStatus}): 0 when the replay completed and no context leaked; 1 when
 * contexts leaked or the filter bug-checked (naming the line); 2 when the argument is unusable
 * (the {@code --fs-class} class or its {@code --classpath} included) or the trace is malformed or
 * unreadable ({@code fsctx replay: TRACE: line N: what} on standard error, nothing on standard
 * output); 3 for an internal error, also naming the line.
 *
 * <p>Thread safety: confined to the thread picocli runs it on.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Replay a Process Monitor capture through a minifilter and print what happened to contexts.",
      "Reads a Process Monitor CSV export (UTF-8 or UTF-16, optionally gzip or zlib compressed; '-'"
          + " streams standard input) and sends every file-system row through a minifilter to a"
          + " file system (a bundled model or your own, --fs-class) that answers as the trace says,"
          + " then prints the summary of spec/replay.md. Rows whose names are too long for a"
          + " UNICODE_STRING are skipped and counted."
    })
public final class ReplayCommand implements Callable<Integer> {
  /** What {@code -} is called in messages. */
  static final String STDIN_NAME = "standard input";

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print exactly one JSON object instead of the text summary.")
  boolean json;

  @Option(
      names = "--filter",
      paramLabel = "FILTER",
      converter = FilterConverter.class,
      completionCandidates = FilterNames.class,
      description = "Minifilter to attach: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
      defaultValue = "ctx")
  ReplayFilter filter = ReplayFilter.CTX;

  @Mixin FileSystemOptions fileSystem = new FileSystemOptions();

  @Option(
      names = "--debug-level",
      paramLabel = "LEVEL",
      description =
          "CTX DebugLevel mask for lines printed on standard error (as for 'fsctx run');"
              + " default: ${DEFAULT-VALUE}, nothing.",
      defaultValue = "none")
  String debugLevel = "none";

  @Mixin HtmlOption html = new HtmlOption();

  @Parameters(index = "0", paramLabel = "TRACE", description = "The trace file, or '-' for standard input.")
  String trace = "";

  @Override
  public Integer call() {
    Invocation invocation = Invocation.of(spec);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = invocation.err();
    int level;
    try {
      level = CtxLog.parseLevel(debugLevel);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Invalid value for option '--debug-level': " + e.getMessage());
    }
    String name = trace.equals("-") ? STDIN_NAME : trace;
    Supplier<FileSystemDriver> fileSystems;
    try {
      // The bundled models free a stream at its last close, as the contract's lifetimes say.
      fileSystems = fileSystem.fileSystems(ClosePolicy.IMMEDIATE, invocation);
    } catch (UserFileSystemLoader.UnusableException e) {
      return FileSystemOptions.refuse(spec.commandLine(), e);
    }
    if (!html.start(spec, ContextRecorder.Axis.TRACE_ROW)) {
      return ExitStatus.OUTPUT;
    }
    try {
      TraceSource source = source(invocation);
      StackReplayTarget target =
          new StackReplayTarget(fileSystems, filter, level, err::println);
      target.filterManager().addListener(html.observer());
      ReplaySummary summary =
          new ReplayEngine(html.progress(ProgressReporter.forTerminal(invocation.errStream())))
              .replay(source, target);
      if (json) {
        out.println(summary.toJson());
      } else {
        out.print(summary.toText());
      }
      return html.finish(
          spec,
          summary.leakedContexts() == 0 ? ExitStatus.OK : ExitStatus.FOUND,
          rec -> Reports.replay(HtmlOption.title(spec), rec, summary, target.filterManager().liveContexts()));
    } catch (BadTrace e) {
      err.println("fsctx replay: " + (e.namesTrace ? name + ": " : "") + e.getMessage());
      err.flush();
      return ExitStatus.BAD_INPUT;
    } catch (TraceFormatException e) {
      return fail(err, name, e.getMessage(), ExitStatus.BAD_INPUT);
    } catch (TraceRowException e) {
      Throwable cause = e.getCause();
      String at = "fsctx replay: " + name + ": line " + e.line();
      if (cause instanceof BugCheckException) {
        return fail(err, name, "line " + e.line() + ": the filter bug-checked: "
            + Failures.text(cause.getMessage(), cause.toString()), ExitStatus.FOUND);
      }
      return invocation.report(cause == null ? e : cause, at);
    } catch (IOException e) {
      return fail(err, name, readError(e), ExitStatus.BAD_INPUT);
    } catch (UncheckedIOException e) {
      return fail(err, name, readError(e.getCause()), ExitStatus.BAD_INPUT);
    }
  }

  /**
   * The trace the argument names: a file read twice when it is a regular file, a stream read
   * once when it is standard input ({@code -}) or a file that cannot be read twice (a pipe, a
   * device).
   */
  private TraceSource source(Invocation invocation) throws IOException, BadTrace {
    if (trace.isEmpty()) {
      throw new BadTrace(false, "the TRACE argument is empty: give a trace file, or '-' for standard input");
    }
    if (trace.equals("-")) {
      if (invocation.stdinClosed()) {
        throw new BadTrace(false, "standard input is closed: give a trace file, or pipe a trace in");
      }
      return TraceSource.stream(STDIN_NAME, new KeepOpen(invocation.stdin()));
    }
    Path path;
    try {
      path = Path.of(trace);
    } catch (InvalidPathException e) {
      throw new BadTrace(true, "not a valid file name: " + e.getReason());
    }
    if (Files.isDirectory(path)) {
      throw new BadTrace(true, "is a directory, not a trace file");
    }
    if (Files.isRegularFile(path) || !Files.exists(path)) {
      return TraceSource.of(path); // a missing file is reported when it is opened
    }
    // A pipe or a device: FileInputStream, since a channel's stream would try to seek it.
    return TraceSource.stream(trace, new FileInputStream(path.toFile()));
  }

  /** The reason a trace could not be read, without Java's exception names. */
  private static String readError(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return "cannot read: " + f.getReason();
    }
    return "cannot read: " + Failures.text(e.getMessage(), e.getClass().getSimpleName());
  }

  private static int fail(PrintWriter err, String name, String message, int status) {
    err.println("fsctx replay: " + name + ": " + message);
    err.flush();
    return status;
  }

  /** The TRACE argument is unusable (empty, a directory, a closed standard input). */
  private static final class BadTrace extends Exception {
    private static final long serialVersionUID = 1L;

    /** Whether the message follows the trace's name (not when the name is empty or stdin's). */
    final boolean namesTrace;

    BadTrace(boolean namesTrace, String message) {
      super(message);
      this.namesTrace = namesTrace;
    }
  }

  /** Standard input belongs to the process: the replay reads it to its end but does not close it. */
  private static final class KeepOpen extends FilterInputStream {
    KeepOpen(InputStream in) {
      super(in);
    }

    @Override
    public void close() {
      // The descriptor stays open; the process ends soon anyway.
    }
  }

  /** picocli converter for {@code --filter}: {@code ctx}, {@code walkthrough}, {@code leaky}, {@code none}. */
  static final class FilterConverter implements CommandLine.ITypeConverter<ReplayFilter> {
    @Override
    public ReplayFilter convert(String value) {
      try {
        return ReplayFilter.fromCliName(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** picocli completion candidates for {@code --filter}. */
  static final class FilterNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return List.of("ctx", "walkthrough", "leaky", "none").iterator();
    }
  }
}
