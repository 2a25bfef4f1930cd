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
  private final ThreadLocal<@Nullable String> currentCallback = new ThreadLocal<>();
  private final ThreadLocal<@Nullable FltFilter> currentFilter = new ThreadLocal<>();
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
  record Scope(@Nullable String callback, @Nullable FltFilter filter) {}

  /** Names the filter callback the current thread is in; returns the previous scope. */
  Scope enterCallback(@Nullable String name, @Nullable FltFilter filter) {
    Scope prev = new Scope(currentCallback.get(), currentFilter.get());
    currentCallback.set(name);
    currentFilter.set(filter);
    return prev;
  }

  void exitCallback(Scope previous) {
    currentCallback.set(previous.callback());
    currentFilter.set(previous.filter());
  }

  @Nullable FltFilter currentFilter() {
    return currentFilter.get();
  }

  @Nullable String currentCallback() {
    return currentCallback.get();
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
            currentCallback.get(),
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
