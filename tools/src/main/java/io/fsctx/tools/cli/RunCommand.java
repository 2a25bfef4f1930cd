package io.fsctx.tools.cli;

import io.fsctx.examples.change.Change;
import io.fsctx.examples.change.ChangeWorkload;
import io.fsctx.examples.ctx.CtxLog;
import io.fsctx.examples.ctx.CtxWorkload;
import io.fsctx.examples.avscan.AvScanWorkload;
import io.fsctx.examples.leaky.LeakyWorkload;
import io.fsctx.examples.minispy.MiniSpyWorkload;
import io.fsctx.examples.scanner.ScannerWorkload;
import io.fsctx.examples.support.DbgPrint;
import io.fsctx.examples.support.SampleRun;
import io.fsctx.examples.swapbuffers.SwapBuffers;
import io.fsctx.examples.swapbuffers.SwapBuffersWorkload;
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.tools.report.ContextRecorder;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fsctx run}: mounts a volume of a model file system (or the user's own, {@code --fs-class}),
 * loads the CTX port, runs the built-in workload, prints
 * CTX's log at the chosen debug level and then the report. Exit status 0 only when no context
 * leaked. {@code --filter} chooses another filter: the deliberately leaky one, or the ports of the
 * change, swapBuffers, scanner and minispy samples, each on its own workload; {@code --provoke}
 * reaches a sample's known defect where its port keeps one.
 *
 * <p>The default debug level is {@link #DEFAULT_DEBUG_LEVEL} ({@code error,load_unload,instances}):
 * the sample's own default ({@code DEBUG_TRACE_ERROR}) plus the load/unload and instance lines, so
 * a run shows the filter's life and every refusal without the per-operation detail, which {@code
 * --debug-level all} adds.
 *
 * <p>Thread safety: confined to the thread picocli runs it on.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the CTX sample port on a model volume and report its contexts.",
      "Mounts a volume, attaches the CTX sample port, runs a workload that touches every CTX path,"
          + " and prints CTX's log and a report of allocated, freed and leaked contexts."
          + " --filter runs another sample port (change, swapbuffers, scanner, minispy) or the"
          + " leaky filter on its own workload instead."
          + " Exit status 0 only when nothing leaked and the verifier found nothing."
    })
public final class RunCommand implements Callable<Integer> {
  /** The CLI's default {@code DebugLevel}: ERROR | LOAD_UNLOAD | INSTANCES (0x7). */
  public static final String DEFAULT_DEBUG_LEVEL = "0x7";

  @Spec CommandSpec spec;

  @Mixin FileSystemOptions fileSystem = new FileSystemOptions();

  @Option(
      names = "--debug-level",
      paramLabel = "LEVEL",
      description =
          "CTX DebugLevel mask: a number (0x27, 39) or categories joined by ',' (error, load_unload,"
              + " instances, instance_context_operations, file_context_operations,"
              + " stream_context_operations, streamhandle_context_operations, all_io, all, none)."
              + " Default: ${DEFAULT-VALUE} (error,load_unload,instances; the sample itself defaults"
              + " to error).",
      defaultValue = DEFAULT_DEBUG_LEVEL)
  String debugLevel = DEFAULT_DEBUG_LEVEL;

  @Option(names = "--steps", description = "Also print each workload step as it completes.")
  boolean steps;

  /** Which filter {@code run} loads. */
  enum FilterChoice {
    ctx,
    leaky,
    change,
    swapbuffers,
    scanner,
    minispy,
    avscan
  }

  @Option(
      names = "--filter",
      paramLabel = "FILTER",
      description =
          "The minifilter to run: ctx (the CTX sample port, default); leaky (a deliberately leaky"
              + " filter modelled on Windows-driver-samples issue 1360, run under the verifier: it"
              + " prints the leak report and exits 1); or the ports of the change, swapBuffers,"
              + " scanner and minispy samples (change, swapbuffers, scanner, minispy), each on a"
              + " workload that exercises it, printing its log and a report of its contexts; or"
              + " avscan (the context parts of the avscan sample, under the verifier)."
              + " Default: ${DEFAULT-VALUE}.",
      defaultValue = "ctx")
  FilterChoice filter = FilterChoice.ctx;

