package io.fsctx.fltmgr;

import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static io.fsctx.tm.KTransaction.TRANSACTION_NOTIFY_COMMIT;
import static io.fsctx.tm.KTransaction.TRANSACTION_NOTIFY_COMMIT_FINALIZE;
import static io.fsctx.tm.KTransaction.TRANSACTION_NOTIFY_PREPARE;
import static io.fsctx.tm.KTransaction.TRANSACTION_NOTIFY_PREPREPARE;
import static io.fsctx.tm.KTransaction.TRANSACTION_NOTIFY_ROLLBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.testing.FilterHarness;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoDriverCreateContext;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.nt.PoolType;
import io.fsctx.tm.KTransaction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Transactions on the I/O path (issue 12): a transacted create's file object carries the
 * transaction into every callback's {@code FLT_RELATED_OBJECTS}; a filter enlists and gets each
 * notification it asked for once; the NTFS-like model gives the transacted behaviour; and a
 * transaction that ends after the filter unloaded, or its instance went, calls nothing and leaks
 * nothing.
 */
class TransactedIoPathTest {
  private final FilterManager mgr = new FilterManager(FilterHarness.testConfig());
  private final FilterHarness h = FilterHarness.on(mgr, new NtfsLikeFileSystem());
  private final KTransaction tx = h.io().transactionManager().createTransaction();

  /** What the filter saw: the transaction of every callback, and every notification. */
  private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
  private final List<String> notifications = Collections.synchronizedList(new ArrayList<>());
  private final List<FltContext> cleanedUp = Collections.synchronizedList(new ArrayList<>());
  private volatile @Nullable FltContext stashed;
  private volatile boolean faultEnlistment;
  private volatile NtStatus lastEnlist = STATUS_SUCCESS;

  @AfterEach
  void nothingLeft() {
    if (tx.referenceCount() > 0) {
      tx.dereference();
    }
    assertEquals(List.of(), h.io().transactionManager().liveTransactions(), "a transaction reference leaked");
    assertEquals(List.of(), mgr.liveContexts());
  }

  private FltPreopCallbackStatus pre(FltCallbackData data, FltRelatedObjects o, Out<Object> cc) {
    seen.add("Pre" + IrpMajorFunction.fromCode(data.iopb().majorFunction()) + " " + o.transaction());
    return FltPreopCallbackStatus.SUCCESS_WITH_CALLBACK;
  }

  private FltPostopCallbackStatus post(FltCallbackData data, FltRelatedObjects o, @Nullable Object cc, int flags) {
    seen.add("Post" + IrpMajorFunction.fromCode(data.iopb().majorFunction()) + " " + o.transaction());
    KTransaction t = o.transaction();
    if (data.iopb().majorFunction() == IrpMajorFunction.CREATE.code() && data.ioStatus().isSuccess() && t != null) {
      enlist(Objects.requireNonNull(o.instance()), t);
    }
    return FltPostopCallbackStatus.FINISHED_PROCESSING;
  }

  /** Minispy's pattern: get, else allocate and KEEP-set; enlist; on a failed enlist delete then release. */
  private void enlist(FltInstance instance, KTransaction t) {
    Out<FltContext> ctx = new Out<>();
    if (!Flt.getTransactionContext(instance, t, ctx).isSuccess()) {
      assertEquals(STATUS_SUCCESS, Flt.allocateContext(instance.filter(), FltContextType.TRANSACTION.code(), 8,
          PoolType.PAGED_POOL, ctx));
      Out<FltContext> old = new Out<>();
      NtStatus st = Flt.setTransactionContext(instance, t, 1, ctx.get(), old);
      if (!st.isSuccess()) {
        Flt.releaseContext(ctx.get());
        ctx.set(old.get());
      }
    }
    FltContext c = Objects.requireNonNull(ctx.get());
    if (faultEnlistment) {
      t.setEnlistmentFaults(what -> true);
    }
    lastEnlist = Flt.enlistInTransaction(instance, t, c, TransactionNotificationCallback.FLT_MAX_TRANSACTION_NOTIFICATIONS);
    if (!lastEnlist.isSuccess() && !lastEnlist.equals(NtStatus.STATUS_FLT_ALREADY_ENLISTED)) {
      Flt.deleteContext(c);
    }
    Flt.releaseContext(c);
  }

