package io.fsctx.fltmgr;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The verifier's bookkeeping for contexts: at {@link VerifierLevel#COUNTING} and above every live
 * context is tracked so leak reports can name each one; at {@link VerifierLevel#TRACKING} the
 * allocation and last access sites are recorded, and every reference a caller takes (allocate,
 * get, {@code FltGetContexts}, reference, a context handed back through {@code OldContext}) goes
 * into the context's {@link ReferenceLedger} with its site and the callback it ran in, until a
 * release retires it; at {@link VerifierLevel#FULL} the stack of the release that freed a context
 * is kept for use-after-free reports, and leak reports print each outstanding reference's stack.
 *
 * <p>Below TRACKING none of this runs: a context without its side structure ({@code
 * FltContext.Extras}) skips the hooks with one null test.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class ContextVerifier {
  private final VerifierLevel level;
  private final EventBus events;
  /**
   * The live contexts (COUNTING and above): doubly linked through the contexts' own {@code
   * livePrev}/{@code liveNext}, in stripes by id number, each guarded by its own monitor. A
   * concurrent set cost every context a node and an identity hash (about 40 bytes and a tenth of
   * the allocate path, issue 14); the stripes keep allocations on different threads apart.
   */
  private final LiveStripe[] live = new LiveStripe[16];

  /** One stripe of the live list: the newest context, the rest through its links. */
  private static final class LiveStripe {
    @Nullable FltContext head;
  }
  private final java.util.concurrent.CopyOnWriteArrayList<VerifierFinding> findings =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Set<String> reportedOnce = ConcurrentHashMap.newKeySet();

  ContextVerifier(VerifierLevel level, EventBus events) {
    this.level = level;
    this.events = events;
    for (int i = 0; i < live.length; i++) {
      live[i] = new LiveStripe();
    }
  }

  private LiveStripe stripeOf(FltContext ctx) {
    return live[ctx.idNumber() & (live.length - 1)];
  }

  /** Whether references are tracked one by one (TRACKING and above). */
  boolean tracksReferences() {
    return level.atLeast(VerifierLevel.TRACKING);
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

  /** Records a finding about a context; a leak lists the references still held (TRACKING). */
  void report(VerifierFinding.Kind kind, FltContext ctx, String message) {
    report(new VerifierFinding(kind, ctx.filter().name(), ctx.id(), message, ctx.allocationSite(), ctx.lastAccessSite(),
        kind.isLeak() ? ctx.outstandingReferences() : java.util.List.of()));
  }

  List<VerifierFinding> findings() {
    return List.copyOf(findings);
  }

  void clearFindings() {
    findings.clear();
    reportedOnce.clear();
  }

  /**
   * Where a context was allocated ({@code FltAllocateContext} of {@code type}), at TRACKING and
   * above; null below, without building the text (every allocation calls this).
   */
  @Nullable Throwable allocationSite(FltContextType type) {
    return level.atLeast(VerifierLevel.TRACKING) ? new Throwable("FltAllocateContext " + type) : null;
  }

  void onAllocate(FltContext ctx) {
    if (level.atLeast(VerifierLevel.COUNTING)) {
      LiveStripe s = stripeOf(ctx);
      synchronized (s) {
        FltContext h = s.head;
        ctx.liveNext = h;
        if (h != null) {
          h.livePrev = ctx;
        }
        s.head = ctx;
      }
    }
    Throwable site = ctx.allocationSite();
    if (site != null) {
      ctx.recordTaken(new ReferenceLedger.Entry("FltAllocateContext", events.currentCallback(), site, null));
    }
  }

  /**
   * A caller took a reference through {@code routine} (TRACKING and above); {@code how} says how
   * it got it when that is not by the routine's own result ({@code " OldContext"}), else "".
   */
  void onTaken(FltContext ctx, String routine, String how) {
    if (level.atLeast(VerifierLevel.TRACKING)) {
      String takenBy = how.isEmpty() ? routine : routine + how;
      Throwable site = new Throwable(takenBy + " referenced " + ctx.id());
      ctx.recordAccess(site);
      ctx.recordTaken(new ReferenceLedger.Entry(takenBy, events.currentCallback(), site, null));
    }
  }

  /** A caller gave a reference back (TRACKING and above): the ledger retires one. */
  void onReleased(FltContext ctx) {
    if (level.atLeast(VerifierLevel.TRACKING)) {
      ctx.recordAccess(new Throwable("last referenced or released " + ctx.id()));
      ctx.recordRetired();
    }
  }

  /** The callback the current thread is running, or null (for name-information ledgers). */
  @Nullable String currentCallback() {
    return events.currentCallback();
  }

  void onFree(FltContext ctx, String routine) {
    if (level.atLeast(VerifierLevel.COUNTING)) { // as onAllocate: below, nothing was added
      LiveStripe s = stripeOf(ctx);
      synchronized (s) {
        FltContext p = ctx.livePrev;
        FltContext n = ctx.liveNext;
        if (p != null) {
          p.liveNext = n;
        } else if (s.head == ctx) {
          s.head = n;
        }
        if (n != null) {
          n.livePrev = p;
        }
        ctx.livePrev = null;
        ctx.liveNext = null;
      }
    }
    if (level.atLeast(VerifierLevel.FULL)) {
      ctx.recordFreeingRelease(new Throwable(routine + " freed " + ctx.id()));
    }
  }

  /** The live contexts of a filter (empty below COUNTING). */
  List<FltContext> liveContexts(FltFilter filter) {
    List<FltContext> out = new ArrayList<>();
    for (FltContext c : snapshot()) {
      if (c.filter() == filter) {
        out.add(c);
      }
    }
    out.sort((a, b) -> compareIds(a.id(), b.id()));
    return out;
  }

  /** All live contexts. */
  List<FltContext> liveContexts() {
    List<FltContext> out = snapshot();
    out.sort((a, b) -> compareIds(a.id(), b.id()));
    return out;
  }

  /** The live contexts, stripe by stripe (each stripe as of one moment). */
  private List<FltContext> snapshot() {
    List<FltContext> out = new ArrayList<>();
    for (LiveStripe s : live) {
      synchronized (s) {
        for (FltContext c = s.head; c != null; c = c.liveNext) {
          out.add(c);
        }
      }
    }
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
