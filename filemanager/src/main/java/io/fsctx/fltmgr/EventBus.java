package io.fsctx.fltmgr;

import io.fsctx.nt.NtStatus;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Publishes context events to listeners. With no listener the cost is one volatile read, so the
 * hot path stays cheap.
 *
 * <p>Thread safety: safe for concurrent use; listeners are called outside any framework lock.
 */
final class EventBus {
  private final CopyOnWriteArrayList<ContextEventListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong sequence = new AtomicLong();
  /**
   * The callback (and its filter) the current thread is in. Deliberately per instance: each
   * FilterManager is independent (no global state), and a thread may run callbacks of several.
   */
  @SuppressWarnings("ThreadLocalUsage")
  private final ThreadLocal<@Nullable Scope> scope = new ThreadLocal<>();
  private volatile boolean any;

  void add(ContextEventListener l) {
    listeners.add(l);
    any = true;
  }

  void remove(ContextEventListener l) {
    listeners.remove(l);
    any = !listeners.isEmpty();
  }

  boolean hasListeners() {
    return any;
  }

  /** The previous callback name and filter, restored by {@link #exitCallback}. */
  record Scope(@Nullable String callback, @Nullable FltFilter filter) {
    static final Scope NONE = new Scope(null, null);
  }

  /** Names the filter callback the current thread is in; returns the previous scope. */
  Scope enterCallback(@Nullable String name, @Nullable FltFilter filter) {
    Scope prev = scope.get();
    scope.set(new Scope(name, filter));
    return prev == null ? Scope.NONE : prev;
  }

  void exitCallback(Scope previous) {
    if (previous.callback() == null && previous.filter() == null) {
      scope.remove();
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
    if (!any) {
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
    for (ContextEventListener l : listeners) {
      l.onEvent(e);
    }
  }
}
