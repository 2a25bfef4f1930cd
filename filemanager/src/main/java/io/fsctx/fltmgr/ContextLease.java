package io.fsctx.fltmgr;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Exactly one reference on a context, released by {@link #close()}; use it in
 * try-with-resources so every get is balanced by its {@code FltReleaseContext}.
 *
 * <p>Thread safety: safe for concurrent use; the reference is released once however often
 * {@link #close()} is called.
 */
public final class ContextLease implements AutoCloseable {
  private static final VarHandle CLOSED;

  static {
    try {
      CLOSED = MethodHandles.lookup().findVarHandle(ContextLease.class, "closed", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final FltContext context;
  /** 1 once closed; set through {@link #CLOSED}. */
  private volatile int closed;

  ContextLease(FltContext context) {
    this.context = context;
  }

  /**
   * Wraps a reference the caller owns (from {@code FltAllocateContext}, a get or a reference) so
   * that closing the lease releases it.
   */
  public static ContextLease adopt(FltContext context) {
    return new ContextLease(context);
  }

  /** The context. */
  public FltContext context() {
    return context;
  }

  /** The payload as the filter's class. */
  public <P> P payload(Class<P> type) {
    return context.payload(type);
  }

  /** Whether the reference has been released. */
  public boolean isClosed() {
    return closed != 0;
  }

  /** Releases the reference ({@code FltReleaseContext}) the first time it is called. */
  @Override
  public void close() {
    if (closed == 0 && CLOSED.compareAndSet(this, 0, 1)) {
      context.release("FltReleaseContext");
    }
  }

  @Override
  public String toString() {
    return "Lease[" + context + (closed != 0 ? ", closed]" : "]");
  }
}
