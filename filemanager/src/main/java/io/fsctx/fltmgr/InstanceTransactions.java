package io.fsctx.fltmgr;

import static io.fsctx.nt.NtStatus.STATUS_FLT_DELETING_OBJECT;
import static io.fsctx.nt.NtStatus.STATUS_INVALID_PARAMETER;
import static io.fsctx.nt.NtStatus.STATUS_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;

import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.FirstFailure;
import io.fsctx.nt.NtStatus;
import io.fsctx.tm.KTransaction;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One instance's part in kernel transactions: its transaction contexts ({@code
 * FltSetTransactionContext} and friends) and its enlistments ({@code FltEnlistInTransaction}),
 * the notifications delivered through them, and what the end of a transaction or the instance's
 * teardown does to both. Split from {@link FltInstance}, which owns one and calls it from its
 * teardown; the checks that every context type shares stay there.
 *
 * <p>Thread safety: safe for concurrent use. An enlistment is published under the instance's
 * monitor, the one under which teardown moves the instance's state.
 */
final class InstanceTransactions {
  private final FltInstance instance;
  private final FilterManager manager;
  private final ContextTable<KTransaction> contexts;
  private final ConcurrentHashMap<KTransaction, FltEnlistment> enlistments = new ConcurrentHashMap<>();

  InstanceTransactions(FltInstance instance, FilterManager manager) {
    this.instance = instance;
    this.manager = manager;
    this.contexts = new ContextTable<>(instance);
  }

  /** {@code FltSetTransactionContext} through this instance. */
  ContextStore.SetOutcome setContext(
      KTransaction tx, @Nullable SetContextOperation op, FltContext ctx, boolean wantOld, String routine) {
    if (instance.isDying()) {
      return FltInstance.fail(STATUS_FLT_DELETING_OBJECT);
    }
    NtStatus t = instance.checkArgs(ctx, FltContextType.TRANSACTION, op, routine);
    if (!t.isSuccess()) {
      return FltInstance.fail(t);
    }
    // The end of a transaction is one step: the kernel transaction's state leaving ACTIVE under
    // its monitor (issue 18.1). Registering this instance as involved first means that an end
    // ordered after this point detaches what the set attaches (its end listener, or involve
    // itself when the end already happened, runs ended() for this instance), and the
    // set re-checks the state under the table's monitor, which that detach takes, so a set
    // ordered after the end attaches nothing and gets STATUS_FLT_DELETING_OBJECT.
    if (!tx.isActive()) {
      return FltInstance.fail(STATUS_FLT_DELETING_OBJECT);
    }
    manager.transactions().involve(tx, instance);
    manager.reach(RacePoint.TRANSACTION_SET_CHECKED);
    return contexts.set(
        tx, instance, ctx, java.util.Objects.requireNonNull(op), wantOld, () -> instance.isDying() || !tx.isActive(), routine);
  }

  /** {@code FltGetTransactionContext} through this instance. */
  FltInstance.Got getContext(KTransaction tx, String routine) {
    return instance.got(contexts.get(tx, routine), routine);
  }

  /** {@code FltDeleteTransactionContext} through this instance. */
  ContextStore.SetOutcome deleteContext(KTransaction tx, boolean wantOld) {
    return contexts.delete(tx, wantOld, instance::isDying, "FltDeleteTransactionContext");
  }

