package io.fsctx.fltmgr;

import static io.fsctx.nt.NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED;
import static io.fsctx.nt.NtStatus.STATUS_FLT_CONTEXT_ALREADY_LINKED;
import static io.fsctx.nt.NtStatus.STATUS_FLT_DELETING_OBJECT;
import static io.fsctx.nt.NtStatus.STATUS_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;

import io.fsctx.nt.FirstFailure;
import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Where the contexts of one kind live on one object, keyed by filter, instance, or instance and
 * file object, with the set, get and delete algorithms of fltmgr.md 4 and 5 written once for
 * every context type. Implementations supply only the storage: {@link ContextTable} (a concurrent
 * map, for every kind but stream contexts) and {@link StreamListCtrl} (an inline copy-on-write
 * array of stream contexts, keyed by the instance each was set through).
 *
 * <p>Reads are lock-free (see {@link FilterManager}); writes hold the store's monitor. Link
 * references are dropped, and so cleanup callbacks run, only after the monitor is released.
 *
 * <p>Thread safety: implementations are safe for concurrent use. The store's monitor is taken
 * after the instance monitor and the header monitor, and before a context's monitor.
 *
 * @param <K> the key
 */
interface ContextStore<K> {
  /** The object the contexts are attached to ({@link FltContext#attachedTo()}). */
  Object owner();

  /** The context attached under {@code key}, or null; callable without the monitor. */
  @Nullable FltContext find(K key);

  /** Under the monitor: attaches {@code ctx} under {@code key}, replacing any entry there. */
  void put(K key, FltContext ctx);

  /** Under the monitor: removes and returns the entry under {@code key}. */
  @Nullable FltContext remove(K key);

  /** Under the monitor: removes {@code ctx} if it is attached here; false if it is not. */
  boolean removeContext(FltContext ctx);

  /**
   * Under the monitor: removes every entry whose key matches and returns their contexts (a list
   * the caller must not modify: it may be immutable).
   */
  List<FltContext> removeWhere(Predicate<? super K> which);

  /** What {@link FltContext#home} holds while {@code ctx} is attached here under {@code key}. */
  Object homeFor(K key, FltContext ctx);

  /** How many contexts are attached (a snapshot). */
  int size();

  /**
   * Adds every context attached here to {@code out}, read under the store's monitor, where
   * contexts are attached and detached (the verifier's walk of live contexts).
   */
  void collectAttached(List<FltContext> out);

  /** The outcome of a set: status, and the context handed back through OldContext, if any. */
  record SetOutcome(NtStatus status, @Nullable FltContext old) {}

  /**
   * The set algorithm: KEEP returns ALREADY_DEFINED (and the existing context referenced when
   * {@code wantOld}); REPLACE detaches the existing one and either hands its link reference to the
   * caller ({@code wantOld}) or drops it.
   */
  default SetOutcome set(
      K key,
      @Nullable FltInstance instance,
      FltContext ctx,
      SetContextOperation op,
      boolean wantOld,
      BooleanSupplier dying,
      String routine) {
    FltContext old = null;
    FltContext dropAfter = null;
    NtStatus status;
    FilterManager mgr = ctx.filter().manager();
    synchronized (this) {
      if (dying.getAsBoolean()) {
        status = STATUS_FLT_DELETING_OBJECT;
      } else {
        // Read the state before checking for a free: states only move forward, so a state other
        // than ALLOCATED that is not FREED afterwards was ATTACHED or DELETED, never a racing free.
        FltContext.State state = ctx.state();
        ctx.checkNotFreed(routine);
        FltContext existing = find(key);
        if (state != FltContext.State.ALLOCATED) {
          status = STATUS_FLT_CONTEXT_ALREADY_LINKED;
        } else if (existing != null && op == SetContextOperation.KEEP_IF_EXISTS) {
          status = STATUS_FLT_CONTEXT_ALREADY_DEFINED;
          if (wantOld) {
            existing.reference(routine, " OldContext (ALREADY_DEFINED)");
            old = existing;
          }
        } else if (!ctx.tryAttach(homeFor(key, ctx), instance)) {
          status = STATUS_FLT_CONTEXT_ALREADY_LINKED;
        } else {
          // The new context is visible before the old one is detached, so a lock-free get sees
          // one or the other, never neither.
          put(key, ctx);
          if (existing != null) {
            existing.markDetached(wantOld);
            existing.leaveHome();
            if (wantOld) {
              old = existing;
            } else {
              dropAfter = existing;
            }
          }
          status = STATUS_SUCCESS;
        }
      }
    }
    if (old != null && status.isSuccess()) {
      old.handedOver(routine, " OldContext (replaced)"); // its link reference is the caller's now
    }
    EventBus events = mgr.events();
    try {
      publishSetEvents(events, routine, ctx, status, old, dropAfter);
    } finally {
      if (dropAfter != null) {
        dropAfter.dropLink(routine); // a throwing listener must not leak the replaced context
      }
    }
    return new SetOutcome(status, old);
  }

  private static void publishSetEvents(
      EventBus events, String routine, FltContext ctx, NtStatus status,
      @Nullable FltContext old, @Nullable FltContext dropAfter) {
    if (events.hasListeners()) {
      events.publish(status.isSuccess() ? ContextEvent.Kind.SET : ContextEvent.Kind.SET_FAILED,
          routine, ctx, ctx.referenceCount(), status);
      if (old != null) {
        if (status.isSuccess()) {
          events.publish(ContextEvent.Kind.DELETE, routine, old, old.referenceCount(), status);
        }
        events.publish(ContextEvent.Kind.OLD_CONTEXT_RETURNED, routine, old, old.referenceCount(), status);
      }
      if (dropAfter != null) {
        events.publish(ContextEvent.Kind.DELETE, routine, dropAfter, dropAfter.referenceCount() - 1, status);
      }
    }
  }

