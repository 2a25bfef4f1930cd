package io.fsctx.tm;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code KENLISTMENT}: one resource manager's participation in one transaction, made by {@link
 * KTransaction#enlist}. It receives the notifications of its mask until the transaction ends or it
 * is closed ({@code ZwClose} of the enlistment handle); a closed enlistment is never notified again.
 *
 * <p>Thread safety: safe for concurrent use; {@link #close} may race a delivery, which then either
 * happened before the close or does not happen.
 */
public final class Enlistment {
  private final KTransaction transaction;
  private final String owner;
  private final int notificationMask;
  private final EnlistmentCallback callback;
  private final AtomicBoolean open = new AtomicBoolean(true);

  Enlistment(KTransaction transaction, String owner, int notificationMask, EnlistmentCallback callback) {
    this.transaction = transaction;
    this.owner = owner;
    this.notificationMask = notificationMask;
    this.callback = callback;
  }

  /** The transaction. */
  public KTransaction transaction() {
    return transaction;
  }

  /** Who enlisted, for messages (a file system's volume, a Filter Manager instance). */
  public String owner() {
    return owner;
  }

  /** The {@code TRANSACTION_NOTIFY_*} bits it receives. */
  public int notificationMask() {
    return notificationMask;
  }

  /** Whether it still receives notifications. */
  public boolean isOpen() {
    return open.get();
  }

  /**
   * Stops all further notifications (closing the enlistment handle). Idempotent.
   *
   * @return whether this call closed it
   */
  public boolean close() {
    boolean closed = open.compareAndSet(true, false);
    if (closed) {
      transaction.forget(this);
    }
    return closed;
  }

  boolean wants(int notification) {
    return open.get() && (notificationMask & notification) != 0;
  }

  EnlistmentCallback callback() {
    return callback;
  }

  @Override
  public String toString() {
    return "Enlistment[" + owner + " in " + transaction.id() + "]";
  }
}
