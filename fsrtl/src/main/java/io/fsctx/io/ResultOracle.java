package io.fsctx.io;

import io.fsctx.nt.NtStatus;
import org.jspecify.annotations.Nullable;

/**
 * Tells a {@link FileSystemDriver} how to answer each request, for the trace replay: a non-null
 * answer is treated exactly like {@link Irp#forcedStatus()} (which wins when both are present).
 *
 * <p>Thread safety: called on the dispatching thread, possibly from many threads at once.
 */
@FunctionalInterface
public interface ResultOracle {
  /** An oracle that never forces anything. */
  ResultOracle NONE = irp -> null;

  /**
   * The status the file system must complete {@code irp} with.
   *
   * @param irp the request, not yet handled
   * @return the forced status, or null to let the file system decide
   */
  @Nullable NtStatus resultFor(Irp irp);
}
