package io.fsctx.examples.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.examples.support.DbgPrint;
import io.fsctx.examples.support.SampleRun;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.GetResult;
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.fltmgr.testing.FilterHarness;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileInformationClass;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.FsControlCodes;
import io.fsctx.io.IoDriverCreateContext;
import io.fsctx.io.IoManager;
import io.fsctx.io.Volume;
import io.fsctx.modelfs.FatLikeFileSystem;
import io.fsctx.modelfs.LegacyFileSystem;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.nt.NtStatus;
import io.fsctx.tm.KTransaction;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The change port's observable behaviour: dirty tracking outside and inside transactions, the
 * five-case transition of a file between transactions with balanced references, the "dirty"
 * reports, and the file-context support rules (native, emulated, not supported).
 */
class ChangePortTest {
  private final IoManager io = new IoManager();
  private final FilterManager mgr = new FilterManager(FilterHarness.testConfig());
  private final DbgPrint log = new DbgPrint(Change.DEFAULT_TRACE_FLAGS, l -> {});
  private final Change change = new Change(mgr, log);
  private Volume vol;

  private void load(FileSystemDriver fs) {
    vol = io.mount("\\Device\\HarddiskVolume1", 'C', fs);
    mgr.followMounts(io);
    assertEquals(NtStatus.STATUS_SUCCESS, change.driverEntry());
  }

  @AfterEach
  void unloadsClean() {
    if (change.filter() != null) {
      assertTrue(change.unload().clean());
    }
    assertEquals(List.of(), mgr.liveContexts());
    assertEquals(List.of(), mgr.verifierFindings());
    assertEquals(List.of(), io.transactionManager().liveTransactions());
  }

  private FltInstance instance() {
    return Objects.requireNonNull(mgr.volumeOf(vol)).instances().get(0);
  }

  private FileObject open(String path, @Nullable KTransaction tx) {
    return io.createFileEx(vol, path, CreateParameters.openIf(),
        tx == null ? IoDriverCreateContext.NONE : IoDriverCreateContext.transacted(tx)).openedFileObject();
  }

  private String idOf(FileObject fo) {
    long id = io.queryInformationFile(fo, FileInformationClass.FILE_INTERNAL_INFORMATION, 8)
        .output(FileInformation.Internal.class).indexNumber();
    return String.format(Locale.ROOT, "%016x,%016x", 0, id);
  }

  private CgFileContext fileContextOf(FileObject fo) {
    try (GetResult g = instance().getFileContext(fo)) {
      return g.require().payload(CgFileContext.class);
    }
  }

  private @Nullable FltContext txContextOf(KTransaction tx) {
    try (GetResult g = instance().getTransactionContext(tx)) {
      return g.found() ? g.require().context() : null;
    }
  }

  @Test
  @DisplayName("a non-transacted write makes the file dirty, reported at its close")
  void nonTransactedWrite_reportedDirtyAtClose() {
    load(new NtfsLikeFileSystem());
    FileObject fo = open("\\a.txt", null);
    String id = idOf(fo);
    io.write(fo, 0, 10);
    assertTrue(fileContextOf(fo).dirty());
    io.closeHandle(fo);
    assertTrue(log.contains("CgPreClose: Non-transacted file ID " + id + " is dirty"), log.lines()::toString);
  }

  @Test
  @DisplayName("a transacted write sets TxDirty; the commit propagates it and reports the file; nothing at close")
  void transactedWrite_commit_propagatesAndReports() {
    load(new NtfsLikeFileSystem());
    KTransaction tx = io.transactionManager().createTransaction();
    FileObject keep = open("\\t.txt", null); // keeps the file context attached so the test can look at it
    String id = idOf(keep);
    FileObject fo = open("\\t.txt", tx);
    io.write(fo, 0, 10);
    CgFileContext fc = fileContextOf(fo);
    assertTrue(fc.txDirty());
    assertFalse(fc.dirty());
    FltContext tc = Objects.requireNonNull(txContextOf(tx));
    assertSame(tc, fc.txContext());
    assertTrue(tc.payload(CgTransactionContext.class).enlisted());
    assertEquals(1, tc.payload(CgTransactionContext.class).listed());
    io.closeHandle(fo);
    assertFalse(log.contains("is dirty"), "a transacted close reports nothing");
    assertEquals(NtStatus.STATUS_SUCCESS, tx.commit());
    assertTrue(fc.dirty(), "commit: Dirty |= TxDirty");
    assertFalse(fc.txDirty());
    assertNull(fc.txContext());
    assertTrue(log.contains("CgProcessTransactionOutcome: Transacted file ID " + id + " is dirty"), log.lines()::toString);
    io.closeHandle(keep);
    tx.dereference();
  }

