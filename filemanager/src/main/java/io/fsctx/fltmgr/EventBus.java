package io.fsctx.fltmgr;

import io.fsctx.nt.NtStatus;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Publishes context events to listeners. With no listener the cost is one volatile read, so the
 * hot path stays cheap; an event is built only when some listener wants its kind ({@link
 * ContextEventListener#kinds()}).
 *
 * <p>Entering and leaving a filter callback (twice per filtered request) sets one field of a
 * per-thread holder and reuses the thread's {@link Scope} objects, instead of allocating a scope
 * and setting and removing a thread-local each time.
 *
 * <p>Thread safety: safe for concurrent use; listeners are called outside any framework lock.
 */
final class EventBus {
  /** A listener with the kinds it wants, as a bit mask over {@link ContextEvent.Kind} ordinals. */
  private record Registered(ContextEventListener listener, int kinds) {}

  private final CopyOnWriteArrayList<Registered> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong sequence = new AtomicLong();
  /**
   * The callback (and its filter) each thread is in. Deliberately per instance: each
   * FilterManager is independent (no global state), and a thread may run callbacks of several.
   */
  @SuppressWarnings("ThreadLocalUsage")
  private final ThreadLocal<Current> scope = ThreadLocal.withInitial(Current::new);
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
    any = !listeners.isEmpty();
  }

  boolean hasListeners() {
    return any;
  }

  /** The previous callback name and filter, restored by {@link #exitCallback}. */
  record Scope(@Nullable String callback, @Nullable FltFilter filter) {
    static final Scope NONE = new Scope(null, null);
  }

  /** A thread's current scope, and the scopes it used lately (callback names are constants). */
  private static final class Current {
    Scope scope = Scope.NONE;
    final Scope[] recent = new Scope[8];
    int next;

    Scope scopeFor(@Nullable String name, @Nullable FltFilter filter) {
      for (Scope s : recent) {
        if (s != null && s.filter() == filter && Objects.equals(s.callback(), name)) {
          return s;
        }
      }
      Scope s = new Scope(name, filter);
      recent[next] = s;
      next = (next + 1) % recent.length;
      return s;
    }
  }

  /** Names the filter callback the current thread is in; returns the previous scope. */
  Scope enterCallback(@Nullable String name, @Nullable FltFilter filter) {
    Current c = scope.get();
    Scope prev = c.scope;
    c.scope = name == null && filter == null ? Scope.NONE : c.scopeFor(name, filter);
    return prev;
  }

  void exitCallback(Scope previous) {
    scope.get().scope = previous;
  }

  @Nullable FltFilter currentFilter() {
    return scope.get().scope.filter();
  }

  @Nullable String currentCallback() {
    return scope.get().scope.callback();
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
