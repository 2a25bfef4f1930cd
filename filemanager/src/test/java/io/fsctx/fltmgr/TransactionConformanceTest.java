package io.fsctx.fltmgr;

import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.FltTestSupport.Fx;
import io.fsctx.fltmgr.testing.NoLiveContextsExtension;
import io.fsctx.fltmgr.testing.NoLiveContextsExtension.TrackedManagers;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.tm.KTransaction;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * fltmgr.md 10.101–10.106: enlistment and the end of transaction contexts.
 *
 * <p>10.107–10.110 (FltCreateSectionForDataScan, FltCloseSectionForDataScan, FltGetSectionContext)
 * are not tested: attaching section contexts is out of scope (DESIGN.md). Registration and
 * allocation of FLT_SECTION_CONTEXT are covered by 10.19, and FltGetContextsEx leaving
 * SectionContext NULL by 10.68.
 */
@ExtendWith(NoLiveContextsExtension.class)
class TransactionConformanceTest {
  private static final int COMMIT = KTransaction.TRANSACTION_NOTIFY_COMMIT;
  private Fx fx;

  @BeforeEach
  void setUp(TrackedManagers managers) {
    fx = new Fx(managers.create(FltTestSupport.quickUnload().build()));
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  private FltContext attachedTxContext() {
    FltContext c = fx.alloc(FltContextType.TRANSACTION);
    assertEquals(STATUS_SUCCESS, Flt.setTransactionContext(fx.instance, fx.tx, 1, c, null));
    return c;
  }

  @Test
  @DisplayName("fltmgr.md 10.101: FltEnlistInTransaction without a TransactionNotificationCallback is INVALID_PARAMETER")
  void enlist_noNotificationCallback_invalidParameter() {
    Out<FltFilter> f = new Out<>();
    FltRegistration reg =
        FltRegistration.builder().contextRegistration(FltTestSupport.allTypes(new FltTestSupport.Recorder(), WindowsVersion.WIN11)).build();
    assertEquals(STATUS_SUCCESS, Flt.registerFilter(fx.mgr, DriverObject.of("NoTx", "390000"), reg, f));
    FltFilter filter = Objects.requireNonNull(f.get());
    Out<FltInstance> i = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.attachVolume(filter, fx.volume, null, i));
    FltContext c = Fx.alloc(filter, FltContextType.TRANSACTION);
    assertEquals(STATUS_SUCCESS, Flt.setTransactionContext(i.get(), fx.tx, 1, c, null));
    assertEquals(NtStatus.STATUS_INVALID_PARAMETER, Flt.enlistInTransaction(i.get(), fx.tx, c, COMMIT));
    Flt.releaseContext(c);
    Flt.unregisterFilter(filter);
  }

  @Test
  @DisplayName("fltmgr.md 10.102: a second enlistment of one (instance, transaction) is ALREADY_ENLISTED")
  void enlist_twice_alreadyEnlisted() {
    FltContext c = attachedTxContext();
    assertEquals(STATUS_SUCCESS, Flt.enlistInTransaction(fx.instance, fx.tx, c, COMMIT));
    assertEquals(NtStatus.STATUS_FLT_ALREADY_ENLISTED, fx.instance.enlistInTransaction(fx.tx, c, COMMIT));
    Flt.releaseContext(c);
  }

  @ParameterizedTest(name = "mask 0x{0}")
  @ValueSource(ints = {0, 0x10, 0x80000000})
  @DisplayName("fltmgr.md 10.103: an invalid notification mask is INVALID_PARAMETER_4")
  void enlist_invalidMask_invalidParameter4(int mask) {
    FltContext c = attachedTxContext();
    assertEquals(NtStatus.STATUS_INVALID_PARAMETER_4, Flt.enlistInTransaction(fx.instance, fx.tx, c, mask));
    Flt.releaseContext(c);
  }

  @Test
  @DisplayName("fltmgr.md 10.104: FltRollbackEnlistment without a transaction context is NOT_FOUND")
  void rollbackEnlistment_noContext_notFound() {
    assertEquals(NtStatus.STATUS_NOT_FOUND, Flt.rollbackEnlistment(fx.instance, fx.tx, null));
    assertEquals(KTransaction.State.ACTIVE, fx.tx.state());
  }

  @Test
  @DisplayName("fltmgr.md 10.105, 10.106: the notification callback receives the set context; after commit it is detached and cleaned up once")
  void commit_notifiesWithContextThenDetaches() {
    FltContext c = attachedTxContext();
    assertEquals(STATUS_SUCCESS, Flt.enlistInTransaction(fx.instance, fx.tx, c, TransactionNotificationCallback.FLT_MAX_TRANSACTION_NOTIFICATIONS));
    Flt.releaseContext(c);
    fx.tx.commit();
    assertTrue(!fx.rec.notified.isEmpty());
    fx.rec.notified.forEach(n -> assertSame(c, n));
    assertTrue(fx.rec.logSnapshot().contains("TxNotify:4:" + c.id()), fx.rec.log::toString);
    assertEquals(FltContext.State.FREED, c.state());
    assertEquals(1, fx.rec.cleanupsOf(c));
  }

  @Test
  @DisplayName("fltmgr.md 10.106: FltRollbackEnlistment rolls back; a context still referenced is cleaned up only at its release")
  void rollbackEnlistment_detachesContext_cleanupAtLastRelease() {
    FltContext c = attachedTxContext();
    assertEquals(STATUS_SUCCESS, Flt.enlistInTransaction(fx.instance, fx.tx, c, KTransaction.TRANSACTION_NOTIFY_ROLLBACK));
    assertEquals(STATUS_SUCCESS, Flt.rollbackEnlistment(fx.instance, fx.tx, c));
    assertEquals(KTransaction.State.ROLLED_BACK, fx.tx.state());
    assertEquals(FltContext.State.DELETED, c.state());
    assertEquals(0, fx.rec.cleanupsOf(c));
    Out<FltContext> none = new Out<>();
    assertEquals(NtStatus.STATUS_NOT_FOUND, Flt.getTransactionContext(fx.instance, fx.tx, none));
    Flt.releaseContext(c);
    assertEquals(1, fx.rec.cleanupsOf(c));
  }
}