  /** A sample defect {@code --provoke} can reach, and the filter whose port keeps it. */
  enum Provocation {
    /** swapBuffers releases an unzeroed volume context when {@code FltGetVolumeProperties} fails. */
    VOLUME_QUERY_FAILURE(FilterChoice.swapbuffers),
    /** minispy's failed enlistment: the context is deleted and released (handled correctly). */
    ENLIST_FAILURE(FilterChoice.minispy),
    /** avscan's section context not released when {@code FltCreateSectionForDataScan} fails. */
    SECTION_LEAK(FilterChoice.avscan),
    /** avscan's extra stream-context reference in the transaction move (case 3). */
    TX_REFERENCE(FilterChoice.avscan);

    final FilterChoice filter;

    Provocation(FilterChoice filter) {
      this.filter = filter;
    }

    /** The name {@code --provoke} takes, such as {@code volume-query-failure}. */
    String cliName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  @Option(
      names = "--provoke",
      paramLabel = "DEFECT",
      description =
          "Drive a sample port down a path its workload does not take by itself:"
              + " volume-query-failure (with --filter swapbuffers: a volume whose names do not fit"
              + " in the sample's FltGetVolumeProperties buffer, so InstanceSetup releases a context"
              + " whose name was never initialised and its cleanup frees a wild pointer; the"
              + " verifier reports the bug check and the run exits 1) or enlist-failure (with"
              + " --filter minispy: its enlistments fail, so it deletes and releases the transaction"
              + " context; nothing leaks and the run exits 0), section-leak or tx-reference (with"
              + " --filter avscan: a section context not released when FltCreateSectionForDataScan"
              + " fails, or the extra stream-context reference of the transaction move, case 3; the"
              + " verifier reports it and the run exits 1). Underscores and any case are accepted.")
  @Nullable String provoke;

