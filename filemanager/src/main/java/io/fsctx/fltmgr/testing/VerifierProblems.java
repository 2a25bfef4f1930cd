package io.fsctx.fltmgr.testing;

import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.FltConfig;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.nt.BugCheckException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the verifier's test support reports after a test, written once for {@link
 * FilterVerifierExtension} and {@link FilterHarness#problems()}: one line per problem of the
 * given managers.
 *
 * <p>It first waits for the managers' system worker threads (issue 13: deferred frees of contexts
 * released at DISPATCH_LEVEL, work items) and lists what a work item threw ({@code work item
 * threw: ...}). Normally every finding is listed ({@code verifier: ...}), then every live context ({@code
 * live context: ...}). After a bug check the request it aborted never ran its releases, so the
 * contexts it left live say nothing new and are not listed: the bug check comes first, alone
 * ({@code bug check: ...}), then what an unload found afterwards, labelled as such ({@code found
 * at unload after the bug check: ...}). A bug check the test itself failed with is not repeated
 * when nothing else is wrong: JUnit already reports it.
 *
 * <p>Thread safety: stateless.
 */
final class VerifierProblems {
  private VerifierProblems() {}

  /** The configuration of a manager for tests: {@code settings}, or the defaults without one. */
  static FltConfig config(@Nullable VerifierSettings settings) {
    FltConfig.Builder b = FltConfig.builder();
    if (settings == null) {
      return b.verifierLevel(io.fsctx.fltmgr.VerifierLevel.TRACKING)
          .unloadWaitTimeout(Duration.ofMillis(VerifierSettings.DEFAULT_UNLOAD_WAIT_MILLIS))
          .build();
    }
    return b.verifierLevel(settings.level()).unloadWaitTimeout(Duration.ofMillis(settings.unloadWaitMillis())).build();
  }

  /**
   * The problems of {@code managers}, one line each (indented by two spaces); empty when clean.
   *
   * @param managers the managers to check
   * @param testFailure what the test threw, or null
   */
  static List<String> of(List<FilterManager> managers, @Nullable Throwable testFailure) {
    BugCheckException thrown = bugCheckIn(testFailure);
    List<VerifierFinding> findings = new ArrayList<>();
    List<String> workItems = new ArrayList<>();
    for (FilterManager fm : managers) {
      // Issue 13: deferred frees and work items first, so that a context released at
      // DISPATCH_LEVEL is judged once its free has run; what an item threw is a problem too.
      for (Throwable t : fm.awaitWorkItems()) {
        workItems.add("  work item threw: " + t);
      }
    }
    for (FilterManager fm : managers) {
      findings.addAll(fm.verifierFindings());
      findings.addAll(fm.unattachedFilterFindings());
    }
    boolean bugChecked = thrown != null || findings.stream().anyMatch(f -> f.kind().isBugCheck());
    List<String> out = new ArrayList<>(workItems);
    if (!bugChecked) {
      for (VerifierFinding f : findings) {
        out.add("  verifier: " + f.format());
      }
      for (FilterManager fm : managers) {
        for (FltContext c : fm.liveContexts()) {
          StackTraceElement site = VerifierFinding.callerFrame(c.allocationSite());
          out.add("  live context: " + c.describe() + (site == null ? "" : "; allocated at " + site));
        }
      }
      return out;
    }
    boolean onlyWhatWasThrown = true;
    for (VerifierFinding f : findings) {
      if (f.kind().isBugCheck()) {
        out.add("  bug check: " + f.format());
        onlyWhatWasThrown &= thrown != null && String.valueOf(thrown.getMessage()).endsWith(f.message());
      }
    }
    for (VerifierFinding f : findings) {
      if (!f.kind().isBugCheck()) {
        out.add((f.kind().isLeak() ? "  found at unload after the bug check: " : "  verifier: ") + f.format());
        onlyWhatWasThrown = false;
      }
    }
    return onlyWhatWasThrown && workItems.isEmpty() ? List.of() : out;
  }

  private static @Nullable BugCheckException bugCheckIn(@Nullable Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BugCheckException b) {
        return b;
      }
    }
    return null;
  }
}
