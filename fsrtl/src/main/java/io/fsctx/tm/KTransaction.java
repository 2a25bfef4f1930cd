package io.fsctx.tm;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.fsctx.nt.AllocationFaults;
import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.FirstFailure;
import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * {@code KTRANSACTION}: a kernel transaction. It is active until it commits or rolls back;
 * resource managers (a transactional file system, Filter Manager on behalf of its minifilters)
 * enlist in it and receive the commit protocol's notifications; file objects opened in it carry it
 * for every later request.
 *
 * <h2>The commit protocol (synchronous)</h2>
 * {@link #commit}: every enlistment that asked for them gets {@link #TRANSACTION_NOTIFY_PREPREPARE},
 * then {@link #TRANSACTION_NOTIFY_PREPARE} (state {@link State#PREPARING}); an error from either
 * vetoes the commit, which then rolls back and returns {@code STATUS_TRANSACTION_ABORTED}.
 * Otherwise the outcome is committed ({@link State#COMMITTED}) and {@link #TRANSACTION_NOTIFY_COMMIT}
 * then {@link #TRANSACTION_NOTIFY_COMMIT_FINALIZE} are delivered. {@link #rollback}: the outcome is
 * aborted ({@link State#ROLLED_BACK}) and {@link #TRANSACTION_NOTIFY_ROLLBACK} is delivered. Each
 * enlistment gets each notification it asked for exactly once, in enlistment order. When the
 * outcome is final and every notification has been delivered, the transaction has <em>ended</em>:
 * its enlistments are closed and the end listeners ({@link #addEndListener}) run once, which is
 * when Filter Manager deletes the transaction contexts set on it. A notification callback that
 * returns {@code STATUS_PENDING} is treated as finished (the model has no asynchronous completion,
 * so {@code FltCommitComplete} and its siblings are not modelled).
 *
 * <h2>The object</h2>
 * Reference counted as an object manager object: the creator owns one reference (its handle),
 * each file object opened in the transaction and each holder that calls {@link #reference} owns
 * one. When the last reference goes ({@link #dereference}) while the transaction is still active,
 * it is rolled back, as KTM aborts a transaction whose last handle is closed without a commit.
 * Dereferencing an object with no references left is bug check {@code 0x18}
 * (REFERENCE_BY_POINTER).
 *
 * <p>Statuses where the documentation is silent ([X] policies): rolling back a transaction that
 * already rolled back succeeds and does nothing (as ReactOS's {@code TmRollbackTransaction}
 * does); committing or rolling back from inside one of its own notifications is {@code
 * STATUS_TRANSACTION_REQUEST_NOT_VALID}.
 *
 * <p>Thread safety: safe for concurrent use. State changes are serialised on the object's
 * monitor; notifications and end listeners run with no lock held, on the thread that commits or
 * rolls back.
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
  /** Every notification the model delivers. */
  public static final int ALL_NOTIFICATIONS =
      TRANSACTION_NOTIFY_PREPREPARE | TRANSACTION_NOTIFY_PREPARE | TRANSACTION_NOTIFY_COMMIT
          | TRANSACTION_NOTIFY_ROLLBACK | TRANSACTION_NOTIFY_COMMIT_FINALIZE;
  /** {@code REFERENCE_BY_POINTER}: an object dereferenced below zero. */
  public static final int REFERENCE_BY_POINTER = 0x18;

  /** Where the transaction is. */
  public enum State {
    /** Open: work may join it. */
    ACTIVE,
    /** A commit is running its pre-prepare and prepare phases. */
    PREPARING,
    /** Committed (the outcome is final). */
    COMMITTED,
    /** Rolled back (the outcome is final). */
    ROLLED_BACK
  }

  /** {@code TRANSACTION_OUTCOME}, with its numeric values. */
  public enum Outcome {
    /** {@code TransactionOutcomeUndetermined}. */
    UNDETERMINED(1),
    /** {@code TransactionOutcomeCommitted}. */
    COMMITTED(2),
    /** {@code TransactionOutcomeAborted}. */
    ABORTED(3);

    private final int value;

    Outcome(int value) {
      this.value = value;
    }

    /** The {@code TRANSACTION_OUTCOME} value. */
    public int value() {
      return value;
    }
  }

  /**
   * The result of {@link #enlist}.
   *
   * @param status success, {@code STATUS_TRANSACTION_NOT_ACTIVE}, or {@code
   *     STATUS_INSUFFICIENT_RESOURCES}
   * @param enlistment the enlistment on success
   */
  public record EnlistResult(NtStatus status, @Nullable Enlistment enlistment) {}

  private final String id;
  private final @Nullable TransactionManager manager;
  private final AtomicInteger references = new AtomicInteger(1);
  private final CopyOnWriteArrayList<Enlistment> enlistments = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<Consumer<KTransaction>> endListeners = new CopyOnWriteArrayList<>();
  private volatile AllocationFaults enlistmentFaults = AllocationFaults.NEVER;

  @GuardedBy("this")
  private State state = State.ACTIVE;

  @GuardedBy("this")
  private boolean ended;

  /** The thread delivering notifications, so a re-entrant commit or rollback is refused. */
  private volatile @Nullable Thread notifying;

  /**
   * Creates an active transaction outside any transaction manager (for tests of one component);
   * the caller owns its one reference. Workloads use {@link TransactionManager#createTransaction}.
   *
   * @param id a stable identity, such as {@code Tx#1}
   */
  public KTransaction(String id) {
    this(id, null);
  }

  KTransaction(String id, @Nullable TransactionManager manager) {
    this.id = checkNotNull(id, "id");
    this.manager = manager;
  }

  /** Its identity, such as {@code Tx#1}. */
  public String id() {
    return id;
  }

  /** Where it is. */
  public synchronized State state() {
    return state;
  }

  /** Whether new work may join it (state {@link State#ACTIVE}). */
  public synchronized boolean isActive() {
    return state == State.ACTIVE;
  }

  /** {@code TransactionBasicInformation.Outcome}: undetermined until committed or rolled back. */
  public synchronized Outcome outcome() {
    return switch (state) {
      case COMMITTED -> Outcome.COMMITTED;
      case ROLLED_BACK -> Outcome.ABORTED;
      default -> Outcome.UNDETERMINED;
    };
  }

  /** Whether the outcome is final and every notification has been delivered. */
  public synchronized boolean hasEnded() {
    return ended;
  }

  // ---- References ---------------------------------------------------------------------------

  /** The object's reference count (a snapshot). */
  public int referenceCount() {
    return references.get();
  }

  /**
   * {@code ObReferenceObject}: one more reference, owned by the caller.
   *
   * @throws BugCheckException 0x18 when the object has no references left (it is gone)
   */
  public void reference() {
    int before = references.getAndUpdate(c -> c == 0 ? 0 : c + 1);
    if (before == 0) {
      throw new BugCheckException(REFERENCE_BY_POINTER, 0, "ObReferenceObject on " + id + ", which has no references left", null);
    }
  }

  /**
   * {@code ObDereferenceObject} (or closing the creator's handle): drops one reference. The last
   * one rolls an active transaction back, then the object goes away.
   *
   * @throws BugCheckException 0x18 when no reference was left
   */
  public void dereference() {
    int before = references.getAndUpdate(c -> c == 0 ? 0 : c - 1);
    if (before == 0) {
      throw new BugCheckException(REFERENCE_BY_POINTER, 0, "ObDereferenceObject on " + id + ", which has no references left", null);
    }
    if (before == 1) {
      if (isActive()) {
        rollback();
      }
      TransactionManager m = manager;
      if (m != null) {
        m.gone(this);
      }
    }
  }

  // ---- Enlistments --------------------------------------------------------------------------

  /**
   * Makes enlistments fail with {@code STATUS_INSUFFICIENT_RESOURCES} when {@code faults} says so
   * (asked with {@code "enlistment of "} and the enlisting owner, so one resource manager can be
   * chosen), for tests of callers' failure paths.
   *
   * @param faults the fault source; {@link AllocationFaults#NEVER} restores normal behaviour
   */
  public void setEnlistmentFaults(AllocationFaults faults) {
    enlistmentFaults = checkNotNull(faults, "faults");
  }

  /**
   * {@code TmCreateEnlistment}: enlists a resource manager for the notifications in {@code
   * notificationMask}.
   *
   * @param owner who enlists, for messages
   * @param notificationMask {@code TRANSACTION_NOTIFY_*} bits, some of {@link #ALL_NOTIFICATIONS}
   * @param callback receives the notifications
   * @return success with the enlistment (the caller owns it and may close it), {@code
   *     STATUS_TRANSACTION_NOT_ACTIVE} once a commit or rollback has begun, or {@code
   *     STATUS_INSUFFICIENT_RESOURCES} when the enlistment faults say so
   * @throws IllegalArgumentException when the mask is 0 or has bits the model does not deliver
   */
  public EnlistResult enlist(String owner, int notificationMask, EnlistmentCallback callback) {
    checkArgument(notificationMask != 0 && (notificationMask & ~ALL_NOTIFICATIONS) == 0,
        "notificationMask must be a non-empty set of TRANSACTION_NOTIFY_* bits, got 0x%s",
        Integer.toHexString(notificationMask));
    checkNotNull(callback, "callback");
    if (enlistmentFaults.shouldFail("enlistment of " + owner)) {
      return new EnlistResult(NtStatus.STATUS_INSUFFICIENT_RESOURCES, null);
    }
    Enlistment e = new Enlistment(this, owner, notificationMask, callback);
    synchronized (this) {
      if (state != State.ACTIVE) {
        return new EnlistResult(NtStatus.STATUS_TRANSACTION_NOT_ACTIVE, null);
      }
      enlistments.add(e);
    }
    return new EnlistResult(NtStatus.STATUS_SUCCESS, e);
  }

  void forget(Enlistment e) {
    enlistments.remove(e);
  }

  /** The open enlistments, in enlistment order (a snapshot). */
  public List<Enlistment> enlistments() {
    return List.copyOf(enlistments);
  }

  /**
   * Runs {@code listener} once when the transaction has ended (outcome final, every notification
   * delivered), on the thread that ended it; immediately when it already has.
   *
   * @param listener the listener
   */
  public void addEndListener(Consumer<KTransaction> listener) {
    checkNotNull(listener, "listener");
    boolean now;
    synchronized (this) {
      now = ended;
      if (!now) {
        endListeners.add(listener);
      }
    }
    if (now) {
      listener.accept(this);
    }
  }

  // ---- Outcome ------------------------------------------------------------------------------

  /**
   * {@code ZwCommitTransaction} / {@code TmCommitTransaction}.
   *
   * @return success; {@code STATUS_TRANSACTION_ABORTED} when an enlistment vetoed the prepare (the
   *     transaction then rolled back); {@code STATUS_TRANSACTION_ALREADY_COMMITTED}; {@code
   *     STATUS_TRANSACTION_ALREADY_ABORTED}; {@code STATUS_TRANSACTION_REQUEST_NOT_VALID} when a
   *     commit is already running or the call comes from one of this transaction's notifications
   */
  public NtStatus commit() {
    synchronized (this) {
      if (notifying == Thread.currentThread() || state == State.PREPARING) {
        return NtStatus.STATUS_TRANSACTION_REQUEST_NOT_VALID;
      }
      if (state == State.COMMITTED) {
        return NtStatus.STATUS_TRANSACTION_ALREADY_COMMITTED;
      }
      if (state == State.ROLLED_BACK) {
        return NtStatus.STATUS_TRANSACTION_ALREADY_ABORTED;
      }
      state = State.PREPARING;
    }
    boolean vetoed = !deliver(TRANSACTION_NOTIFY_PREPREPARE, true) || !deliver(TRANSACTION_NOTIFY_PREPARE, true);
    synchronized (this) {
      state = vetoed ? State.ROLLED_BACK : State.COMMITTED;
    }
    if (vetoed) {
      deliver(TRANSACTION_NOTIFY_ROLLBACK, false);
      end();
      return NtStatus.STATUS_TRANSACTION_ABORTED;
    }
    deliver(TRANSACTION_NOTIFY_COMMIT, false);
    deliver(TRANSACTION_NOTIFY_COMMIT_FINALIZE, false);
    end();
    return NtStatus.STATUS_SUCCESS;
  }

  /**
   * {@code ZwRollbackTransaction} / {@code TmRollbackTransaction}.
   *
   * @return success (also when it had already rolled back); {@code
   *     STATUS_TRANSACTION_ALREADY_COMMITTED}; {@code STATUS_TRANSACTION_REQUEST_NOT_VALID} from one
   *     of this transaction's notifications or while a commit is preparing
   */
  public NtStatus rollback() {
    synchronized (this) {
      if (notifying == Thread.currentThread() || state == State.PREPARING) {
        return NtStatus.STATUS_TRANSACTION_REQUEST_NOT_VALID;
      }
      if (state == State.COMMITTED) {
        return NtStatus.STATUS_TRANSACTION_ALREADY_COMMITTED;
      }
      if (state == State.ROLLED_BACK) {
        return NtStatus.STATUS_SUCCESS;
      }
      state = State.ROLLED_BACK;
    }
    deliver(TRANSACTION_NOTIFY_ROLLBACK, false);
    end();
    return NtStatus.STATUS_SUCCESS;
  }

  /**
   * Delivers one notification to every open enlistment that asked for it. With {@code canVeto},
   * stops at the first error and returns false. A callback that throws does not stop delivery to
   * the others; the first failure is rethrown after this phase.
   */
  private boolean deliver(int notification, boolean canVeto) {
    List<Enlistment> targets = new ArrayList<>(enlistments);
    FirstFailure failures = new FirstFailure();
    boolean ok = true;
    Thread previous = notifying;
    notifying = Thread.currentThread();
    try {
      for (Enlistment e : targets) {
        if (!e.wants(notification)) {
          continue;
        }
        NtStatus[] st = {NtStatus.STATUS_SUCCESS};
        failures.run(() -> st[0] = e.callback().notify(this, e, notification));
        if (canVeto && !st[0].isSuccess()) {
          ok = false;
          break;
        }
      }
    } finally {
      notifying = previous;
    }
    failures.rethrowIfAny();
    return ok;
  }

  /** The outcome is final and delivered: close every enlistment, then run the end listeners. */
  private void end() {
    List<Consumer<KTransaction>> listeners;
    synchronized (this) {
      ended = true;
      listeners = new ArrayList<>(endListeners);
      endListeners.clear();
    }
    for (Enlistment e : new ArrayList<>(enlistments)) {
      e.close();
    }
    FirstFailure.forEach(listeners, l -> l.accept(this));
  }

  @Override
  public String toString() {
    return id;
  }
}
