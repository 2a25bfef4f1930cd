package io.fsctx.fltmgr;

import io.fsctx.nt.ProbingTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
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
   * The live contexts no store holds (COUNTING and above): allocated and never attached, or
   * detached and not yet freed; in stripes by id number. An attached context is found through its
   * store instead ({@link #attached}), so a context carries no links of the verifier's: a list
   * threaded through the contexts cost each of them eight bytes, three contexts per open of a new
   * file under CTX (issue 14), and before it a concurrent set cost a node and an identity hash.
   *
   * <p>A context moves between a stripe and its store under the store's monitor ({@link
   * #onAttached}, {@link #onDetached}), and a walk reads each store under that monitor, so a walk
   * that reads the stripes, then the stores, then the stripes again misses no context that was
   * live throughout ({@link #liveContexts()}).
   */
  private final Unattached[] unattached = new Unattached[16];
  /** Adds every attached context of the manager to the list, each store read under its monitor. */
  private final Consumer<List<FltContext>> attached;

  /**
   * One stripe of the unattached contexts: a {@link ProbingTable} of the contexts themselves,
   * keyed by identity and hashed by id number, guarded by the stripe's monitor (a leaf lock). It
   * grows and shrinks with what it holds, nearly always little: a context is unattached between
   * its allocation and its set, and between its detach and its last release.
   */
  static final class Unattached extends ProbingTable<FltContext> {
    @Override
    protected int hashOf(FltContext c) {
      return c.idNumber();
    }

    @Override
    protected boolean matches(FltContext element, Object key, long unused) {
      return element == key;
    }

    synchronized void add(FltContext c) {
      put(c.idNumber(), c, 0, c);
    }

    synchronized void remove(FltContext c) {
      remove(c.idNumber(), c, 0, c);
    }

    synchronized void addTo(java.util.Collection<FltContext> out) {
      out.addAll(values());
    }
  }

  private final java.util.concurrent.CopyOnWriteArrayList<VerifierFinding> findings =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Set<String> reportedOnce = ConcurrentHashMap.newKeySet();

  /**
   * @param attached adds every context attached in the manager to the list, reading each store
   *     under its monitor
   */
  ContextVerifier(VerifierLevel level, EventBus events, Consumer<List<FltContext>> attached) {
    this.level = level;
    this.events = events;
    this.attached = attached;
    for (int i = 0; i < unattached.length; i++) {
      unattached[i] = new Unattached();
    }
  }

  private Unattached stripeOf(FltContext ctx) {
    return unattached[ctx.idNumber() & (unattached.length - 1)];
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
      stripeOf(ctx).add(ctx);
    }
    Throwable site = ctx.allocationSite();
    if (site != null) {
      ContextExtras e = ctx.extras();
      if (e != null) {
        e.taken(new ReferenceLedger.Entry("FltAllocateContext", events.currentCallback(), site, null));
      }
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
      ContextExtras e = ctx.extras();
      if (e != null) {
        e.lastAccessSite = site;
        e.taken(new ReferenceLedger.Entry(takenBy, events.currentCallback(), site, null));
      }
    }
  }

  /** A caller gave a reference back (TRACKING and above): the ledger retires one. */
  void onReleased(FltContext ctx) {
    if (level.atLeast(VerifierLevel.TRACKING)) {
      ContextExtras e = ctx.extras();
      if (e != null) {
        e.lastAccessSite = new Throwable("last referenced or released " + ctx.id());
        e.retired();
      }
    }
  }

  /** The callback the current thread is running, or null (for name-information ledgers). */
  @Nullable String currentCallback() {
    return events.currentCallback();
  }

  /**
   * The context was just attached to a store; called under the store's monitor, after it is
   * there or before anyone can read the store again ({@link FltContext#tryAttach}).
   */
  void onAttached(FltContext ctx) {
    if (level.atLeast(VerifierLevel.COUNTING)) {
      stripeOf(ctx).remove(ctx);
    }
  }

  /** The context was just detached from its store; called under the store's monitor. */
  void onDetached(FltContext ctx) {
    if (level.atLeast(VerifierLevel.COUNTING)) {
      stripeOf(ctx).add(ctx);
    }
  }

  void onFree(FltContext ctx, String routine) {
    if (level.atLeast(VerifierLevel.COUNTING)) { // as onAllocate: below, nothing was added
      stripeOf(ctx).remove(ctx);
    }
    if (level.atLeast(VerifierLevel.FULL)) {
      ContextExtras e = ctx.extras();
      if (e != null) {
        e.freeingRelease = new Throwable(routine + " freed " + ctx.id());
      }
    }
  }

  /**
   * The live contexts of a filter that no store holds (empty below COUNTING), sorted by id: after
   * an instance's or a filter's teardown detached everything it had set, these are all its live
   * contexts, found without walking the stores.
   */
  List<FltContext> unattachedContexts(FltFilter filter) {
    List<FltContext> out = new ArrayList<>();
    for (Unattached u : unattached) {
      u.addTo(out);
    }
    out.removeIf(c -> c.filter() != filter);
    out.sort((a, b) -> compareIds(a.id(), b.id()));
    return out;
  }

  /** The live contexts of a filter (empty below COUNTING), sorted by id. */
  List<FltContext> liveContexts(FltFilter filter) {
    List<FltContext> out = liveContexts();
    out.removeIf(c -> c.filter() != filter);
    return out;
  }

  /**
   * All live contexts (empty below COUNTING), sorted by id: the unattached ones, every store's,
   * and the unattached ones again, so that a context attached or detached during the walk is
   * seen on one side or the other (see {@link #unattached}).
   */
  List<FltContext> liveContexts() {
    if (!level.atLeast(VerifierLevel.COUNTING)) {
      return new ArrayList<>();
    }
    java.util.Set<FltContext> seen = new java.util.HashSet<>(); // FltContext's equality is identity
    for (Unattached u : unattached) {
      u.addTo(seen);
    }
    List<FltContext> inStores = new ArrayList<>();
    attached.accept(inStores);
    seen.addAll(inStores);
    for (Unattached u : unattached) {
      u.addTo(seen);
    }
    seen.removeIf(c -> c.state() == FltContext.State.FREED);
    List<FltContext> out = new ArrayList<>(seen);
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
