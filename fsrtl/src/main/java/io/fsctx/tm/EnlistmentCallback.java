package io.fsctx.tm;

import io.fsctx.nt.NtStatus;

/**
 * What a resource manager's enlistment receives: one call per notification it asked for, in the
 * commit protocol's order ({@code ResourceManagerNotification} of {@code TmEnableCallbacks}).
 *
 * <p>Thread safety: called on the thread that commits or rolls back, with no lock of the
 * transaction held; implementations may call back into the transaction (its state then refuses
 * new work).
 */
@FunctionalInterface
public interface EnlistmentCallback {
  /**
   * Receives one notification.
   *
   * @param transaction the transaction
   * @param enlistment the enlistment being notified
   * @param notification the single {@code TRANSACTION_NOTIFY_*} bit being delivered
   * @return success; an error from a pre-prepare or prepare notification vetoes the commit, which
   *     then rolls back (other notifications' results are ignored)
   */
  NtStatus notify(KTransaction transaction, Enlistment enlistment, int notification);
}
