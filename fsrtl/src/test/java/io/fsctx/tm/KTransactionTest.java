package io.fsctx.tm;

import static io.fsctx.tm.KTransaction.TRANSACTION_NOTIFY_COMMIT;
import static io.fsctx.tm.KTransaction.TRANSACTION_NOTIFY_COMMIT_FINALIZE;
import static io.fsctx.tm.KTransaction.TRANSACTION_NOTIFY_PREPARE;
import static io.fsctx.tm.KTransaction.TRANSACTION_NOTIFY_PREPREPARE;
import static io.fsctx.tm.KTransaction.TRANSACTION_NOTIFY_ROLLBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.IdSource;
import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** The kernel transaction: the commit protocol's order, its statuses, enlistments and references. */
class KTransactionTest {
  private final TransactionManager tm = new TransactionManager(new IdSource());
  private final List<String> log = new ArrayList<>();

  private Enlistment enlist(KTransaction tx, String who, int mask) {
    return enlist(tx, who, mask, NtStatus.STATUS_SUCCESS, 0);
  }

  private Enlistment enlist(KTransaction tx, String who, int mask, NtStatus answer, int vetoOn) {
    KTransaction.EnlistResult r = tx.enlist(who, mask, (t, e, n) -> {
      log.add(who + ":" + Integer.toHexString(n));
      return n == vetoOn ? answer : NtStatus.STATUS_SUCCESS;
    });
    assertEquals(NtStatus.STATUS_SUCCESS, r.status());
    return Objects.requireNonNull(r.enlistment());
  }

  @Test
  void commit_deliversEachAskedNotificationOnceInProtocolOrder() {
    KTransaction tx = tm.createTransaction();
    enlist(tx, "A", KTransaction.ALL_NOTIFICATIONS);
    enlist(tx, "B", TRANSACTION_NOTIFY_COMMIT | TRANSACTION_NOTIFY_ROLLBACK);
    assertEquals(NtStatus.STATUS_SUCCESS, tx.commit());
    assertEquals(List.of("A:1", "A:2", "A:4", "B:4", "A:40000000"), log);
    assertEquals(KTransaction.State.COMMITTED, tx.state());
    assertEquals(KTransaction.Outcome.COMMITTED, tx.outcome());
    assertTrue(tx.hasEnded());
    assertTrue(tx.enlistments().isEmpty(), "the end closes every enlistment");
  }

  @Test
  void commit_prepareVetoed_rollsBackAndIsAborted() {
    KTransaction tx = tm.createTransaction();
    enlist(tx, "A", KTransaction.ALL_NOTIFICATIONS, NtStatus.STATUS_UNSUCCESSFUL, TRANSACTION_NOTIFY_PREPARE);
    enlist(tx, "B", TRANSACTION_NOTIFY_PREPARE | TRANSACTION_NOTIFY_ROLLBACK);
    assertEquals(NtStatus.STATUS_TRANSACTION_ABORTED, tx.commit());
    assertEquals(List.of("A:1", "A:2", "A:8", "B:8"), log, "the veto stops the prepare phase; everyone asked gets the rollback");
    assertEquals(KTransaction.Outcome.ABORTED, tx.outcome());
  }

  @Test
  void rollback_deliversRollbackOnly() {
    KTransaction tx = tm.createTransaction();
    enlist(tx, "A", KTransaction.ALL_NOTIFICATIONS);
    assertEquals(KTransaction.Outcome.UNDETERMINED, tx.outcome());
    assertEquals(NtStatus.STATUS_SUCCESS, tx.rollback());
    assertEquals(List.of("A:8"), log);
    assertEquals(KTransaction.State.ROLLED_BACK, tx.state());
  }

  @Test
  void outcomeCalls_afterTheEnd_documentedStatuses() {
    KTransaction committed = tm.createTransaction();
    committed.commit();
    assertEquals(NtStatus.STATUS_TRANSACTION_ALREADY_COMMITTED, committed.commit());
    assertEquals(NtStatus.STATUS_TRANSACTION_ALREADY_COMMITTED, committed.rollback());
    KTransaction aborted = tm.createTransaction();
    aborted.rollback();
    assertEquals(NtStatus.STATUS_TRANSACTION_ALREADY_ABORTED, aborted.commit());
    assertEquals(NtStatus.STATUS_SUCCESS, aborted.rollback(), "a second rollback does nothing ([X] policy)");
  }

