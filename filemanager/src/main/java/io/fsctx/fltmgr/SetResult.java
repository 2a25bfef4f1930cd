package io.fsctx.fltmgr;

import io.fsctx.nt.NtStatus;
import org.jspecify.annotations.Nullable;

/**
 * The result of a set through the Java API. The Java API always asks for {@code OldContext}, so:
 * {@link Outcome#ALREADY_DEFINED} carries the existing context with a reference, and {@link
 * Outcome#REPLACED} carries the detached old one with its former link reference; both are the
 * caller's to release, which closing this result does. The caller still owns its reference on
 * the new context, success or not.
 *
 * <p>Thread safety: immutable; the lease belongs to one thread at a time ({@link ContextLease}).
 *
 * @param status the routine's status
 * @param outcome what happened
 * @param other the existing (ALREADY_DEFINED) or old (REPLACED) context, or null
 */
public record SetResult(NtStatus status, Outcome outcome, @Nullable ContextLease other)
    implements AutoCloseable {

  /** What a set did. */
  public enum Outcome {
    /** Attached; nothing was there. */
    ATTACHED,
    /** Attached in place of another context, which is in {@link #other()}. */
    REPLACED,
    /** Kept the existing context, which is in {@link #other()}. */
    ALREADY_DEFINED,
    /** Failed with {@link #status()}; nothing changed. */
    FAILED
  }

  static SetResult of(ContextStore.SetOutcome o) {
    ContextLease other = o.old() == null ? null : new ContextLease(o.old());
    Outcome outcome;
    if (o.status().equals(NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED)) {
      outcome = Outcome.ALREADY_DEFINED;
    } else if (!o.status().isSuccess()) {
      outcome = Outcome.FAILED;
    } else {
      outcome = other != null ? Outcome.REPLACED : Outcome.ATTACHED;
    }
    return new SetResult(o.status(), outcome, other);
  }

  @Override
  public void close() {
    if (other != null) {
      other.close();
    }
  }
}
