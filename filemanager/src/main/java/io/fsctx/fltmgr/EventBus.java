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
   * The callbacks (and their filters) the current thread is in. Deliberately per instance: each
   * FilterManager is independent (no global state), and a thread may run callbacks of several.
   */
  @SuppressWarnings("ThreadLocalUsage")
  private final ThreadLocal<Callbacks> callbacks = ThreadLocal.withInitial(Callbacks::new);
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
   * The callbacks one thread is in, innermost last: each one's name and filter, and the instance
   * whose operation it is part of (pre- and post-operation callbacks only). Kept in arrays that
   * the thread reuses, so entering a callback, which the frame does around every pre- and
   * post-operation call, allocates nothing (issue 14: a scope object per callback was one of the
   * larger allocations of a replay). Confined to its thread.
   */
  private static final class Callbacks {
    @Nullable String[] names = new String[8];
    @Nullable FltFilter[] filters = new FltFilter[8];
    @Nullable FltInstance[] operationOf = new FltInstance[8];
    int depth;

    void push(@Nullable String name, @Nullable FltFilter filter, @Nullable FltInstance instance) {
      int d = depth;
      if (d == names.length) {
        names = java.util.Arrays.copyOf(names, d * 2);
        filters = java.util.Arrays.copyOf(filters, d * 2);
        operationOf = java.util.Arrays.copyOf(operationOf, d * 2);
      }
      names[d] = name;
      filters[d] = filter;
      operationOf[d] = instance;
      depth = d + 1;
    }

    /** Leaves every callback entered at depth {@code d} or deeper (none when already left). */
    void popTo(int d) {
      if (d >= depth) {
        return;
      }
      for (int i = d; i < depth; i++) {
        names[i] = null; // no reference outlives its callback
        filters[i] = null;
        operationOf[i] = null;
      }
      depth = d;
    }
  }

  /**
   * Names the filter callback the current thread is in; returns the token that {@link
   * #exitCallback} takes to restore the enclosing callbacks (the depth entered at, boxed from the
   * JVM's cache of small integers).
   */
  Object enterCallback(@Nullable String name, @Nullable FltFilter filter) {
    return enterCallback(name, filter, null);
  }

  /**
   * As {@link #enterCallback(String, FltFilter)}; {@code operationOf} names the instance whose
   * pre- or post-operation callback this is, so a teardown started inside it knows not to wait for
   * the operation it is part of.
   */
  Object enterCallback(@Nullable String name, @Nullable FltFilter filter, @Nullable FltInstance operationOf) {
    Callbacks c = callbacks.get();
    int depth = c.depth;
    c.push(name, filter, operationOf);
    return depth;
  }

  /**
   * How many of the current thread's enclosing callbacks are operation callbacks of {@code
   * instance}: operations in flight through it that cannot finish while this thread waits.
   */
  int operationCallbacksOn(FltInstance instance) {
    Callbacks c = callbacks.get();
    int n = 0;
    for (int i = 0; i < c.depth; i++) {
      if (c.operationOf[i] == instance) {
        n++;
      }
    }
    return n;
  }

  /** Ends the callback that returned {@code token}, and any it left entered. */
  void exitCallback(Object token) {
    if (!(token instanceof Integer depth)) {
      throw new IllegalArgumentException("not a token from enterCallback: " + token);
    }
    callbacks.get().popTo(depth);
  }

  @Nullable FltFilter currentFilter() {
    Callbacks c = callbacks.get();
    return c.depth == 0 ? null : c.filters[c.depth - 1];
  }

  @Nullable String currentCallback() {
    Callbacks c = callbacks.get();
    return c.depth == 0 ? null : c.names[c.depth - 1];
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