  /** {@code FltEnlistInTransaction} through this instance. */
  NtStatus enlist(KTransaction tx, FltContext ctx, int mask) {
    FltFilter filter = instance.filter();
    if (filter.registration().transactionNotificationCallback() == null) {
      return STATUS_INVALID_PARAMETER;
    }
    if (mask == 0 || (mask & ~TransactionNotificationCallback.FLT_MAX_TRANSACTION_NOTIFICATIONS) != 0) {
      return NtStatus.STATUS_INVALID_PARAMETER_4;
    }
    if (instance.isDying()) {
      return STATUS_FLT_DELETING_OBJECT;
    }
    ctx.checkNotFreed("FltEnlistInTransaction");
    if (ctx.type() != FltContextType.TRANSACTION || ctx.filter() != filter) {
      return STATUS_INVALID_PARAMETER;
    }
    if (!tx.isActive()) {
      return STATUS_FLT_DELETING_OBJECT;
    }
    FltEnlistment fe = new FltEnlistment(instance, tx, ctx);
    // The enlistment's reference is taken before the enlistment is published: from then on the
    // transaction's end (or the teardown) may close it, and closing drops exactly that reference.
    ctx.referenceInternal("FltEnlistInTransaction");
    @Nullable NtStatus refused = null;
    // The instance's monitor: teardown moves the state under it, so no enlistment is published
    // after the teardown's close of every enlistment.
    synchronized (instance) {
      if (instance.isDying()) {
        refused = STATUS_FLT_DELETING_OBJECT;
      } else if (enlistments.putIfAbsent(tx, fe) != null) {
        refused = NtStatus.STATUS_FLT_ALREADY_ENLISTED;
      }
    }
    if (refused != null) {
      fe.close(false); // never published: drops the reference
      return refused;
    }
    KTransaction.EnlistResult r = tx.enlist(instance.id() + "(" + filter.name() + ")", mask, (t, e, n) -> fe.deliver(n));
    io.fsctx.tm.Enlistment kernel = r.enlistment();
    if (kernel == null) {
      fe.close(false); // idempotent: a racing end may have closed it (and dropped the reference) already
      enlistments.remove(tx, fe); // only now: a teardown's leak check counts it until then
      return r.status().equals(NtStatus.STATUS_TRANSACTION_NOT_ACTIVE) ? STATUS_FLT_DELETING_OBJECT : r.status();
    }
    fe.bind(kernel);
    manager.transactions().involve(tx, instance);
    return STATUS_SUCCESS;
  }

  /** {@code FltRollbackEnlistment} through this instance. */
  NtStatus rollbackEnlistment(KTransaction tx) {
    if (!contexts.contains(tx)) {
      return STATUS_NOT_FOUND;
    }
    tx.rollback();
    return STATUS_SUCCESS;
  }

  /**
   * Calls the filter's transaction notification callback with the context it enlisted with.
   * The context is checked first: a freed one is bug check 0xF5/0x6E, reported, never passed on.
   */
  NtStatus deliver(KTransaction tx, FltContext ctx, int notification) {
    FltFilter filter = instance.filter();
    TransactionNotificationCallback cb = filter.registration().transactionNotificationCallback();
    if (cb == null) {
      return STATUS_SUCCESS;
    }
    ctx.checkNotFreed("TransactionNotification");
    Object token = manager.enterCallback("TransactionNotification", filter);
    try {
      NtStatus st = cb.notify(new FltRelatedObjects(filter, instance.volume(), instance, null, tx), ctx, notification);
      return st == null ? STATUS_SUCCESS : st;
    } catch (BugCheckException e) {
      manager.reportCallbackBugCheck("TransactionNotification", filter, instance.id(), e);
      throw e;
    } finally {
      manager.exitCallback(token);
    }
  }

  /**
   * The transaction has ended (every notification delivered): the enlistment closes and the
   * instance's transaction context is deleted. The one place a transaction's end is handled for
   * an instance; idempotent.
   */
  void ended(KTransaction tx) {
    // Closed before it leaves the map: until its reference is given back, the teardown's leak
    // check must find it (enlistmentReferencesOn) and a teardown must be able to wait for it.
    FltEnlistment e = enlistments.get(tx);
    if (e != null) {
      e.close(false);
      enlistments.remove(tx, e);
    }
    contexts.detachWhere(k -> k == tx, "TransactionEnd");
  }

  /**
   * The references this instance's enlistments hold on {@code context} for Filter Manager itself
   * (a snapshot, for reference ledgers: they are neither the link nor the filter's).
   */
  int enlistmentReferencesOn(FltContext context) {
    int n = 0;
    for (FltEnlistment e : enlistments.values()) {
      if (e.context() == context && e.holdsReference()) {
        n++;
      }
    }
    return n;
  }

  /** Whether the instance is enlisted in a transaction (a snapshot). */
  boolean isEnlistedIn(KTransaction tx) {
    return enlistments.containsKey(tx);
  }

  /** Teardown: closes every enlistment (waiting for references other threads are giving back). */
  void closeEnlistments() {
    FirstFailure.forEach(new ArrayList<>(enlistments.values()), e -> e.close(true));
    enlistments.clear();
  }

  /** Teardown: detaches every transaction context. */
  void detachAll(String routine) {
    contexts.detachAll(routine);
  }

  /** Adds the transaction contexts attached through this instance to {@code out}. */
  void collectAttached(java.util.List<FltContext> out) {
    contexts.collectAttached(out);
  }
}
