package io.fsctx.tools.cli;

import io.fsctx.examples.ctx.CtxLog;
import io.fsctx.examples.ctx.CtxWorkload;
import io.fsctx.examples.avscan.AvScanWorkload;
import io.fsctx.examples.leaky.LeakyWorkload;
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.tools.report.ContextRecorder;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
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
 * leaked.
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
          + " Exit status 0 only when nothing leaked."
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
    avscan
  }

  @Option(
      names = "--filter",
      paramLabel = "FILTER",
      description =
          "The minifilter to run: ctx (the CTX sample port, default), leaky (a deliberately leaky"
              + " filter modelled on Windows-driver-samples issue 1360, run under the verifier: it"
              + " prints the leak report and exits 1) or avscan (the context parts of the avscan"
              + " sample, under the verifier; see --provoke). Default: ${DEFAULT-VALUE}.",
      defaultValue = "ctx")
  FilterChoice filter = FilterChoice.ctx;

  @Option(
      names = "--provoke",
      paramLabel = "DEFECT",
      description =
          "With --filter avscan: also run the steps that reach one of the sample's two known"
              + " defects, which the verifier then reports (exit 1): SECTION_LEAK (a section context"
              + " not released when FltCreateSectionForDataScan fails) or TX_REFERENCE (the extra"
              + " stream-context reference of the transaction move, case 3). Default: ${DEFAULT-VALUE}.",
      defaultValue = "NONE")
  AvScanWorkload.Provoke provoke = AvScanWorkload.Provoke.NONE;

  @Mixin HtmlOption html = new HtmlOption();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Supplier<FileSystemDriver> fileSystems;
    try {
      // CTX's workload also exercises a model's delayed-close flush; the leak check wants
      // immediate teardown. A user's class keeps its own policy.
      fileSystems = fileSystem.fileSystems(filter == FilterChoice.leaky ? ClosePolicy.IMMEDIATE : ClosePolicy.DELAYED, Invocation.of(spec));
    } catch (UserFileSystemLoader.UnusableException e) {
      return FileSystemOptions.refuse(spec.commandLine(), e);
    }
    if (filter == FilterChoice.leaky) {
      return html.start(spec, ContextRecorder.Axis.EVENT) ? runLeaky(out, fileSystems.get()) : ExitStatus.OUTPUT;
    }
    if (filter == FilterChoice.avscan) {
      if (html.file != null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--html is not supported with --filter avscan yet");
      }
      return runAvScan(out, fileSystems.get());
    }
    if (provoke != AvScanWorkload.Provoke.NONE) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--provoke applies to --filter avscan only");
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

  private int runAvScan(PrintWriter out, FileSystemDriver fs) {
    AvScanWorkload.Result r = AvScanWorkload.run(fs, provoke, s -> {
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
    return r.clean() ? 0 : 1;
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
