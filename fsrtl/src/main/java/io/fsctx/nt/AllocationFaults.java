package io.fsctx.nt;

/**
 * Decides whether a simulated pool allocation fails, so that routines documented to return
 * {@code STATUS_INSUFFICIENT_RESOURCES} can be driven down that path in tests.
 *
 * <p>Thread safety: implementations must be safe for concurrent use.
 */
@FunctionalInterface
public interface AllocationFaults {
  /** Never fails; the default everywhere. */
  AllocationFaults NEVER = what -> false;

  /**
   * Whether the allocation of {@code what} fails.
   *
   * @param what a short description of the allocation, for messages and selective faults
   * @return true to make it fail
   */
  boolean shouldFail(String what);
}
