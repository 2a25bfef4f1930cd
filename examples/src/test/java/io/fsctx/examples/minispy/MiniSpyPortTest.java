package io.fsctx.examples.minispy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.examples.support.DbgPrint;
import io.fsctx.examples.support.SampleRun;
import io.fsctx.fltmgr.ContextEvent;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.testing.FilterHarness;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoDriverCreateContext;
import io.fsctx.io.IoManager;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.Volume;
import io.fsctx.modelfs.FatLikeFileSystem;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.nt.NtStatus;
import io.fsctx.tm.KTransaction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The minispy port's observable behaviour: every operation logged with its name and status, one
 * enlistment per transaction however many creates it has, every notification logged, a failed
 * enlistment's context deleted and freed, and nothing left behind.
 */
class MiniSpyPortTest {
  private final IoManager io = new IoManager();
  private final FilterManager mgr = new FilterManager(FilterHarness.testConfig());
  private final MiniSpy spy = new MiniSpy(mgr, new DbgPrint(0, l -> {}));
  private final List<ContextEvent> events = new ArrayList<>();
  private Volume c;

  @BeforeEach
  void load() {
    c = io.mount("\\Device\\HarddiskVolume1", 'C', new NtfsLikeFileSystem());
    mgr.followMounts(io);
    mgr.addListener(events::add);
    assertEquals(NtStatus.STATUS_SUCCESS, spy.driverEntry());
  }

  @AfterEach
  void unloadsClean() {
    assertTrue(spy.unload().clean());
    assertEquals(List.of(), mgr.liveContexts());
    assertEquals(List.of(), mgr.verifierFindings());
    assertEquals(0, spy.recordsOutstanding(), "every record taken was logged or freed");
    assertEquals(List.of(), io.transactionManager().liveTransactions());
  }

  private FileObject open(String path, KTransaction tx) {
    return io.createFileEx(c, path, CreateParameters.openIf(), IoDriverCreateContext.transacted(tx)).openedFileObject();
  }

  private List<SpyLogRecord> notifications(KTransaction tx) {
    return spy.records().stream().filter(r -> r.isTransactionNotification() && tx.id().equals(r.transactionId())).toList();
  }

  @Test
  void operations_loggedWithNameAndStatus() {
    FileObject fo = io.createFile(c, "\\a.txt", CreateParameters.openIf()).openedFileObject();
    io.write(fo, 0, 5);
    io.closeHandle(fo);
    List<SpyLogRecord> ops = spy.records().stream().filter(r -> !r.isTransactionNotification()).toList();
    assertEquals(List.of(IrpMajorFunction.CREATE.code(), IrpMajorFunction.WRITE.code(), IrpMajorFunction.CLEANUP.code(),
        IrpMajorFunction.CLOSE.code()), ops.stream().map(SpyLogRecord::majorFunction).toList());
    assertTrue(ops.stream().allMatch(r -> NtStatus.STATUS_SUCCESS.equals(r.status())));
    assertEquals("\\Device\\HarddiskVolume1\\a.txt", ops.get(0).name());
  }

  @Test
  void transaction_enlistedOnce_everyNotificationLogged_contextFreedAtItsEnd() {
    KTransaction tx = io.transactionManager().createTransaction();
    io.closeHandle(open("\\t1", tx));
    io.closeHandle(open("\\t2", tx));
    assertEquals(List.of("enlisted"), notifications(tx).stream().map(r -> SpyLogRecord.notificationName(r.notification())).toList());
    assertEquals(NtStatus.STATUS_SUCCESS, tx.commit());
    assertEquals(List.of("enlisted", "TRANSACTION_NOTIFY_PREPREPARE", "TRANSACTION_NOTIFY_PREPARE", "TRANSACTION_NOTIFY_COMMIT",
            "TRANSACTION_NOTIFY_COMMIT_FINALIZE"),
        notifications(tx).stream().map(r -> SpyLogRecord.notificationName(r.notification())).toList());
    assertEquals(1, events.stream().filter(e -> e.kind() == ContextEvent.Kind.ALLOCATE).count());
    assertEquals(1, events.stream().filter(e -> e.kind() == ContextEvent.Kind.FREE).count(), "deleted at the transaction's end");
    tx.dereference();
  }

  @Test
  void rollback_logged() {
    KTransaction tx = io.transactionManager().createTransaction();
    io.closeHandle(open("\\r1", tx));
    tx.rollback();
    assertEquals(List.of("enlisted", "TRANSACTION_NOTIFY_ROLLBACK"),
        notifications(tx).stream().map(r -> SpyLogRecord.notificationName(r.notification())).toList());
    tx.dereference();
  }

  @Test
  void enlistFailure_contextDeletedAndFreed_retriedOnTheNextCreate() {
    KTransaction tx = io.transactionManager().createTransaction();
    tx.setEnlistmentFaults(MiniSpyWorkload::isMiniSpyEnlistment);
    io.closeHandle(open("\\f1", tx));
    io.closeHandle(open("\\f2", tx));
    assertEquals(List.of(), notifications(tx));
    assertEquals(2, events.stream().filter(e -> e.kind() == ContextEvent.Kind.ALLOCATE).count(), "one attempt per create");
    assertEquals(2, events.stream().filter(e -> e.kind() == ContextEvent.Kind.FREE).count(),
        "FltDeleteContext then FltReleaseContext freed each at once");
    assertEquals(NtStatus.STATUS_SUCCESS, tx.commit());
    tx.dereference();
  }

  @Test
  void workload_provokeEnlistFailure_stillClean() {
    for (boolean provoke : new boolean[] {false, true}) {
      SampleRun.Result r = MiniSpyWorkload.run(new NtfsLikeFileSystem(), new DbgPrint(0, l -> {}), provoke, s -> {});
      assertTrue(r.clean(), r::format);
      assertEquals(provoke ? 4 : 2, r.allocated(FltContextType.TRANSACTION));
      assertEquals(r.allocated(FltContextType.TRANSACTION), r.freed(FltContextType.TRANSACTION));
    }
  }

  @Test
  void workload_fatLike_transactedOpensRefused_noEnlistment() {
    List<String> lines = new ArrayList<>();
    SampleRun.Result r = MiniSpyWorkload.run(new FatLikeFileSystem(), new DbgPrint(0, lines::add), false, s -> {});
    assertTrue(r.clean(), r::format);
    assertEquals(0, r.allocated(FltContextType.TRANSACTION));
    assertFalse(lines.stream().anyMatch(l -> l.startsWith("TXN")));
  }
}
