package io.fsctx.fltmgr;

import static io.fsctx.nt.NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED;
import static io.fsctx.nt.NtStatus.STATUS_FLT_CONTEXT_ALREADY_LINKED;
import static io.fsctx.nt.NtStatus.STATUS_FLT_DELETING_OBJECT;
import static io.fsctx.nt.NtStatus.STATUS_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;

import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Where the contexts of one kind live on one object: a map from key (filter, instance, or
 * instance and file object) to the attached context, with the set, get and delete algorithms of
 * fltmgr.md 4 and 5 written once for every context type.
 *
 * <p>Reads are lock-free (see {@link FilterManager}); writes hold this table's lock. Link
 * references are dropped, and so cleanup callbacks run, only after the lock is released.
 *
 * <p>Thread safety: safe for concurrent use. This table's lock is taken after the instance
 * monitor and the header monitor, and before a context's monitor.
 */
final class ContextTable<K> {
  private final Object owner;
  private final ConcurrentHashMap<K, FltContext> map = new ConcurrentHashMap<>(2);

  ContextTable(Object owner) {
    this.owner = owner;
  }

  Object owner() {
    return owner;
  }

  /** The outcome of a set: status, and the context handed back through OldContext, if any. */
  record SetOutcome(NtStatus status, @Nullable FltContext old) {}

  /**
   * The set algorithm: KEEP returns ALREADY_DEFINED (and the existing context referenced when
   * {@code wantOld}); REPLACE detaches the existing one and either hands its link reference to the
   * caller ({@code wantOld}) or drops it.
   */
  SetOutcome set(
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
        FltContext existing = map.get(key);
        if (state != FltContext.State.ALLOCATED) {
          status = STATUS_FLT_CONTEXT_ALREADY_LINKED;
        } else if (existing != null && op == SetContextOperation.KEEP_IF_EXISTS) {
          status = STATUS_FLT_CONTEXT_ALREADY_DEFINED;
          if (wantOld) {
            existing.reference(routine);
            old = existing;
          }
        } else if (!ctx.tryAttach(owner, instance)) {
          status = STATUS_FLT_CONTEXT_ALREADY_LINKED;
        } else {
          ctx.table = this;
          ctx.tableKey = key;
          map.put(key, ctx);
          status = STATUS_SUCCESS;
          if (existing != null) {
            existing.markDetached();
            existing.table = null;
            if (wantOld) {
              old = existing;
            } else {
              dropAfter = existing;
            }
          }
        }
      }
    }
    if (status.isSuccess()) {
      mgr.events().publish(ContextEvent.Kind.SET, routine, ctx, ctx.referenceCount(), status);
    } else {
      mgr.events().publish(ContextEvent.Kind.SET_FAILED, routine, ctx, ctx.referenceCount(), status);
    }
    if (old != null) {
      if (status.isSuccess()) {
        mgr.events().publish(ContextEvent.Kind.DELETE, routine, old, old.referenceCount(), status);
      }
      mgr.events().publish(ContextEvent.Kind.OLD_CONTEXT_RETURNED, routine, old, old.referenceCount(), status);
    }
    if (dropAfter != null) {
      mgr.events().publish(ContextEvent.Kind.DELETE, routine, dropAfter, dropAfter.referenceCount() - 1, status);
      dropAfter.dropLink(routine);
    }
    return new SetOutcome(status, old);
  }

  /** Lock-free get: the context with one more reference, or null when none is attached. */
  @Nullable FltContext get(K key) {
    while (true) {
      FltContext c = map.get(key);
      if (c == null) {
        return null;
      }
      if (c.tryReferenceAttached(owner)) {
        return c;
      }
      if (map.get(key) == c) {
        // Detached but not yet unmapped cannot happen (both change under the lock); be safe.
        return null;
      }
    }
  }

  /** Whether a context is attached under the key (no reference taken). */
  boolean contains(K key) {
    return map.containsKey(key);
  }

  /**
   * {@code FltDeleteXxxContext}: detaches what is attached under the key.
   *
   * @return NOT_FOUND, or SUCCESS with the context whose link reference was handed over ({@code
   *     wantOld}) or dropped
   */
  SetOutcome delete(K key, boolean wantOld, BooleanSupplier dying, String routine) {
    FltContext removed;
    synchronized (this) {
      if (dying.getAsBoolean()) {
        return new SetOutcome(STATUS_FLT_DELETING_OBJECT, null);
      }
      removed = map.remove(key);
      if (removed == null) {
        return new SetOutcome(STATUS_NOT_FOUND, null);
      }
      removed.markDetached();
      removed.table = null;
    }
    FilterManager mgr = removed.filter().manager();
    if (wantOld) {
      mgr.events().publish(ContextEvent.Kind.DELETE, routine, removed, removed.referenceCount(), STATUS_SUCCESS);
      mgr.events().publish(ContextEvent.Kind.OLD_CONTEXT_RETURNED, routine, removed, removed.referenceCount(), STATUS_SUCCESS);
      return new SetOutcome(STATUS_SUCCESS, removed);
    }
    mgr.events().publish(ContextEvent.Kind.DELETE, routine, removed, removed.referenceCount() - 1, STATUS_SUCCESS);
    removed.dropLink(routine);
    return new SetOutcome(STATUS_SUCCESS, null);
  }

  /** {@code FltDeleteContext}: detaches this exact context if it is still here. */
  boolean deleteExact(Object key, FltContext ctx, String routine) {
    synchronized (this) {
      if (!map.remove(key, ctx)) {
        return false;
      }
      if (!ctx.markDetached()) {
        return false;
      }
      ctx.table = null;
    }
    ctx.filter().manager().events().publish(ContextEvent.Kind.DELETE, routine, ctx, ctx.referenceCount() - 1, STATUS_SUCCESS);
    ctx.dropLink(routine);
    return true;
  }

  /** Detaches every context whose key matches, dropping their link references after unlocking. */
  int detachWhere(Predicate<K> which, String routine) {
    List<FltContext> detached = new ArrayList<>();
    synchronized (this) {
      Iterator<Map.Entry<K, FltContext>> it = map.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<K, FltContext> e = it.next();
        if (which.test(e.getKey())) {
          FltContext c = e.getValue();
          it.remove();
          if (c.markDetached()) {
            c.table = null;
            detached.add(c);
          }
        }
      }
    }
    for (FltContext c : detached) {
      c.filter().manager().events().publish(ContextEvent.Kind.DELETE, routine, c, c.referenceCount() - 1, null);
      c.dropLink(routine);
    }
    return detached.size();
  }

  /** Detaches everything. */
  int detachAll(String routine) {
    return detachWhere(k -> true, routine);
  }

  boolean isEmpty() {
    return map.isEmpty();
  }

  int size() {
    return map.size();
  }

  /** The attached contexts (a snapshot, no references taken). */
  List<FltContext> snapshot() {
    return new ArrayList<>(map.values());
  }
}
