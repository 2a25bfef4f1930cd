package io.fsctx.tools.cli;

import io.fsctx.examples.ctx.CtxReport;
import io.fsctx.examples.leaky.LeakyWorkload;
import io.fsctx.examples.support.SampleRun;
import io.fsctx.examples.walkthrough.RefCountWalkthrough;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.tools.checkfs.CheckReport;
import io.fsctx.tools.replay.ReplaySummary;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.nt.BugCheckException;
import io.fsctx.tools.report.ContextRecorder;
import io.fsctx.tools.report.HtmlReport;
import java.util.List;
import java.util.Map;

/**
 * The HTML report of each command: the recorder's contexts with the figures the command prints,
 * so the page and the text agree.
 *
 * <p>Thread safety: stateless.
 */
final class Reports {
  private Reports() {}

  /** {@code fsctx run} with CTX: the CTX report's counts per type. */
  static HtmlReport run(String title, ContextRecorder recorder, CtxReport report) {
    HtmlReport.Builder b = HtmlReport.builder(HtmlReport.Kind.RUN, title, recorder).figure("file system", report.fileSystem());
    for (FltContextType t : CtxReport.CTX_TYPES) {
      b.figure(t + " contexts", report.allocated().getOrDefault(t, 0) + " allocated, "
          + report.freed().getOrDefault(t, 0) + " freed");
    }
    for (Map.Entry<String, Integer> e : report.errorStatuses().entrySet()) {
      b.figure("CTX error lines " + e.getKey(), e.getValue());
    }
    b.figure("leaked contexts", report.leakedContexts());
    UnloadReport unload = report.unloadReport();
    if (unload != null) {
      b.leaks(unload);
    }
    return b.build();
  }

  /** {@code fsctx run --filter leaky}: the leak report's contexts with their held references, and the findings. */
  static HtmlReport leaky(String title, ContextRecorder recorder, LeakyWorkload.Result r) {
    return HtmlReport.builder(HtmlReport.Kind.RUN, title, recorder)
        .figure("verifier findings", r.findings().size())
        .figure("leaked contexts", r.report().leakedCount())
        .leaks(r.report())
        .findings(r.findings())
        .build();
  }

  /**
   * {@code fsctx run --filter change|swapbuffers|scanner|minispy}: the counts per type, the
   * figures the text report ends with, the contexts still alive and the findings.
   */
  static HtmlReport port(String title, ContextRecorder recorder, SampleRun.Result r) {
    HtmlReport.Builder b = HtmlReport.builder(HtmlReport.Kind.RUN, title, recorder).figure("run", r.title());
    for (Map.Entry<FltContextType, int[]> e : r.counts().entrySet()) {
      b.figure(e.getKey() + " contexts", e.getValue()[0] + " allocated, " + e.getValue()[1] + " freed");
    }
    BugCheckException crash = r.crash();
    if (crash != null) {
      b.figure("bug check", String.valueOf(crash.getMessage()));
    }
    return b.figure("verifier findings", r.filterFindings().size())
        .figure("file-system findings (not counted)", r.fileSystemFindings().size())
        .figure("transactions still referenced", r.liveTransactions())
        .figure("leaked contexts", r.liveContexts().size())
        .figure("leaked pool blocks", r.leakedPool().size())
        .leaked(r.liveContexts())
        .findings(r.findings())
        .build();
  }

  /** {@code fsctx walkthrough}: its rows and the unload report. */
  static HtmlReport walkthrough(
      String title, ContextRecorder recorder, FileSystemDriver fs, RefCountWalkthrough.Result r) {
    return HtmlReport.builder(HtmlReport.Kind.WALKTHROUGH, title, recorder)
        .figure("file system", fs.fileSystemName())
        .figure("walkthrough rows", r.rows().size())
        .figure("leaked contexts", r.unloadReport().leakedCount())
        .leaks(r.unloadReport())
        .build();
  }

  /** {@code fsctx replay}: the summary exactly as printed, and the contexts still alive after the unload. */
  static HtmlReport replay(String title, ContextRecorder recorder, ReplaySummary summary, List<FltContext> live) {
    return HtmlReport.builder(HtmlReport.Kind.REPLAY, title, recorder)
        .printedFigures(summary.toText())
        .leaked(live)
        .build();
  }

  /** {@code fsctx check-fs}: the requirement rows. */
  static HtmlReport checkFs(String title, ContextRecorder recorder, CheckReport report) {
    return HtmlReport.builder(HtmlReport.Kind.CHECK_FS, title, recorder)
        .figure("file system", report.fileSystemName() + " (" + report.fileSystemClass() + ")")
        .figure("result", report.summaryLine())
        .requirements(report)
        .build();
  }
}