  private FltFilter start() {
    List<FltOperationRegistration> ops = new ArrayList<>();
    for (IrpMajorFunction m : List.of(IrpMajorFunction.CREATE, IrpMajorFunction.SET_INFORMATION, IrpMajorFunction.CLEANUP,
        IrpMajorFunction.CLOSE)) {
      ops.add(new FltOperationRegistration(m.code(), 0, this::pre, this::post));
    }
    FltRegistration reg = FltRegistration.builder()
        .contextRegistration(FltContextRegistration.of(FltContextType.TRANSACTION, 0, (c, t) -> cleanedUp.add(c), 8,
            FltContextRegistration.tag("TxWt"), null), FltContextRegistration.END)
        .operationRegistration(ops)
        .instanceQueryTeardownCallback((o, f) -> STATUS_SUCCESS)
        .transactionNotificationCallback((o, ctx, n) -> {
          notifications.add(Integer.toHexString(n) + " " + ctx.id() + " " + o.transaction());
          stashed = ctx;
          return STATUS_SUCCESS;
        })
        .build();
    return h.start("TxWatch", "385100", reg);
  }

  private FileObject openTransacted(String path, int access) {
    CreateResult r = h.io().createFileEx(h.volume(), path, CreateParameters.openIf().withDesiredAccess(access),
        IoDriverCreateContext.transacted(tx));
    assertTrue(r.isOpened(), r.status().toString());
    return r.openedFileObject();
  }

  private void deleteInTransaction(String path) {
    FileObject fo = openTransacted(path, IoConstants.GENERIC_READ | IoConstants.DELETE);
    assertEquals(STATUS_SUCCESS, h.io().setInformation(fo, new FileInformation.Disposition(true)).status());
    h.io().closeHandle(fo);
  }

  @Test
  @DisplayName("a transacted delete: every callback sees the transaction; commit reaches the filter once per notification; the file is gone")
  void transactedDelete_commit_everyCallbackSeesTheTransactionAndEachNotificationArrivesOnce() {
    start();
    h.close(h.open("\\doc.txt"));
    seen.clear();
    deleteInTransaction("\\doc.txt");
    assertFalse(seen.isEmpty());
    for (String s : seen) {
      assertTrue(s.endsWith(" " + tx.id()), "every request on the transacted file object carries it: " + s);
    }
    assertEquals(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, h.io().createFileEx(h.volume(), "\\doc.txt", CreateParameters.open(),
        IoDriverCreateContext.transacted(tx)).status(), "inside the transaction the file is gone");
    CreateResult outside = h.io().createFile(h.volume(), "\\doc.txt",
        CreateParameters.open().withDesiredAccess(IoConstants.FILE_READ_DATA));
    assertTrue(outside.isOpened(), "outside the transaction the committed file is still readable");
    h.close(outside.openedFileObject());
    assertEquals(STATUS_SUCCESS, tx.commit());
    List<String> kinds = notifications.stream().map(n -> n.substring(0, n.indexOf(' '))).toList();
    assertEquals(List.of(Integer.toHexString(TRANSACTION_NOTIFY_PREPREPARE), Integer.toHexString(TRANSACTION_NOTIFY_PREPARE),
        Integer.toHexString(TRANSACTION_NOTIFY_COMMIT), Integer.toHexString(TRANSACTION_NOTIFY_COMMIT_FINALIZE)), kinds);
    assertEquals(1, cleanedUp.size(), "the transaction context was deleted at the end and cleaned up once");
    assertFalse(h.io().createFile(h.volume(), "\\doc.txt", CreateParameters.open()).isOpened(), "committed: gone for everyone");
    assertTrue(h.unload().clean());
  }