  /**
   * Lock-free get: the context with one more reference, owned by the caller, or null when none is
   * attached.
   *
   * @param routine the caller's routine ({@code FltGetStreamContext}, {@code FltGetContexts}),
   *     which the verifier records with the reference at TRACKING
   */
  default @Nullable FltContext get(K key, String routine) {
    while (true) {
      FltContext c = find(key);
      if (c == null) {
        return null;
      }
      if (c.tryReferenceAttached(owner(), routine)) {
        return c;
      }
      if (find(key) == c) {
        // Detached but not yet removed cannot happen (both change under the monitor); be safe.
        return null;
      }
    }
  }

  /** Whether a context is attached under the key (no reference taken). */
  default boolean contains(K key) {
    return find(key) != null;
  }

  /**
   * {@code FltDeleteXxxContext}: detaches what is attached under the key.
   *
   * @return NOT_FOUND, or SUCCESS with the context whose link reference was handed over ({@code
   *     wantOld}) or dropped
   */
  default SetOutcome delete(K key, boolean wantOld, BooleanSupplier dying, String routine) {
    FltContext removed;
    synchronized (this) {
      if (dying.getAsBoolean()) {
        return new SetOutcome(STATUS_FLT_DELETING_OBJECT, null);
      }
      removed = remove(key);
      if (removed == null) {
        return new SetOutcome(STATUS_NOT_FOUND, null);
      }
      removed.markDetached(wantOld);
      removed.leaveHome();
    }
    EventBus events = removed.filter().manager().events();
    if (wantOld) {
      removed.handedOver(routine, " OldContext"); // its link reference is the caller's now
      events.publish(ContextEvent.Kind.DELETE, routine, removed, removed.referenceCount(), STATUS_SUCCESS);
      events.publish(ContextEvent.Kind.OLD_CONTEXT_RETURNED, routine, removed, removed.referenceCount(), STATUS_SUCCESS);
      return new SetOutcome(STATUS_SUCCESS, removed);
    }
    try {
      events.publish(ContextEvent.Kind.DELETE, routine, removed, removed.referenceCount() - 1, STATUS_SUCCESS);
    } finally {
      removed.dropLink(routine); // a throwing listener must not leak the link reference
    }
    return new SetOutcome(STATUS_SUCCESS, null);
  }

  /** {@code FltDeleteContext}: detaches this exact context if it is still here. */
  default boolean deleteExact(FltContext ctx, String routine) {
    synchronized (this) {
      if (!removeContext(ctx)) {
        return false;
      }
      if (!ctx.markDetached()) {
        return false;
      }
      ctx.leaveHome();
    }
    try {
      ctx.filter().manager().events().publish(ContextEvent.Kind.DELETE, routine, ctx, ctx.referenceCount() - 1, STATUS_SUCCESS);
    } finally {
      ctx.dropLink(routine); // a throwing listener must not leak the link reference
    }
    return true;
  }

  /** Detaches every context whose key matches, dropping their link references after unlocking. */
  default int detachWhere(Predicate<? super K> which, String routine) {
    List<FltContext> removed;
    synchronized (this) {
      removed = markDetached(removeWhere(which));
    }
    dropLinks(removed, routine);
    return removed.size();
  }

  /**
   * Under the store's monitor: marks each context just taken out of a store detached and has it
   * leave its home ({@link FltContext#leaveHome}), and returns those this call detached (a context whose detach another thread won is
   * left out). Returns {@code taken} itself when it detached them all, the usual case, so a
   * teardown of one context builds no list (issue 14).
   *
   * @param taken contexts just removed from the store; not modified
   * @return the contexts whose link references the caller now drops; not to be modified
   */
  static List<FltContext> markDetached(List<FltContext> taken) {
    List<FltContext> mine = taken;
    for (int i = 0; i < taken.size(); i++) {
      FltContext c = taken.get(i);
      if (c.markDetached()) {
        c.leaveHome();
        if (mine != taken) {
          mine.add(c);
        }
      } else if (mine == taken) {
        mine = new ArrayList<>(taken.subList(0, i));
      }
    }
    return mine;
  }

  /**
   * Drops the link references of contexts just detached, publishing DELETE for each. A cleanup
   * callback or listener that throws does not stop the others: every link is dropped, then the
   * first failure is rethrown with the rest suppressed, so one bad callback cannot leave the
   * other detached contexts unreachable and never freed.
   */
  static void dropLinks(List<FltContext> detached, String routine) {
    RuntimeException first = null; // a loop, not FirstFailure.forEach: no lambda per teardown
    for (int i = 0; i < detached.size(); i++) {
      FltContext c = detached.get(i);
      try {
        FilterManager mgr = c.filter().manager();
        mgr.events().publish(ContextEvent.Kind.DELETE, routine, c, c.referenceCount() - 1, null);
        mgr.reach(RacePoint.LINK_DROP_PENDING);
      } catch (RuntimeException e) {
        first = FirstFailure.keep(first, e);
      } finally {
        try {
          c.dropLink(routine);
        } catch (RuntimeException e) {
          first = FirstFailure.keep(first, e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Detaches everything. */
  default int detachAll(String routine) {
    return detachWhere(k -> true, routine);
  }
}
