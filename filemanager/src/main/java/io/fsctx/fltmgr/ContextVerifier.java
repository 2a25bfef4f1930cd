package io.fsctx.fltmgr;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The verifier's bookkeeping for contexts: at {@link VerifierLevel#COUNTING} and above every live
 * context is tracked so leak reports can name each one; at {@link VerifierLevel#TRACKING} the
 * allocation and last access sites are recorded; at {@link VerifierLevel#FULL} the stack of the
 * release that freed a context is kept for use-after-free reports.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class ContextVerifier {
  private final VerifierLevel level;
  private final Set<FltContext> live = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.CopyOnWriteArrayList<VerifierFinding> findings =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Set<String> reportedOnce = ConcurrentHashMap.newKeySet();

  ContextVerifier(VerifierLevel level) {
    this.level = level;
  }

  VerifierLevel level() {
    return level;
  }

  /** Records a finding (nothing at level OFF). */
  void report(VerifierFinding f) {
    if (level.atLeast(VerifierLevel.COUNTING)) {
      findings.add(f);
    }
  }

  /** Records a finding once per {@code key} (for conditions seen on every request). */
  void reportOnce(String key, VerifierFinding f) {
    if (level.atLeast(VerifierLevel.COUNTING) && reportedOnce.add(key)) {
      findings.add(f);
    }
  }

  void report(VerifierFinding.Kind kind, FltContext ctx, String message) {
    report(new VerifierFinding(kind, ctx.filter().name(), ctx.id(), message, ctx.allocationSite(), ctx.lastAccessSite()));
  }

  List<VerifierFinding> findings() {
    return List.copyOf(findings);
  }

  void clearFindings() {
    findings.clear();
    reportedOnce.clear();
  }

  @Nullable Throwable site(String what) {
    return level.atLeast(VerifierLevel.TRACKING) ? new Throwable(what) : null;
  }

  void onAllocate(FltContext ctx) {
    if (level.atLeast(VerifierLevel.COUNTING)) {
      live.add(ctx);
    }
  }

  void onAccess(FltContext ctx) {
    if (level.atLeast(VerifierLevel.TRACKING)) {
      ctx.recordAccess(new Throwable("last referenced or released " + ctx.id()));
    }
  }

  void onFree(FltContext ctx, String routine) {
    live.remove(ctx);
    if (level.atLeast(VerifierLevel.FULL)) {
      ctx.recordFreeingRelease(new Throwable(routine + " freed " + ctx.id()));
    }
  }

  /** The live contexts of a filter (empty below COUNTING). */
  List<FltContext> liveContexts(FltFilter filter) {
    List<FltContext> out = new ArrayList<>();
    for (FltContext c : live) {
      if (c.filter() == filter) {
        out.add(c);
      }
    }
    out.sort((a, b) -> compareIds(a.id(), b.id()));
    return out;
  }

  /** All live contexts. */
  List<FltContext> liveContexts() {
    List<FltContext> out = new ArrayList<>(live);
    out.sort((a, b) -> compareIds(a.id(), b.id()));
    return out;
  }

  static int compareIds(String a, String b) {
    int ia = a.indexOf('#');
    int ib = b.indexOf('#');
    int c = a.substring(0, Math.max(ia, 0)).compareTo(b.substring(0, Math.max(ib, 0)));
    if (c != 0 || ia < 0 || ib < 0) {
      return c != 0 ? c : a.compareTo(b);
    }
    return Long.compare(Long.parseLong(a.substring(ia + 1)), Long.parseLong(b.substring(ib + 1)));
  }
}
