package io.fsctx.fsrtl;

import io.fsctx.nt.FirstFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The doubly linked {@code LIST_ENTRY} list behind all three FsRtl context families, with the
 * semantics fsrtl.md pins down: head insertion, "first" meaning most recently inserted, one entry
 * removed per call, and a teardown that unlinks the head, drops the lock, calls back, and repeats
 * until the list is empty.
 *
 * <p>Design: the entries live in an immutable value published through a volatile field: nothing,
 * the one entry itself, or an array of two or more (head at index 0). Nearly every list holds one
 * entry (a stream's control block, a file's), and an array of one cost 16 bytes per list, two
 * lists per open file (issue 14). Writers hold the list's lock exclusively and publish a new array; readers either take
 * the lock (fast mutexes, which have no shared mode) or read the published array directly, which
 * is what a shared push-lock acquisition amounts to when writers never mutate in place. Entries
 * are never touched after their free callback has run.
 *
 * <p>The list is an interface over its holder's {@link #entries()} field, so that a list can live in
 * the lock that guards it: the header's {@code FilterContexts} in its {@code PushLock} ({@link
 * FilterContextList}), FsRtl's per-file tracking block in its fast mutex ({@code
 * LazyContextList.Block}). A list object beside its lock cost each of them 16 bytes, two per
 * open file (issue 14). Only those two package-private classes implement it.
 *
 * <p>Thread safety: safe for concurrent use. Lock order: this list's lock is a leaf; no other lock
 * is taken while it is held and no callback runs under it.
 */
interface ContextList<C extends FsRtlContext> {
  /**
   * An empty array, and in {@link #entries()} the mark of a closed list: a teardown or delete that
   * retires the list together with its owner (the per-file tracking block, the per-file-object
   * container) closes it under the lock. A closed list is empty and accepts no more inserts, so
   * nothing can be linked to a list its owner has already dropped. The mark lives in the entries
   * field rather than in a flag of its own: the flag made the per-file tracking block eight bytes
   * bigger (issue 14). No other empty array is ever stored there ({@link #without} gives null).
   */
  FsRtlContext[] CLOSED = new FsRtlContext[0];

  /**
   * The holder's entries field, volatile: null (empty), the sole entry, an array of two or more,
   * head first, or {@link #CLOSED}; never changed in place.
   */
  @Nullable Object entries();

  /** Publishes new entries; the caller holds the list's lock exclusively. */
  void entries(@Nullable Object entries);

  /** Inserts at the head; the caller has checked support. The list must never have been closed. */
  default void insertHead(HeaderLock lock, C context) {
    if (!insertHeadUnlessClosed(lock, context)) {
      throw new IllegalStateException("insert into a retired context list");
    }
  }

  /**
   * Inserts at the head unless the list was closed by {@link #teardown(HeaderLock, Consumer,
   * boolean)} or {@link #closeAndOrphanAll}, in which case the caller must find its owner's new
   * list.
   *
   * @return whether the context was linked
   */
  default boolean insertHeadUnlessClosed(HeaderLock lock, C context) {
    lock.acquireExclusive();
    try {
      Object old = entries();
      if (old == CLOSED) {
        return false;
      }
      context.link(this);
      if (old == null) {
        entries(context);
      } else if (old instanceof FsRtlContext one) {
        entries(new FsRtlContext[] {context, one});
      } else {
        FsRtlContext[] a = (FsRtlContext[]) old;
        FsRtlContext[] next = new FsRtlContext[a.length + 1];
        next[0] = context;
        System.arraycopy(a, 0, next, 1, a.length);
        entries(next);
      }
      return true;
    } finally {
      lock.releaseExclusive();
    }
  }

  /** Finds the first match; takes the lock only when {@code lock} is non-null. */
  @SuppressWarnings("unchecked") // Only C instances are ever inserted.
  default @Nullable C lookup(@Nullable HeaderLock lock, @Nullable Object owner, @Nullable Object instance) {
    checkIds(owner, instance);
    if (lock == null) {
      return (C) find(entries(), owner, instance);
    }
    lock.acquireShared();
    try {
      return (C) find(entries(), owner, instance);
    } finally {
      lock.releaseShared();
    }
  }

  /** Unlinks and returns the first match, without calling its free callback. */
  @SuppressWarnings("unchecked") // Only C instances are ever inserted.
  default @Nullable C remove(HeaderLock lock, @Nullable Object owner, @Nullable Object instance) {
    checkIds(owner, instance);
    lock.acquireExclusive();
    try {
      Object e = entries();
      if (e instanceof FsRtlContext one) { // the usual list: no array to copy
        if (!one.matches(owner, instance)) {
          return null;
        }
        entries(null);
        one.unlink();
        return (C) one;
      }
      FsRtlContext[] old = array(e);
      for (int i = 0; i < old.length; i++) {
        if (old[i].matches(owner, instance)) {
          FsRtlContext hit = old[i];
          entries(without(old, i));
          hit.unlink();
          return (C) hit;
        }
      }
      return null;
    } finally {
      lock.releaseExclusive();
    }
  }