  @Test
  @DisplayName("a transacted write rolled back never makes the file dirty")
  void transactedWrite_rollback_neverDirty() {
    load(new NtfsLikeFileSystem());
    KTransaction tx = io.transactionManager().createTransaction();
    FileObject keep = open("\\r.txt", null);
    FileObject fo = open("\\r.txt", tx);
    io.write(fo, 0, 10);
    io.closeHandle(fo);
    tx.rollback();
    CgFileContext fc = fileContextOf(keep);
    assertFalse(fc.dirty());
    assertFalse(fc.txDirty());
    io.closeHandle(keep);
    assertFalse(log.contains("is dirty"));
    tx.dereference();
  }

  @Test
  @DisplayName("case 3: a writer in another transaction moves the file's list entry; only the second transaction's commit reports it")
  void case3_fileMovesToTheNewTransaction() {
    load(new NtfsLikeFileSystem());
    KTransaction c = io.transactionManager().createTransaction();
    KTransaction d = io.transactionManager().createTransaction();
    FileObject keep = open("\\m.txt", null);
    String id = idOf(keep);
    FileObject inC = open("\\m.txt", c);
    io.write(inC, 0, 1);
    FileObject inD = open("\\m.txt", d);
    CgFileContext fc = fileContextOf(keep);
    assertSame(txContextOf(d), fc.txContext());
    assertEquals(0, Objects.requireNonNull(txContextOf(c)).payload(CgTransactionContext.class).listed());
    assertFalse(fc.txDirty(), "C's outcome is undetermined, so its TxDirty was dropped, not propagated");
    io.write(inD, 0, 1);
    io.closeHandle(inC);
    io.closeHandle(inD);
    c.commit();
    assertFalse(log.contains("is dirty"), "C no longer lists the file");
    d.commit();
    assertTrue(log.contains("Transacted file ID " + id + " is dirty"));
    io.closeHandle(keep);
    c.dereference();
    d.dereference();
  }

  @Test
  @DisplayName("case 2: a non-transacted writer takes the file out of the transaction; it is dirty outside it")
  void case2_nonTransactedWriterLeavesTheTransaction() {
    load(new NtfsLikeFileSystem());
    io.closeHandle(open("\\l.txt", null)); // a file created in E would be invisible outside it
    KTransaction e = io.transactionManager().createTransaction();
    FileObject inE = open("\\l.txt", e);
    io.write(inE, 0, 1);
    FileObject plain = open("\\l.txt", null);
    CgFileContext fc = fileContextOf(plain);
    assertNull(fc.txContext());
    assertEquals(0, Objects.requireNonNull(txContextOf(e)).payload(CgTransactionContext.class).listed());
    io.write(plain, 0, 1);
    assertTrue(fc.dirty());
    io.closeHandle(inE);
    io.closeHandle(plain);
    e.commit();
    e.dereference();
  }

  @Test
  @DisplayName("case 4: a second writer in the same transaction changes nothing: one list entry, references unchanged, one report at the commit")
  void case4_secondWriterInTheSameTransaction_nothingChanges() {
    load(new NtfsLikeFileSystem());
    KTransaction tx = io.transactionManager().createTransaction();
    FileObject keep = open("\\s.txt", null);
    String id = idOf(keep);
    FileObject first = open("\\s.txt", tx);
    io.write(first, 0, 1);
    CgFileContext fc = fileContextOf(keep);
    FltContext tc = Objects.requireNonNull(txContextOf(tx));
    int txRefs = tc.referenceCount();
    FileObject second = open("\\s.txt", tx);
    io.write(second, 0, 1);
    assertSame(tc, fc.txContext());
    assertEquals(1, tc.payload(CgTransactionContext.class).listed(), "listed once");
    assertEquals(txRefs, tc.referenceCount(), "no reference taken or dropped on the transaction context");
    io.closeHandle(first);
    io.closeHandle(second);
    tx.commit();
    assertEquals(1, log.lines().stream().filter(l -> l.contains("Transacted file ID " + id + " is dirty")).count());
    io.closeHandle(keep);
    tx.dereference();
  }

