package io.fsctx.fltmgr;

import io.fsctx.nt.NtStatus;

/** {@code PFLT_TRANSACTION_NOTIFICATION_CALLBACK}. */
@FunctionalInterface
public interface TransactionNotificationCallback {
  /**
   * Receives a KTM notification for an enlisted transaction.
   *
   * @param fltObjects filter, volume, instance and the transaction
   * @param transactionContext the context the filter enlisted with (not referenced for the callee)
   * @param notificationMask the single {@code TRANSACTION_NOTIFY_*} bit being delivered
   * @return success, or an error to veto a prepare
   */
  NtStatus notify(FltRelatedObjects fltObjects, FltContext transactionContext, int notificationMask);
}
