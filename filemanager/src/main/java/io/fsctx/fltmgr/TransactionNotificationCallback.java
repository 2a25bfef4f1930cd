package io.fsctx.fltmgr;

import io.fsctx.nt.NtStatus;

/**
 * {@code PFLT_TRANSACTION_NOTIFICATION_CALLBACK}: receives the notifications an instance asked for
 * with {@code FltEnlistInTransaction}, the {@code TRANSACTION_NOTIFY_*} bits of {@link
 * io.fsctx.tm.KTransaction}.
 *
 * <p>Thread safety: called on the thread that commits or rolls the transaction back, with no
 * Filter Manager lock held.
 */
@FunctionalInterface
public interface TransactionNotificationCallback {
  /**
   * {@code FLT_MAX_TRANSACTION_NOTIFICATIONS}: every notification a minifilter can ask for
   * (pre-prepare, prepare, commit, rollback and, from Vista SP1, commit-finalize).
   */
  int FLT_MAX_TRANSACTION_NOTIFICATIONS = io.fsctx.tm.KTransaction.TRANSACTION_NOTIFY_PREPREPARE
      | io.fsctx.tm.KTransaction.TRANSACTION_NOTIFY_PREPARE | io.fsctx.tm.KTransaction.TRANSACTION_NOTIFY_COMMIT
      | io.fsctx.tm.KTransaction.TRANSACTION_NOTIFY_ROLLBACK | io.fsctx.tm.KTransaction.TRANSACTION_NOTIFY_COMMIT_FINALIZE;

  /**
   * Receives a KTM notification for an enlisted transaction.
   *
   * @param fltObjects filter, volume, instance and the transaction
   * @param transactionContext the context the filter enlisted with (not referenced for the callee)
   * @param notificationMask the single {@code TRANSACTION_NOTIFY_*} bit being delivered
   * @return success, or an error to veto a pre-prepare or prepare (the transaction then rolls
   *     back); {@code STATUS_PENDING} is treated as success (no {@code FltCommitComplete} in the
   *     synchronous model)
   */
  NtStatus notify(FltRelatedObjects fltObjects, FltContext transactionContext, int notificationMask);
}
