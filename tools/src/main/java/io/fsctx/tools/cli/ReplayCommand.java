package io.fsctx.tools.cli;

import io.fsctx.examples.ctx.CtxLog;
import io.fsctx.tools.replay.ProgressListener;
import io.fsctx.tools.replay.ProgressReporter;
import io.fsctx.tools.replay.ReplayEngine;
import io.fsctx.tools.replay.ReplayFilter;
import io.fsctx.tools.replay.ReplaySummary;
import io.fsctx.tools.replay.StackReplayTarget;
import io.fsctx.tools.replay.TraceFormatException;
import io.fsctx.tools.replay.TraceSource;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.nt.BugCheckException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * <p>The file system is a bundled model ({@code --fs}, closing immediately as the contract's
 * lifetimes say) or the user's own ({@code --fs-class NAME [--classpath PATH]}, one instance per
 * drive letter, with its own close policy), each wrapped in a {@link
 * io.fsctx.tools.replay.TraceAnsweringFileSystem}.
 *
 * <p>Exit status: 0 when the replay completed and no context leaked; 1 when contexts leaked; 2
 * when the trace is malformed or cannot be read (a message {@code fsctx replay: TRACE: line N:
 * what} on standard error, nothing on standard output) or the {@code --fs-class} class or its
 * {@code --classpath} cannot be used (a message {@code fsctx replay: --fs-class: what}); 3 when
 * the filter bug-checked.
 *
 * <p>Thread safety: confined to the thread picocli runs it on.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Replay a Process Monitor CSV export (optionally gzip or zlib compressed; '-'",
      "reads standard input) through a minifilter and a file system (a model or",
      "your own) that answers every request as the trace says, then print the",
      "summary of spec/replay.md. Exit status 0 only when no context leaked."
    })
public final class ReplayCommand implements Callable<Integer> {
  /** Exit status when the trace is malformed or unreadable. */
  public static final int EXIT_BAD_INPUT = 2;
  /** Exit status when the filter bug-checked during the replay. */
  public static final int EXIT_BUG_CHECK = 3;

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
      description = {
        "CTX DebugLevel mask for lines printed on standard error (as for 'fsctx run');",
        "default: ${DEFAULT-VALUE}, nothing."
      },
      defaultValue = "none")
  String debugLevel = "none";

  @Parameters(index = "0", paramLabel = "TRACE", description = "The trace file, or '-' for standard input.")
  String trace = "";

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int level;
    try {
      level = CtxLog.parseLevel(debugLevel);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Invalid value for option '--debug-level': " + e.getMessage());
    }
    Supplier<FileSystemDriver> fileSystems;
    try {
      // The bundled models free a stream at its last close, as the contract's lifetimes say.
      fileSystems = fileSystem.fileSystems(ClosePolicy.IMMEDIATE);
    } catch (UserFileSystemLoader.UnusableException e) {
      return FileSystemOptions.refuse(spec.commandLine(), e);
    }
    Path temp = null;
    try {
      TraceSource source;
      if (trace.equals("-")) {
        temp = Files.createTempFile("fsctx-replay-", ".trace");
        try (InputStream in = System.in) {
          Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
        }
        source = TraceSource.of(temp);
      } else {
        source = TraceSource.of(Path.of(trace));
      }
      ProgressListener progress = ProgressReporter.forStderr();
      StackReplayTarget target =
          new StackReplayTarget(fileSystems, filter, level, line -> err.println(line));
      ReplaySummary summary = new ReplayEngine(progress).replay(source, target);
      err.flush();
      if (json) {
        out.println(summary.toJson());
      } else {
        out.print(summary.toText());
      }
      out.flush();
      return summary.leakedContexts() == 0 ? 0 : 1;
    } catch (TraceFormatException e) {
      return fail(err, e.getMessage(), EXIT_BAD_INPUT);
    } catch (NoSuchFileException e) {
      return fail(err, "no such file", EXIT_BAD_INPUT);
    } catch (IOException e) {
      return fail(err, "cannot read: " + e.getMessage(), EXIT_BAD_INPUT);
    } catch (BugCheckException e) {
      return fail(err, "the filter bug-checked: " + e.getMessage(), EXIT_BUG_CHECK);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          err.println("fsctx replay: could not delete " + temp + ": " + e.getMessage());
        }
      }
    }
  }

  private int fail(PrintWriter err, String message, int status) {
    err.println("fsctx replay: " + trace + ": " + message);
    err.flush();
    return status;
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
