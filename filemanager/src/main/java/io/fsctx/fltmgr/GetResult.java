package io.fsctx.fltmgr;

import io.fsctx.nt.NtStatus;
import org.jspecify.annotations.Nullable;

/**
 * The result of a get through the Java API: the status and, exactly when it is a success, a lease
 * owning one reference. Closing the result closes the lease.
 *
 * <p>Thread safety: immutable; the lease belongs to one thread at a time ({@link ContextLease}).
 *
 * @param status {@code STATUS_SUCCESS}, {@code STATUS_NOT_FOUND}, {@code STATUS_NOT_SUPPORTED} ...
 * @param lease non-null exactly on success
 */
public record GetResult(NtStatus status, @Nullable ContextLease lease) implements AutoCloseable {
  /** Whether a context was found. */
  public boolean found() {
    return lease != null;
  }

  /** The lease. @throws IllegalStateException when nothing was found */
  public ContextLease require() {
    if (lease == null) {
      throw new IllegalStateException("no context: " + status);
    }
    return lease;
  }

  @Override
  public void close() {
    if (lease != null) {
      lease.close();
    }
  }
}
