package io.fsctx.fltmgr;

import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.Irql;
import io.fsctx.nt.PoolType;
import org.jspecify.annotations.Nullable;

/**
 * The IRQL rules of the Filter Manager routines (issue 13): each routine's documented maximum
 * IRQL, checked when it is called, and the rule that a paged-pool context is never touched at
 * {@code DISPATCH_LEVEL}.
 *
 * <h2>The table (Microsoft's DDI pages, fltmgr.md 3, 5.1–5.5)</h2>
 * <ul>
 *   <li>{@code APC_LEVEL}: the get, set and delete routines of every context type, {@code
 *       FltDeleteContext}, {@code FltGetContexts(Ex)}, {@code FltAllocateContext} of a paged-pool
 *       context, {@code FltGetFileNameInformation}.
 *   <li>{@code DISPATCH_LEVEL}: {@code FltAllocateContext} of a nonpaged context, {@code
 *       FltReferenceContext}, {@code FltReleaseContext} and (policy, fltmgr.md 9.11: the DDI
 *       page, not the header's annotation) {@code FltReleaseContexts(Ex)}; the completion and
 *       work-item routines.
 *   <li>{@code PASSIVE_LEVEL}: the data-scan routines ({@code FltRegisterForDataScan}, {@code
 *       FltCreateSectionForDataScan}, {@code FltCloseSectionForDataScan}).
 * </ul>
 *
 * <p>A routine called above its maximum is a finding ({@link
 * VerifierFinding.Kind#ROUTINE_ABOVE_MAX_IRQL}) naming the routine, the IRQL and the call site
 * (the first frame outside the model), reported once per routine, level and call site; the
 * routine then does its work, so a run reports every such call site rather than stopping at the
 * first. Touching a paged-pool context at {@code DISPATCH_LEVEL} through a routine that is
 * otherwise allowed there (reference, release) is a finding ({@link
 * VerifierFinding.Kind#PAGED_CONTEXT_AT_DISPATCH}) and, as fltmgr.md assertion 75 requires, a
 * contract violation the model throws (bug check 0xA, {@code IRQL_NOT_LESS_OR_EQUAL}: what a page
 * fault at DISPATCH_LEVEL ends in), before the count changes.
 *
 * <p>Thread safety: stateless; reads the calling thread's IRQL.
 */
final class FltIrql {
  private FltIrql() {}

  /** {@code IRQL_NOT_LESS_OR_EQUAL}. */
  static final int IRQL_NOT_LESS_OR_EQUAL = 0xA;

  /**
   * Reports {@code routine} when the current IRQL is above {@code max}.
   *
   * @param manager whose verifier records the finding
   * @param culprit the filter calling, when known
   */
  static void check(FilterManager manager, @Nullable FltFilter culprit, String routine, Irql max) {
    Irql now = Irql.current();
    if (!now.above(max)) {
      return;
    }
    StackTraceElement site = VerifierFinding.userFrame(new Throwable(routine));
    String where = site == null ? "inside the model" : site.toString();
    String cb = manager.events().currentCallback();
    String msg = routine + " called at " + now + ", above its documented maximum " + max + ", from " + where
        + (cb == null ? "" : " in " + cb);
    String who = culprit != null ? culprit.name() : nameOf(manager.events().currentFilter());
    manager.verifier().reportOnce("irql|" + routine + "|" + now + "|" + where,
        new VerifierFinding(VerifierFinding.Kind.ROUTINE_ABOVE_MAX_IRQL, who, routine, msg, null, null));
  }

  /** {@code FltAllocateContext}: APC_LEVEL for paged pool, DISPATCH_LEVEL for nonpaged. */
  static void checkAllocate(FltFilter filter, PoolType pool) {
    check(filter.manager(), filter, "FltAllocateContext", pool.isNonPaged() ? Irql.DISPATCH_LEVEL : Irql.APC_LEVEL);
  }

  /** A routine with a context in hand: the routine's maximum, attributed to the context's filter. */
  static void check(FltContext context, String routine, Irql max) {
    check(context.filter().manager(), context.filter(), routine, max);
  }

  /**
   * A routine allowed at DISPATCH_LEVEL (reference, release) touching {@code context}: a
   * paged-pool context at DISPATCH_LEVEL is reported and refused.
   *
   * @throws BugCheckException 0xA for a paged-pool context at DISPATCH_LEVEL
   */
  static void checkTouch(FltContext context, String routine) {
    check(context, routine, Irql.DISPATCH_LEVEL);
    if (context.poolType().isNonPaged() || !Irql.current().above(Irql.APC_LEVEL)) {
      return;
    }
    StackTraceElement site = VerifierFinding.userFrame(new Throwable(routine));
    String msg = routine + " touched the paged-pool context " + context.describe() + " at " + Irql.current()
        + " from " + (site == null ? "inside the model" : site.toString())
        + ": paged memory may not be touched above APC_LEVEL (a page fault there is bug check 0xA)";
    context.filter().manager().verifier().report(VerifierFinding.Kind.PAGED_CONTEXT_AT_DISPATCH, context, msg);
    throw new BugCheckException(IRQL_NOT_LESS_OR_EQUAL, Irql.current().value(), msg, null);
  }

  private static String nameOf(@Nullable FltFilter f) {
    return f == null ? "unknown filter" : f.name();
  }
}
