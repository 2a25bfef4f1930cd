package io.fsctx.fltmgr;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Exactly one reference on a context, released by {@link #close()}; use it in
 * try-with-resources so every get is balanced by its {@code FltReleaseContext}.
 *
 * <p>Thread safety: safe for concurrent use; the reference is released once however often
 * {@link #close()} is called.
 */
public final class ContextLease implements AutoCloseable {
  private final FltContext context;
  private final AtomicBoolean closed = new AtomicBoolean();

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
    return closed.get();
  }

  /** Releases the reference ({@code FltReleaseContext}) the first time it is called. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      context.release("FltReleaseContext");
    }
  }

  @Override
  public String toString() {
    return "Lease[" + context + (closed.get() ? ", closed]" : "]");
  }
}