  @Test
  @DisplayName("case 5: two non-transacted writers: no transaction context anywhere, the file is dirty outside any transaction")
  void case5_twoNonTransactedWriters_noTransactionContext() {
    load(new NtfsLikeFileSystem());
    FileObject first = open("\\p.txt", null);
    FileObject second = open("\\p.txt", null);
    io.write(second, 0, 1);
    CgFileContext fc = fileContextOf(first);
    assertNull(fc.txContext());
    assertTrue(fc.dirty());
    assertFalse(fc.txDirty());
    assertTrue(mgr.liveContexts().stream().noneMatch(c -> c.type() == FltContextType.TRANSACTION));
    io.closeHandle(second);
    io.closeHandle(first);
  }

  @Test
  @DisplayName("the workload: every case, no leak, no finding, every transaction reference given back")
  void workload_ntfs_clean() {
    DbgPrint l = new DbgPrint(Change.DEFAULT_TRACE_FLAGS, x -> {});
    SampleRun.Result r = ChangeWorkload.run(new NtfsLikeFileSystem(), l, s -> {});
    assertTrue(r.clean(), r::format);
    assertEquals(5, r.allocated(FltContextType.FILE), "one per file: a reader keeps each file open");
    assertEquals(2, l.lines().stream().filter(x -> x.contains("Transacted file ID")).count(),
        "the committed file at the first commit, the moved file at the second transaction's commit only");
    assertFalse(l.contains("0000000000000000,0000000000000004 is dirty"), "the rolled-back file is never dirty");
    assertEquals(r.allocated(FltContextType.FILE), r.freed(FltContextType.FILE));
    assertEquals(5, r.allocated(FltContextType.TRANSACTION), "one per transaction the writers opened");
    assertEquals(r.allocated(FltContextType.TRANSACTION), r.freed(FltContextType.TRANSACTION));
  }

  @Test
  @DisplayName("file contexts emulated on the FAT-like model: dirty tracking works; transacted opens are refused")
  void fatLike_emulatedFileContexts_dirtyTrackingWorks() {
    DbgPrint l = new DbgPrint(Change.DEFAULT_TRACE_FLAGS, x -> {});
    SampleRun.Result r = ChangeWorkload.run(new FatLikeFileSystem(), l, s -> {});
    assertTrue(r.clean(), r::format);
    assertTrue(r.allocated(FltContextType.FILE) > 0, "Filter Manager emulates file contexts on a single-stream file system");
    assertEquals(0, r.allocated(FltContextType.TRANSACTION));
    assertTrue(r.steps().stream().anyMatch(s -> s.contains("STATUS_TRANSACTIONAL_OPEN_NOT_ALLOWED")));
    assertTrue(l.contains("Non-transacted file ID"));
  }

  @Test
  @DisplayName("no file contexts on the legacy model: FltGetFileContext is NOT_SUPPORTED and the filter passes everything through")
  void legacy_noFileContexts_passThrough() {
    DbgPrint l = new DbgPrint(Change.DEFAULT_TRACE_FLAGS | Change.CGDBG_TRACE_ROUTINES, x -> {});
    SampleRun.Result r = ChangeWorkload.run(new LegacyFileSystem(), l, s -> {});
    // The only findings are the verifier's notes on the legacy file system itself.
    assertTrue(r.findings().stream().allMatch(f -> f.kind() == VerifierFinding.Kind.FILE_SYSTEM_RULE), r::format);
    assertTrue(r.crash() == null && r.liveContexts().isEmpty() && r.liveTransactions() == 0, r::format);
    assertTrue(Objects.requireNonNull(r.unload()).clean(), r::format);
    assertEquals(0, r.allocated(FltContextType.FILE));
    assertTrue(l.contains("CgPostCreate: find file context failed."));
    assertFalse(l.contains("is dirty"));
  }

  @Test
  @DisplayName("a savepoint control is completed with STATUS_NOT_SUPPORTED before the file system sees it")
  void savepointControl_notSupported() {
    load(new NtfsLikeFileSystem());
    FileObject fo = open("\\s.txt", null);
    assertEquals(NtStatus.STATUS_NOT_SUPPORTED,
        io.fsControl(fo, FsControlCodes.FSCTL_TXFS_SAVEPOINT_INFORMATION, null, 0).status());
    assertEquals(NtStatus.STATUS_SUCCESS, io.fsControl(fo, FsControlCodes.FSCTL_CREATE_OR_GET_OBJECT_ID, null, 64).status());
    io.closeHandle(fo);
    assertNotNull(change.filter());
  }
}