  @Test
  void commit_fromItsOwnNotification_requestNotValid() {
    KTransaction tx = tm.createTransaction();
    List<NtStatus> inner = new ArrayList<>();
    tx.enlist("A", TRANSACTION_NOTIFY_COMMIT, (t, e, n) -> {
      inner.add(t.commit());
      inner.add(t.rollback());
      return NtStatus.STATUS_SUCCESS;
    });
    assertEquals(NtStatus.STATUS_SUCCESS, tx.commit());
    assertEquals(List.of(NtStatus.STATUS_TRANSACTION_REQUEST_NOT_VALID, NtStatus.STATUS_TRANSACTION_REQUEST_NOT_VALID), inner);
  }

  @Test
  void enlist_afterTheOutcome_transactionNotActive() {
    KTransaction tx = tm.createTransaction();
    tx.rollback();
    assertEquals(NtStatus.STATUS_TRANSACTION_NOT_ACTIVE, tx.enlist("late", TRANSACTION_NOTIFY_COMMIT, (t, e, n) -> n == 0
        ? NtStatus.STATUS_UNSUCCESSFUL : NtStatus.STATUS_SUCCESS).status());
  }

  @Test
  void enlist_faultInjected_insufficientResources() {
    KTransaction tx = tm.createTransaction();
    tx.setEnlistmentFaults(what -> what.startsWith("enlistment of "));
    KTransaction.EnlistResult r = tx.enlist("A", TRANSACTION_NOTIFY_COMMIT, (t, e, n) -> NtStatus.STATUS_SUCCESS);
    assertEquals(NtStatus.STATUS_INSUFFICIENT_RESOURCES, r.status());
    assertEquals(null, r.enlistment());
  }

  @Test
  void enlist_emptyOrUnknownMask_preconditionFailure() {
    KTransaction tx = tm.createTransaction();
    assertThrows(IllegalArgumentException.class, () -> tx.enlist("A", 0, (t, e, n) -> NtStatus.STATUS_SUCCESS));
    assertThrows(IllegalArgumentException.class, () -> tx.enlist("A", 0x10, (t, e, n) -> NtStatus.STATUS_SUCCESS));
  }

  @Test
  void closedEnlistment_isNeverNotified() {
    KTransaction tx = tm.createTransaction();
    Enlistment a = enlist(tx, "A", KTransaction.ALL_NOTIFICATIONS);
    enlist(tx, "B", TRANSACTION_NOTIFY_COMMIT);
    assertTrue(a.close());
    assertFalse(a.close(), "closing twice does nothing");
    tx.commit();
    assertEquals(List.of("B:4"), log);
  }

  @Test
  void endListener_runsOnceAfterEveryNotification_orAtOnceWhenAlreadyEnded() {
    KTransaction tx = tm.createTransaction();
    enlist(tx, "A", TRANSACTION_NOTIFY_COMMIT_FINALIZE);
    tx.addEndListener(t -> log.add("end " + t.id()));
    tx.commit();
    assertEquals(List.of("A:40000000", "end " + tx.id()), log);
    tx.addEndListener(t -> log.add("late"));
    assertEquals("late", log.get(log.size() - 1));
  }

  @Test
  void dereference_lastReferenceOfAnActiveTransaction_rollsItBackAndItIsGone() {
    KTransaction tx = tm.createTransaction();
    enlist(tx, "A", TRANSACTION_NOTIFY_ROLLBACK | TRANSACTION_NOTIFY_PREPREPARE);
    tx.reference();
    assertEquals(2, tx.referenceCount());
    tx.dereference();
    assertEquals(List.of(tx), tm.liveTransactions());
    tx.dereference();
    assertEquals(List.of("A:8"), log);
    assertEquals(KTransaction.State.ROLLED_BACK, tx.state());
    assertEquals(List.of(), tm.liveTransactions());
    BugCheckException e = assertThrows(BugCheckException.class, tx::dereference);
    assertEquals(KTransaction.REFERENCE_BY_POINTER, e.bugCheckCode());
    assertThrows(BugCheckException.class, tx::reference);
  }

  @Test
  void transactionManager_namesTransactionsInOrder() {
    KTransaction a = tm.createTransaction();
    KTransaction b = tm.createTransaction();
    assertEquals("Tx#1", a.id());
    assertEquals("Tx#2", b.id());
    assertEquals(List.of(a, b), tm.liveTransactions());
    assertSame(a, tm.liveTransactions().get(0));
  }
}
