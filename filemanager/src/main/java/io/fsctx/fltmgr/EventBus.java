package io.fsctx.fltmgr;

import io.fsctx.nt.NtStatus;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Publishes context events to listeners. With no listener the cost is one volatile read, so the
 * hot path stays cheap; an event is built only when some listener wants its kind ({@link
 * ContextEventListener#kinds()}).
 *
 * <p>Thread safety: safe for concurrent use; listeners are called outside any framework lock.
 */
final class EventBus {
  /** A listener with the kinds it wants, as a bit mask over {@link ContextEvent.Kind} ordinals. */
  private record Registered(ContextEventListener listener, int kinds) {}

  private final CopyOnWriteArrayList<Registered> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong sequence = new AtomicLong();
  /**
   * The callback (and its filter) the current thread is in. Deliberately per instance: each
   * FilterManager is independent (no global state), and a thread may run callbacks of several.
   */
  @SuppressWarnings("ThreadLocalUsage")
  private final ThreadLocal<@Nullable Scope> scope = new ThreadLocal<>();
  private volatile boolean any;
  /** The kinds some listener wants. */
  private volatile int wanted;

  void add(ContextEventListener l) {
    int mask = 0;
    for (ContextEvent.Kind k : l.kinds()) {
      mask |= 1 << k.ordinal();
    }
    synchronized (listeners) {
      listeners.add(new Registered(l, mask));
      recompute();
    }
  }

  void remove(ContextEventListener l) {
    synchronized (listeners) {
      listeners.removeIf(r -> r.listener() == l);
      recompute();
    }
  }

  private void recompute() {
    int mask = 0;
    for (Registered r : listeners) {
      mask |= r.kinds();
    }
    wanted = mask;
    any = mask != 0; // a listener that wants no kind of event costs nothing
  }

  boolean hasListeners() {
    return any;
  }

  /**
   * A callback the current thread is in: its name and filter, the instance whose operation it is
   * part of (pre- and post-operation callbacks only), and the scope it was entered from. {@link
   * #exitCallback} restores the enclosing one.
   */
  record Scope(
      @Nullable String callback, @Nullable FltFilter filter, @Nullable FltInstance operationOf, @Nullable Scope parent) {
    static final Scope NONE = new Scope(null, null, null, null);
  }

  /** Names the filter callback the current thread is in; returns the previous scope. */
  Scope enterCallback(@Nullable String name, @Nullable FltFilter filter) {
    return enterCallback(name, filter, null);
  }

  /**
   * As {@link #enterCallback(String, FltFilter)}; {@code operationOf} names the instance whose
   * pre- or post-operation callback this is, so a teardown started inside it knows not to wait for
   * the operation it is part of.
   */
  Scope enterCallback(@Nullable String name, @Nullable FltFilter filter, @Nullable FltInstance operationOf) {
    Scope prev = scope.get();
    scope.set(new Scope(name, filter, operationOf, prev));
    return prev == null ? Scope.NONE : prev;
  }

  /**
   * How many of the current thread's enclosing callbacks are operation callbacks of {@code
   * instance}: operations in flight through it that cannot finish while this thread waits.
   */
  int operationCallbacksOn(FltInstance instance) {
    int n = 0;
    for (Scope s = scope.get(); s != null; s = s.parent()) {
      if (s.operationOf() == instance) {
        n++;
      }
    }
    return n;
  }

  void exitCallback(Scope previous) {
    if (previous.equals(Scope.NONE)) { // no enclosing callback (a scope of nulls is the same)
      // null, not remove(): removing the entry makes the next callback's get() insert it again
      // into the thread's map (and rehash its neighbours), once per callback.
      scope.set(null);
    } else {
      scope.set(previous);
    }
  }

  @Nullable FltFilter currentFilter() {
    Scope s = scope.get();
    return s == null ? null : s.filter();
  }

  @Nullable String currentCallback() {
    Scope s = scope.get();
    return s == null ? null : s.callback();
  }

  void publish(ContextEvent.Kind kind, String routine, FltContext ctx, int refsAfter, @Nullable NtStatus status) {
    int bit = 1 << kind.ordinal();
    if ((wanted & bit) == 0) {
      return;
    }
    FltInstance inst = ctx.attachedInstance();
    ContextEvent e =
        new ContextEvent(
            sequence.incrementAndGet(),
            kind,
            routine,
            currentCallback(),
            ctx.id(),
            ctx.type(),
            ctx.filter().name(),
            inst == null ? null : inst.id(),
            refsAfter,
            status);
    for (Registered r : listeners) {
      if ((r.kinds() & bit) != 0) {
        r.listener().onEvent(e);
      }
    }
  }
}