  @Mixin HtmlOption html = new HtmlOption();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Provocation provocation = provocation();
    if (filter != FilterChoice.ctx && spec.commandLine().getParseResult().hasMatchedOption("--debug-level")) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--debug-level is CTX's DebugLevel and applies to --filter ctx only");
    }
    Supplier<FileSystemDriver> fileSystems;
    try {
      // CTX's workload also exercises a model's delayed-close flush; the leak checks of the other
      // filters want immediate teardown. A user's class keeps its own policy.
      fileSystems = fileSystem.fileSystems(filter == FilterChoice.ctx ? ClosePolicy.DELAYED : ClosePolicy.IMMEDIATE, Invocation.of(spec));
    } catch (UserFileSystemLoader.UnusableException e) {
      return FileSystemOptions.refuse(spec.commandLine(), e);
    }
    switch (filter) {
      case leaky -> {
        return html.start(spec, ContextRecorder.Axis.EVENT) ? runLeaky(out, fileSystems.get()) : ExitStatus.OUTPUT;
      }
      case change, swapbuffers, scanner, minispy -> {
        return html.start(spec, ContextRecorder.Axis.EVENT) ? runPort(out, fileSystems, provocation) : ExitStatus.OUTPUT;
      }
      case ctx -> {
        // below
      }
    }
    if (filter == FilterChoice.avscan) {
      if (html.file != null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--html is not supported with --filter avscan yet");
      }
      return runAvScan(out, fileSystems.get(), provocation);
    }
    int level;
    try {
      level = CtxLog.parseLevel(debugLevel);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--debug-level': " + e.getMessage());
    }
    if (!html.start(spec, ContextRecorder.Axis.EVENT)) {
      return ExitStatus.OUTPUT;
    }
    CtxLog log = new CtxLog(level, out::println);
    CtxWorkload.Result r = CtxWorkload.run(fileSystems.get(), log, s -> {
      if (steps) {
        out.println("workload: " + s);
      }
    }, html.observer());
    out.println();
    out.print(r.report().format());
    out.flush();
    return html.finish(spec, r.report().clean() ? 0 : 1, rec -> Reports.run(HtmlOption.title(spec), rec, r.report()));
  }

  /** Parses {@code --provoke} and checks it goes with {@code --filter}; null when not given. */
  private @Nullable Provocation provocation() {
    if (provoke == null) {
      return null;
    }
    for (Provocation p : Provocation.values()) {
      if (p.cliName().equalsIgnoreCase(provoke.trim().replace('_', '-'))) {
        if (p.filter != filter) {
          throw new CommandLine.ParameterException(spec.commandLine(),
              "--provoke " + p.cliName() + " needs --filter " + p.filter + " (got --filter " + filter + ")");
        }
        return p;
      }
    }
    throw new CommandLine.ParameterException(spec.commandLine(),
        "Invalid value for option '--provoke': '" + provoke + "' (expected volume-query-failure, enlist-failure, section-leak or tx-reference)");
  }

  /** Runs one of the sample ports: its log as it goes, then the report; 1 unless clean. */
  private int runPort(PrintWriter out, Supplier<FileSystemDriver> fileSystems, @Nullable Provocation provocation) {
    Consumer<String> stepSink = s -> {
      if (steps) {
        out.println("workload: " + s);
      }
    };
    SampleRun.Result r = switch (filter) {
      case change -> ChangeWorkload.run(fileSystems.get(), new DbgPrint(Change.DEFAULT_TRACE_FLAGS, out::println),
          stepSink, html.observer());
      case swapbuffers -> SwapBuffersWorkload.run(fileSystems, new DbgPrint(SwapBuffers.LOGFL_ALL, out::println),
          provocation == Provocation.VOLUME_QUERY_FAILURE, stepSink, html.observer());
      case scanner -> ScannerWorkload.run(fileSystems, new DbgPrint(0, out::println), stepSink, html.observer());
      case minispy -> MiniSpyWorkload.run(fileSystems.get(), new DbgPrint(0, out::println),
          provocation == Provocation.ENLIST_FAILURE, stepSink, html.observer());
      default -> throw new IllegalStateException("not a sample port: " + filter);
    };
    out.println();
    out.print(r.format());
    out.flush();
    return html.finish(spec, r.clean() ? ExitStatus.OK : ExitStatus.FOUND, rec -> Reports.port(HtmlOption.title(spec), rec, r));
  }

  private int runAvScan(PrintWriter out, FileSystemDriver fs, @Nullable Provocation provocation) {
    AvScanWorkload.Provoke p = provocation == Provocation.SECTION_LEAK ? AvScanWorkload.Provoke.SECTION_LEAK
        : provocation == Provocation.TX_REFERENCE ? AvScanWorkload.Provoke.TX_REFERENCE : AvScanWorkload.Provoke.NONE;
    AvScanWorkload.Result r = AvScanWorkload.run(fs, p, s -> {
      if (steps) {
        out.println("workload: " + s);
      }
    }, e -> {});
    out.print(r.report().format());
    out.println("verifier findings: " + r.findings().size());
    for (VerifierFinding f : r.findings()) {
      out.println("  " + f.format());
    }
    for (String b : r.bugChecks()) {
      out.println("bug check: " + b);
    }
    out.flush();
    return r.clean() ? ExitStatus.OK : ExitStatus.FOUND;
  }

  private int runLeaky(PrintWriter out, FileSystemDriver fs) {
    LeakyWorkload.Result r = LeakyWorkload.run(fs, s -> {
      if (steps) {
        out.println("workload: " + s);
      }
    }, html.observer());
    out.print(r.report().format());
    out.println("verifier findings: " + r.findings().size());
    for (VerifierFinding f : r.findings()) {
      out.println("  " + f.format());
    }
    out.println("leaked contexts: " + r.report().leakedCount());
    out.flush();
    return html.finish(spec, r.clean() ? 0 : 1, rec -> Reports.leaky(HtmlOption.title(spec), rec, r));
  }
}
