package io.fsctx.fltmgr;

/**
 * Exactly one reference on a context, released by {@link #close()}; use it in
 * try-with-resources so every get is balanced by its {@code FltReleaseContext}.
 *
 * <p>Thread safety: a lease belongs to one thread at a time, as the reference it stands for
 * belongs to one code path in a C filter. Closing it again is harmless whenever the closes are
 * ordered: on the thread that closed it (try-with-resources plus an explicit {@code close()}), or
 * on another thread that received the lease through a happens-before edge (a lock, a volatile
 * field, a queue, {@link Thread#join()}). Two threads closing one lease at the same instant is a
 * race in the caller, like two paths calling {@code FltReleaseContext} for one reference, and
 * the lease does not arbitrate it: both may release, and the count is then one short. The
 * Filter Manager reports that as it reports a double release from C, at the latest when the last
 * holder acts: bug check 0xF5/0x6D when a release would take an attached context to zero (at once,
 * when the lease was the only reference beside the attachment), 0xF5/0x6E when a holder uses or
 * releases the context after it was freed early. Arbitrating would cost a locked instruction on
 * every close, a third beside the get's and the release's (benchmarks/README.md, round 12).
 * {@link #context()} and {@link #payload} are safe from any thread while the lease is open.
 */
public final class ContextLease implements AutoCloseable {
  private final FltContext context;
  /** Set by the first close; plain, see the class comment for why no atomic. */
  private boolean closed;

  ContextLease(FltContext context) {
    this.context = context;
  }

  /**
   * Wraps a reference the caller owns (from {@code FltAllocateContext}, a get or a reference) so
   * that closing the lease releases it. The caller owns the lease instead of the reference.
   */
  public static ContextLease adopt(FltContext context) {
    return new ContextLease(context);
  }

  /** The context; the reference stays the lease's. */
  public FltContext context() {
    return context;
  }

  /** The payload as the filter's class. */
  public <P> P payload(Class<P> type) {
    return context.payload(type);
  }

  /** Whether this lease has been closed, as seen by a thread ordered after the close. */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Releases the reference ({@code FltReleaseContext}) the first time it is called; later calls
   * ordered after it do nothing.
   */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      context.release("FltReleaseContext");
    }
  }

  @Override
  public String toString() {
    return "Lease[" + context + (closed ? ", closed]" : "]");
  }
}