  @Test
  @DisplayName("a transacted delete rolled back: the rollback reaches the filter once and the file is back")
  void transactedDelete_rollback_notifiedOnceAndFileRestored() {
    start();
    h.close(h.open("\\doc.txt"));
    deleteInTransaction("\\doc.txt");
    assertEquals(STATUS_SUCCESS, tx.rollback());
    assertEquals(1, notifications.size());
    assertTrue(notifications.get(0).startsWith(Integer.toHexString(TRANSACTION_NOTIFY_ROLLBACK) + " "));
    assertTrue(notifications.get(0).endsWith(" " + tx.id()), "the notification's related objects carry the transaction");
    assertEquals(1, cleanedUp.size());
    FileObject back = h.open("\\doc.txt");
    h.close(back);
    assertTrue(h.unload().clean());
  }

  @Test
  @DisplayName("a transaction that ends after its filter unloaded calls nothing and leaks nothing")
  void transactionEndsAfterUnload_callsNothing_leaksNothing() {
    start();
    h.close(openTransacted("\\t.txt", IoConstants.GENERIC_READ | IoConstants.GENERIC_WRITE));
    assertEquals(1, tx.enlistments().stream().filter(e -> e.owner().contains("TxWatch")).count());
    UnloadReport report = h.unload();
    assertTrue(report.clean(), report::format);
    assertEquals(1, cleanedUp.size(), "unload deleted the transaction context");
    assertTrue(tx.enlistments().stream().noneMatch(e -> e.owner().contains("TxWatch")), "the enlistment is closed");
    assertEquals(STATUS_SUCCESS, tx.commit());
    assertEquals(List.of(), notifications, "no notification reached the unloaded filter");
    assertEquals(List.of(), mgr.verifierFindings());
  }

  @Test
  @DisplayName("a transaction that ends after the instance was detached calls nothing")
  void transactionEndsAfterInstanceDetach_callsNothing() {
    FltFilter f = start();
    h.close(openTransacted("\\t.txt", IoConstants.GENERIC_READ));
    assertEquals(STATUS_SUCCESS, Flt.detachVolume(f, h.fltVolume(), null));
    assertEquals(1, cleanedUp.size());
    assertTrue(tx.enlistments().stream().noneMatch(e -> e.owner().contains("TxWatch")), "the teardown closed the enlistment");
    assertEquals(STATUS_SUCCESS, tx.rollback());
    assertEquals(List.of(), notifications, "no notification reached the torn-down instance");
    assertEquals(1, cleanedUp.size(), "the context was not cleaned up a second time at the transaction's end");
    assertEquals(List.of(), mgr.verifierFindings());
    assertTrue(h.unload().clean());
  }

  @Test
  @DisplayName("FltEnlistInTransaction failing for lack of resources: minispy deletes, then releases, and nothing leaks")
  void enlistFails_insufficientResources_deleteThenReleaseLeaksNothing() {
    start();
    faultEnlistment = true;
    h.close(openTransacted("\\t.txt", IoConstants.GENERIC_READ));
    assertEquals(NtStatus.STATUS_INSUFFICIENT_RESOURCES, lastEnlist);
    assertEquals(1, cleanedUp.size(), "FltDeleteContext dropped the link, FltReleaseContext the last reference");
    tx.commit();
    assertEquals(List.of(), notifications);
    assertTrue(h.unload().clean());
  }

  @Test
  @DisplayName("a transaction context used after the transaction freed it is reported (0xF5/0x6E)")
  void stashedContextUsedAfterTheEnd_reportedAsUseAfterFree() {
    start();
    h.close(openTransacted("\\t.txt", IoConstants.GENERIC_READ));
    tx.commit();
    FltContext c = stashed;
    assertNotNull(c);
    assertEquals(FltContext.State.FREED, c.state());
    BugCheckException e = assertThrows(BugCheckException.class, () -> Flt.referenceContext(c));
    assertEquals(0x6E, e.parameter1());
    assertTrue(mgr.verifierFindings().stream().anyMatch(v -> v.kind() == VerifierFinding.Kind.CONTEXT_USED_AFTER_FREE));
    assertSame(FltContext.State.FREED, c.state());
    h.unload();
  }
}