  /**
   * Tears the list down: repeatedly unlinks the head under the lock and calls {@code free} with
   * the lock released, until the list is empty, so entries inserted by a callback are torn down
   * too. A callback that throws does not stop the teardown: every remaining entry is still freed,
   * then the first failure is rethrown with the later ones suppressed.
   *
   * @return how many callbacks ran
   */
  default int teardown(HeaderLock lock, Consumer<C> free) {
    return teardown(lock, free, false);
  }

  /**
   * As {@link #teardown(HeaderLock, Consumer)}; with {@code close}, the list is closed in the same
   * critical section that finds it empty, so an insert racing with the end of the teardown either
   * lands before it (and is torn down) or is refused (and goes to the owner's next list).
   */
  @SuppressWarnings("unchecked") // Only C instances are ever inserted.
  default int teardown(HeaderLock lock, Consumer<C> free, boolean close) {
    // The first failure is kept in a local rather than a FirstFailure and the callback called
    // without a lambda: a teardown runs at every last close of a stream and of a file.
    @Nullable RuntimeException failure = null;
    int calls = 0;
    while (true) {
      FsRtlContext head;
      lock.acquireExclusive();
      try {
        Object e = entries();
        if (e == null || e == CLOSED) {
          if (close) {
            entries(CLOSED);
          }
          break;
        }
        if (e instanceof FsRtlContext one) {
          head = one;
          entries(null);
        } else {
          FsRtlContext[] old = (FsRtlContext[]) e;
          head = old[0];
          entries(without(old, 0));
        }
        head.unlink();
      } finally {
        lock.releaseExclusive();
      }
      calls++;
      try {
        free.accept((C) head);
      } catch (RuntimeException e) {
        failure = FirstFailure.keep(failure, e);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return calls;
  }

  /** Empties the list without calling back (the setup macro re-initialising the list head). */
  default List<C> orphanAll(HeaderLock lock) {
    return orphanAll(lock, false);
  }

  /**
   * Empties and closes the list without calling back, as the file-object delete does with the
   * per-file-object container; later inserts are refused.
   */
  default List<C> closeAndOrphanAll(HeaderLock lock) {
    return orphanAll(lock, true);
  }

  private List<C> orphanAll(HeaderLock lock, boolean close) {
    lock.acquireExclusive();
    try {
      List<C> orphans = snapshot();
      for (C c : orphans) {
        c.unlink();
      }
      entries(close || entries() == CLOSED ? CLOSED : null);
      return orphans;
    } finally {
      lock.releaseExclusive();
    }
  }

  default boolean isEmpty() {
    Object e = entries();
    return e == null || e == CLOSED;
  }

  default int size() {
    return array(entries()).length;
  }

  /** The entries, head first. */
  @SuppressWarnings("unchecked") // Only C instances are ever inserted.
  default List<C> snapshot() {
    List<C> out = new ArrayList<>();
    for (FsRtlContext c : array(entries())) {
      out.add((C) c);
    }
    return out;
  }

  /** The entries as an array, head first (a new one-element array for a sole entry). */
  private static FsRtlContext[] array(@Nullable Object e) {
    if (e == null) {
      return CLOSED; // empty, and never written back
    }
    return e instanceof FsRtlContext one ? new FsRtlContext[] {one} : (FsRtlContext[]) e;
  }

  private static @Nullable FsRtlContext find(
      @Nullable Object entries, @Nullable Object owner, @Nullable Object instance) {
    if (entries instanceof FsRtlContext one) {
      return one.matches(owner, instance) ? one : null; // the usual list: no array to walk
    }
    if (entries == null) {
      return null;
    }
    for (FsRtlContext c : (FsRtlContext[]) entries) {
      if (c.matches(owner, instance)) {
        return c;
      }
    }
    return null;
  }

  /** The entries without index {@code i}, in the field's form: null, the sole entry, or an array. */
  private static @Nullable Object without(FsRtlContext[] a, int i) {
    if (a.length == 1) {
      return null;
    }
    if (a.length == 2) {
      return a[1 - i];
    }
    FsRtlContext[] b = new FsRtlContext[a.length - 1];
    System.arraycopy(a, 0, b, 0, i);
    System.arraycopy(a, i + 1, b, i, a.length - i - 1);
    return b;
  }

  /**
   * An InstanceId without an OwnerId is forbidden by the lookup and remove contracts; the model
   * treats it as the caller's mistake rather than silently matching nothing (fsrtl.md 7.2, 14.16).
   */
  static void checkIds(@Nullable Object owner, @Nullable Object instance) {
    if (owner == null && instance != null) {
      throw new IllegalArgumentException(
          "OwnerId is null but InstanceId is " + instance + ": OwnerId must be given whenever InstanceId is");
    }
  }
}
