package io.fsctx.fltmgr;

import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small model of a KTM transaction ({@code KTRANSACTION}): it is active until it commits or
 * rolls back. Enlisted minifilter instances receive their notifications in order (pre-prepare,
 * prepare, commit, commit-finalize on commit; rollback on rollback), and when the outcome is
 * final the transaction object goes away, which detaches every transaction context set on it
 * (fltmgr.md 6.2, an [X] policy: the docs do not say when).
 *
 * <h2>The end of a transaction (issue 18)</h2>
 * The end has one linearization point: {@link #commit()} or {@link #rollback()} moving the state
 * off {@link State#ACTIVE} under this object's monitor. A {@code FltSetTransactionContext} or
 * {@code FltEnlistInTransaction} ordered after it gets {@code STATUS_FLT_DELETING_OBJECT}; a set
 * ordered before it succeeds and its context is detached when the notifications have been
 * delivered, so no context outlives its transaction. Between the two, the notification
 * callbacks still find the contexts with {@code FltGetTransactionContext}.
 *
 * <p>Thread safety: safe for concurrent use; outcome changes are serialised on the object.
 */
public final class KTransaction {
  /** {@code TRANSACTION_NOTIFY_PREPREPARE}. */
  public static final int TRANSACTION_NOTIFY_PREPREPARE = 0x00000001;
  /** {@code TRANSACTION_NOTIFY_PREPARE}. */
  public static final int TRANSACTION_NOTIFY_PREPARE = 0x00000002;
  /** {@code TRANSACTION_NOTIFY_COMMIT}. */
  public static final int TRANSACTION_NOTIFY_COMMIT = 0x00000004;
  /** {@code TRANSACTION_NOTIFY_ROLLBACK}. */
  public static final int TRANSACTION_NOTIFY_ROLLBACK = 0x00000008;
  /** {@code TRANSACTION_NOTIFY_COMMIT_FINALIZE} (Vista SP1+). */
  public static final int TRANSACTION_NOTIFY_COMMIT_FINALIZE = 0x40000000;
  /** {@code FLT_MAX_TRANSACTION_NOTIFICATIONS}: every notification a minifilter can ask for. */
  public static final int FLT_MAX_TRANSACTION_NOTIFICATIONS =
      TRANSACTION_NOTIFY_PREPREPARE | TRANSACTION_NOTIFY_PREPARE | TRANSACTION_NOTIFY_COMMIT
          | TRANSACTION_NOTIFY_ROLLBACK | TRANSACTION_NOTIFY_COMMIT_FINALIZE;

  /** Where the transaction is. */
  public enum State {
    /** Open. */
    ACTIVE,
    /** Committed; the object has gone away. */
    COMMITTED,
    /** Rolled back; the object has gone away. */
    ROLLED_BACK
  }

  record Enlistment(FltInstance instance, FltContext context, int mask) {}

  private final String id;
  private volatile State state = State.ACTIVE;
  private final CopyOnWriteArrayList<Enlistment> enlistments = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<FltInstance> contextHolders = new CopyOnWriteArrayList<>();

  /**
   * Creates an active transaction.
   *
   * @param id a stable identity, such as {@code Tx#1}
   */
  public KTransaction(String id) {
    this.id = id;
  }

  /** Its identity. */
  public String id() {
    return id;
  }

  /** Its state. */
  public State state() {
    return state;
  }

  synchronized NtStatus enlist(FltInstance instance, FltContext context, int mask) {
    if (state != State.ACTIVE) {
      return NtStatus.STATUS_FLT_DELETING_OBJECT; // the end began: it would never notify this one
    }
    for (Enlistment e : enlistments) {
      if (e.instance() == instance) {
        return NtStatus.STATUS_FLT_ALREADY_ENLISTED;
      }
    }
    enlistments.add(new Enlistment(instance, context, mask));
    return NtStatus.STATUS_SUCCESS;
  }

  /**
   * Records that {@code instance} is about to attach a context to this transaction, unless the
   * transaction has ended. Checked and recorded under the monitor that {@link #finish} takes to
   * end the transaction, so either the end sees the instance (and detaches whatever it attaches),
   * or the set sees the end and attaches nothing.
   *
   * @return false when the transaction has ended (or is ending)
   */
  synchronized boolean addContextHolderIfActive(FltInstance instance) {
    if (state != State.ACTIVE) {
      return false;
    }
    contextHolders.addIfAbsent(instance);
    return true;
  }

  /** Commits: pre-prepare, prepare, commit and commit-finalize to those enlisted for them. */
  public void commit() {
    finish(
        State.COMMITTED,
        TRANSACTION_NOTIFY_PREPREPARE,
        TRANSACTION_NOTIFY_PREPARE,
        TRANSACTION_NOTIFY_COMMIT,
        TRANSACTION_NOTIFY_COMMIT_FINALIZE);
  }

  /** Rolls back: rollback to those enlisted for it. */
  public void rollback() {
    finish(State.ROLLED_BACK, TRANSACTION_NOTIFY_ROLLBACK);
  }

  private void finish(State outcome, int... notifications) {
    synchronized (this) {
      if (state != State.ACTIVE) {
        throw new IllegalStateException(id + " is already " + state);
      }
      state = outcome;
    }
    List<Enlistment> enlisted = new ArrayList<>(enlistments);
    for (int n : notifications) {
      for (Enlistment e : enlisted) {
        if ((e.mask() & n) != 0) {
          e.instance().deliverTransactionNotification(this, e.context(), n);
        }
      }
    }
    // The transaction object goes away: its contexts are deleted. No holder is added after the
    // state left ACTIVE, so this snapshot sees every instance that attached or will attach.
    for (FltInstance i : new ArrayList<>(contextHolders)) {
      i.transactionEnded(this);
    }
    enlistments.clear();
  }

  @Override
  public String toString() {
    return id;
  }
}
