package io.fsctx.examples.minispy;

import io.fsctx.io.IrpMajorFunction;
import io.fsctx.nt.NtStatus;
import io.fsctx.tm.KTransaction;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * {@code LOG_RECORD}: one logged operation ({@code RECORD_TYPE_NORMAL}) or transaction
 * notification ({@code RECORD_TYPE_NORMAL} with the notification in {@code Flags}), as the
 * user-mode half of the sample prints it.
 *
 * <p>PORT: no times, process or thread IDs, device object or arguments are recorded (the model
 * has none of them to report); the file object and transaction are their IDs.
 *
 * <p>Thread safety: the pre-operation fields are written by the pre-operation callback, the
 * completion fields by the post-operation callback, before the record is logged; immutable once
 * logged.
 */
public final class SpyLogRecord {
  /** Whether this records a transaction notification rather than an operation. */
  private final boolean transaction;
  private final long sequenceNumber;
  private final int majorFunction;
  private final int minorFunction;
  private final int irpFlags;
  private final @Nullable String fileObject;
  private final @Nullable String transactionId;
  private final int notification;
  private final String name;
  private volatile @Nullable NtStatus status;
  private volatile long information;

  private SpyLogRecord(boolean transaction, long sequenceNumber, int majorFunction, int minorFunction, int irpFlags,
      @Nullable String fileObject, @Nullable String transactionId, int notification, String name) {
    this.transaction = transaction;
    this.sequenceNumber = sequenceNumber;
    this.majorFunction = majorFunction;
    this.minorFunction = minorFunction;
    this.irpFlags = irpFlags;
    this.fileObject = fileObject;
    this.transactionId = transactionId;
    this.notification = notification;
    this.name = name;
  }

  /** {@code SpyLogPreOperationData}: an operation record, completed by {@link #complete}. */
  static SpyLogRecord operation(long sequenceNumber, int majorFunction, int minorFunction, int irpFlags,
      @Nullable String fileObject, @Nullable String transactionId, String name) {
    return new SpyLogRecord(false, sequenceNumber, majorFunction, minorFunction, irpFlags, fileObject, transactionId, 0,
        name);
  }

  /** {@code SpyLogTransactionNotify}: a notification record; notification 0 records the enlistment. */
  static SpyLogRecord transactionNotify(long sequenceNumber, String transactionId, int notification) {
    return new SpyLogRecord(true, sequenceNumber, 0, 0, 0, null, transactionId, notification, "");
  }

  /** {@code SpyLogPostOperationData}: the completion status and information. */
  void complete(NtStatus status, long information) {
    this.status = status;
    this.information = information;
  }

  /** Whether this records a transaction notification. */
  public boolean isTransactionNotification() {
    return transaction;
  }

  /** {@code SequenceNumber}. */
  public long sequenceNumber() {
    return sequenceNumber;
  }

  /** {@code CallbackMajorId}. */
  public int majorFunction() {
    return majorFunction;
  }

  /** The transaction's ID, or null for an operation outside a transaction. */
  public @Nullable String transactionId() {
    return transactionId;
  }

  /** The {@code TRANSACTION_NOTIFY_*} bit of a notification record, 0 for the enlistment. */
  public int notification() {
    return notification;
  }

  /** The completion status of an operation record, or null before completion. */
  public @Nullable NtStatus status() {
    return status;
  }

  /** The file's name as logged. */
  public String name() {
    return name;
  }

  /** The notification's name, as the user-mode half prints it. */
  public static String notificationName(int notification) {
    return switch (notification) {
      case 0 -> "enlisted";
      case KTransaction.TRANSACTION_NOTIFY_PREPREPARE -> "TRANSACTION_NOTIFY_PREPREPARE";
      case KTransaction.TRANSACTION_NOTIFY_PREPARE -> "TRANSACTION_NOTIFY_PREPARE";
      case KTransaction.TRANSACTION_NOTIFY_COMMIT -> "TRANSACTION_NOTIFY_COMMIT";
      case KTransaction.TRANSACTION_NOTIFY_ROLLBACK -> "TRANSACTION_NOTIFY_ROLLBACK";
      case KTransaction.TRANSACTION_NOTIFY_COMMIT_FINALIZE -> "TRANSACTION_NOTIFY_COMMIT_FINALIZE";
      default -> String.format(Locale.ROOT, "notification 0x%08x", notification);
    };
  }

  /** One line, as the user-mode half prints a record. */
  public String format() {
    if (transaction) {
      return String.format(Locale.ROOT, "TXN %6d %-32s %s", sequenceNumber, notificationName(notification), transactionId);
    }
    IrpMajorFunction major = IrpMajorFunction.fromCode(majorFunction);
    NtStatus st = status;
    return String.format(Locale.ROOT, "IRP %6d %-32s %02x %08x %-14s %-6s %s:%d %s", sequenceNumber,
        major == null ? String.format(Locale.ROOT, "0x%02x", majorFunction) : major.toString(), minorFunction, irpFlags,
        fileObject == null ? "-" : fileObject, transactionId == null ? "-" : transactionId,
        st == null ? "<pending>" : String.format(Locale.ROOT, "%08x", st.code()), information, name);
  }

  @Override
  public String toString() {
    return format();
  }
}
