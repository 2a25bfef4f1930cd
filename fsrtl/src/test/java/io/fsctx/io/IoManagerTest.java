package io.fsctx.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.FsRtl;
import io.fsctx.fsrtl.PerFileContext;
import io.fsctx.fsrtl.PerFileObjectContext;
import io.fsctx.fsrtl.PerStreamContext;
import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IoManagerTest {
  private final IoManager io = new IoManager();
  private final EventRecorder rec = new EventRecorder();

  private Volume mount(ClosePolicy policy) {
    io.addListener(rec);
    return io.mount("\\Device\\HarddiskVolume1", 'c', new TestFileSystem(HeaderKind.ADVANCED_WITH_FILE_CONTEXTS, policy));
  }

  private FileObject open(Volume v, String path) {
    CreateResult r = io.createFile(v, path, CreateParameters.openIf());
    assertEquals(NtStatus.STATUS_SUCCESS, r.status(), path);
    return r.openedFileObject();
  }

  /** Inserts a per-stream context whose free callback counts its calls. */
  private static AtomicInteger insertCountingContext(FileObject fo) {
    AtomicInteger frees = new AtomicInteger();
    PerStreamContext ctx = new PerStreamContext(new Object(), null, c -> frees.incrementAndGet());
    assertEquals(NtStatus.STATUS_SUCCESS, FsRtl.insertPerStreamContext(fo.fsContext(), ctx));
    return frees;
  }

  @Test
  void mount_newVolume_publishesMountedThenVcbHeader() {
    Volume v = mount(ClosePolicy.IMMEDIATE);
    assertEquals(List.of("VolumeMounted", "FcbCreated"), rec.kinds());
    assertEquals("C:", v.dosName());
    assertSame(v, io.volumeByDriveLetter('c'));
    assertSame(v.fileSystem().volumeDevice(), v.deviceStack().top());
  }

  @Test
  void createFile_newFile_opensWithOneHandleAndOneReference() {
    Volume v = mount(ClosePolicy.IMMEDIATE);
    CreateResult r = io.createFile(v, "\\a.txt", CreateParameters.openIf());
    assertEquals(NtStatus.STATUS_SUCCESS, r.status());
    assertEquals(IoConstants.FILE_CREATED, r.ioStatus().information());
    FileObject fo = r.openedFileObject();
    assertTrue(fo.hasFlags(FileObject.FO_HANDLE_CREATED));
    assertEquals(1, fo.handleCount());
    assertEquals(1, fo.pointerCount());
    assertInstanceOf(AdvancedFcbHeader.class, fo.fsContext());
    assertInstanceOf(Ccb.class, fo.fsContext2());
    assertTrue(FsRtl.supportsPerStreamContexts(fo));
    assertTrue(FsRtl.supportsPerFileContexts(fo));
  }

  @Test
  void createFile_missingFileWithFileOpen_failsWithoutEvents() {
    Volume v = mount(ClosePolicy.IMMEDIATE);
    rec.clear();
    CreateResult r = io.createFile(v, "\\missing", CreateParameters.open());
    assertEquals(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, r.status());
    assertFalse(r.isOpened());
    assertEquals(List.of(), rec.kinds());
  }

  @Test
  void closeHandle_immediatePolicy_eventsInCreateCleanupFreeCloseDeleteOrder() {
    Volume v = mount(ClosePolicy.IMMEDIATE);
    rec.clear();
    FileObject fo = open(v, "\\a.txt");
    AtomicInteger frees = insertCountingContext(fo);
    io.closeHandle(fo);
    assertEquals(
        List.of("FcbCreated", "FileObjectCreated", "Cleanup", "FcbFreed", "PerFileFreed", "Close", "FileObjectDeleted"),
        rec.kinds());
    assertTrue(fo.hasFlags(FileObject.FO_CLEANUP_COMPLETE));
    assertTrue(fo.isDeleted());
    assertEquals(1, frees.get());
    IoEvent.FcbFreed freed = rec.of(IoEvent.FcbFreed.class).get(0);
    assertTrue(freed.teardownCalled());
    assertEquals(List.of(), freed.leftOnFilterContexts());
    assertEquals("\\a.txt", freed.name());
    assertTrue(rec.of(IoEvent.PerFileFreed.class).get(0).teardownCalled());
  }

  @Test
  void closeHandle_objectStillReferenced_fcbSurvivesCleanupAndDiesAtLastDereference() {
    Volume v = mount(ClosePolicy.IMMEDIATE);
    FileObject fo = open(v, "\\a.txt");
    Scb scb = v.fileSystem().scbOf(fo);
    assertNotNull(scb);
    AtomicInteger frees = insertCountingContext(fo);
    io.referenceObject(fo);
    io.closeHandle(fo);
    assertFalse(scb.isFreed());
    assertEquals(0, scb.uncleanCount());
    assertEquals(1, scb.openCount());
    assertEquals(0, frees.get());
    assertTrue(rec.of(IoEvent.Close.class).isEmpty());
    io.dereferenceObject(fo);
    assertTrue(scb.isFreed());
    assertEquals(1, frees.get());
    assertThrows(IllegalStateException.class, () -> io.dereferenceObject(fo));
    assertThrows(IllegalStateException.class, () -> io.referenceObject(fo));
  }

  @Test
  void close_delayedPolicy_fcbFreedOnlyAtFlushAfterFileObjectDeleted() {
    Volume v = mount(ClosePolicy.DELAYED);
    FileObject fo = open(v, "\\a.txt");
    Scb scb = v.fileSystem().scbOf(fo);
    AtomicInteger frees = insertCountingContext(fo);
    rec.clear();
    io.closeHandle(fo);
    assertEquals(List.of("Cleanup", "Close", "FileObjectDeleted"), rec.kinds());
    assertEquals(Scb.State.DELAYED_CLOSE, scb.state());
    assertEquals(0, frees.get());
    assertEquals(1, v.fileSystem().delayedCloseCount());
    assertEquals(1, v.fileSystem().flushDelayedCloses());
    assertEquals(1, frees.get());
    assertTrue(scb.isFreed());
    assertEquals(List.of("Cleanup", "Close", "FileObjectDeleted", "FcbFreed", "PerFileFreed"), rec.kinds());
  }

  @Test
  void create_delayedStreamReopenedBeforeFlush_reusesSameScb() {
    Volume v = mount(ClosePolicy.DELAYED);
    FileObject first = open(v, "\\a.txt");
    Scb scb = v.fileSystem().scbOf(first);
    io.closeHandle(first);
    FileObject second = open(v, "\\A.TXT");
    assertSame(scb, v.fileSystem().scbOf(second));
    assertEquals(Scb.State.IN_USE, scb.state());
    assertEquals(0, v.fileSystem().flushDelayedCloses());
    io.closeHandle(second);
    assertEquals(1, v.fileSystem().flushDelayedCloses());
  }

  @Test
  void createStreamFileObject_lastDereference_sendsCloseWithoutCreate() {
    Volume v = mount(ClosePolicy.IMMEDIATE);
    List<IrpMajorFunction> seen = new ArrayList<>();
    v.deviceStack().attach(new DeviceObject("Filter") {
      @Override
      public NtStatus dispatch(Irp irp) {
        synchronized (seen) {
          seen.add(irp.majorFunction());
        }
        return callLowerDriver(irp);
      }
    });
    FileObject handle = open(v, "\\dir.txt");
    Scb scb = v.fileSystem().scbOf(handle);
    FileObject stream = v.fileSystem().createStreamFileObject(scb);
    assertTrue(stream.hasFlags(FileObject.FO_STREAM_FILE));
    assertNull(stream.fsContext2());
    assertSame(handle.fsContext(), stream.fsContext());
    assertEquals(2, scb.openCount());
    io.closeHandle(handle);
    assertFalse(scb.isFreed());
    io.dereferenceObject(stream);
    assertTrue(scb.isFreed());
    long creates = seen.stream().filter(m -> m == IrpMajorFunction.CREATE).count();
    long closes = seen.stream().filter(m -> m == IrpMajorFunction.CLOSE).count();
    assertEquals(1, creates);
    assertEquals(2, closes);
    assertTrue(rec.of(IoEvent.FileObjectCreated.class).stream().anyMatch(IoEvent.FileObjectCreated::streamFileObject));
  }

  @Test
  void dereferenceObject_perFileObjectContextLeft_reportedAsLeakAtDelete() {
    Volume v = mount(ClosePolicy.IMMEDIATE);
    FileObject fo = open(v, "\\a.txt");
    PerFileObjectContext ctx = new PerFileObjectContext();
    FsRtl.initPerFileObjectContext(ctx, new Object(), null);
    assertEquals(NtStatus.STATUS_SUCCESS, FsRtl.insertPerFileObjectContext(fo, ctx));
    io.closeHandle(fo);
    IoEvent.FileObjectDeleted deleted = rec.of(IoEvent.FileObjectDeleted.class).get(0);
    assertEquals(List.of(ctx), deleted.leakedContexts());
  }

  @Test
  void closeHandle_lastStreamOfFileWithNamedStreamOpen_perFileTeardownWaitsForLastStream() {
    Volume v = mount(ClosePolicy.IMMEDIATE);
    FileObject main = open(v, "\\f");
    FileObject ads = open(v, "\\f:ads");
    assertSame(v.fileSystem().scbOf(main).fcb(), v.fileSystem().scbOf(ads).fcb());
    AtomicInteger fileFrees = new AtomicInteger();
    PerFileContext fc = new PerFileContext();
    FsRtl.initPerFileContext(fc, new Object(), null, c -> fileFrees.incrementAndGet());
    assertEquals(NtStatus.STATUS_SUCCESS, FsRtl.insertPerFileContext(FsRtl.getPerFileContextPointer(ads), fc));
    io.closeHandle(main);
    assertEquals(0, fileFrees.get());
    assertTrue(rec.of(IoEvent.PerFileFreed.class).isEmpty());
    io.closeHandle(ads);
    assertEquals(1, fileFrees.get());
    assertEquals(1, rec.of(IoEvent.PerFileFreed.class).size());
  }

  @Test
  void deviceStack_attachAndDetachFilter_requestsPassThroughOnlyWhileAttached() {
    Volume v = mount(ClosePolicy.IMMEDIATE);
    AtomicInteger calls = new AtomicInteger();
    DeviceObject filter = new DeviceObject("Frame") {
      @Override
      public NtStatus dispatch(Irp irp) {
        calls.incrementAndGet();
        return callLowerDriver(irp);
      }
    };
    DeviceObject below = v.deviceStack().attach(filter);
    assertSame(v.fileSystem().volumeDevice(), below);
    assertEquals(List.of(filter, below), v.deviceStack().devices());
    FileObject fo = open(v, "\\a");
    io.read(fo, 0, 10);
    v.deviceStack().detach(filter);
    io.closeHandle(fo);
    assertEquals(2, calls.get());
    assertThrows(IllegalStateException.class, () -> v.deviceStack().attach(below));
  }

  @Test
  void networkQueryOpen_existingAndMissing_opensNothing() {
    Volume v = mount(ClosePolicy.IMMEDIATE);
    io.closeHandle(open(v, "\\a"));
    rec.clear();
    assertEquals(NtStatus.STATUS_SUCCESS, io.networkQueryOpen(v, "\\A").status());
    assertEquals(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, io.networkQueryOpen(v, "\\b").status());
    assertEquals(List.of(), rec.kinds());
    assertEquals(0xF2, IrpMajorFunction.NETWORK_QUERY_OPEN.code());
    assertTrue(IrpMajorFunction.NETWORK_QUERY_OPEN.isFilterManagerPseudoOperation());
  }

  @Test
  void createFile_forcedFailure_failsWithoutCreatingTheFile() {
    Volume v = mount(ClosePolicy.IMMEDIATE);
    CreateResult r = io.createFile(v, "\\x", CreateParameters.openIf(), NtStatus.STATUS_ACCESS_DENIED);
    assertEquals(NtStatus.STATUS_ACCESS_DENIED, r.status());
    assertFalse(r.isOpened());
    assertFalse(v.fileSystem().exists("\\x"));
  }

  @Test
  void createFile_forcedReparse_completesWithReparseAndNoOpen() {
    Volume v = mount(ClosePolicy.IMMEDIATE);
    CreateResult r = io.createFile(v, "\\x", CreateParameters.openIf(), NtStatus.STATUS_REPARSE);
    assertEquals(NtStatus.STATUS_REPARSE, r.status());
    assertFalse(r.isOpened());
    assertFalse(v.fileSystem().exists("\\x"));
  }

  @Test
  void createFile_forcedSuccessOnMissingFileInMissingDirectory_createsBoth() {
    Volume v = mount(ClosePolicy.IMMEDIATE);
    CreateResult r = io.createFile(v, "\\d1\\d2\\f", CreateParameters.open(), NtStatus.STATUS_SUCCESS);
    assertEquals(NtStatus.STATUS_SUCCESS, r.status());
    assertTrue(v.fileSystem().exists("\\d1\\d2"));
    assertTrue(v.fileSystem().exists("\\d1\\d2\\f"));
    io.closeHandle(r.openedFileObject());
  }

  @Test
  void resultOracle_forcesEveryRequest_honouredLikeIrpForcedStatus() {
    Volume v = mount(ClosePolicy.IMMEDIATE);
    FileObject fo = open(v, "\\a");
    v.fileSystem().setResultOracle(irp ->
        irp.majorFunction() == IrpMajorFunction.READ ? NtStatus.STATUS_FILE_LOCK_CONFLICT : null);
    assertEquals(NtStatus.STATUS_FILE_LOCK_CONFLICT, io.read(fo, 0, 1).status());
    assertEquals(NtStatus.STATUS_SUCCESS, io.write(fo, 0, 1).status());
    io.closeHandle(fo);
  }

  @Test
  void dismount_delayedClosesPending_freesEverythingAndFailsNewRequests() {
    Volume v = mount(ClosePolicy.DELAYED);
    FileObject fo = open(v, "\\a");
    AtomicInteger frees = insertCountingContext(fo);
    FileObject vol = open(v, "");
    assertTrue(vol.hasFlags(FileObject.FO_VOLUME_OPEN));
    AtomicInteger volFrees = insertCountingContext(vol);
    io.closeHandle(fo);
    io.closeHandle(vol);
    assertEquals(0, frees.get());
    io.dismount(v);
    assertEquals(1, frees.get());
    assertEquals(1, volFrees.get());
    assertEquals(List.of(), v.fileSystem().liveScbs());
    List<String> kinds = rec.kinds();
    assertEquals("VolumeDismounted", kinds.get(kinds.size() - 1));
    assertEquals(NtStatus.STATUS_VOLUME_DISMOUNTED, io.createFile(v, "\\a", CreateParameters.openIf()).status());
  }

  @Test
  void setInformation_renameThroughOneHandle_changesNormalizedNameOfEveryOpen() {
    Volume v = mount(ClosePolicy.IMMEDIATE);
    FileObject a = open(v, "\\old.txt");
    FileObject b = open(v, "\\OLD.TXT");
    assertEquals(NtStatus.STATUS_SUCCESS, io.setInformation(a, new FileInformation.Rename("\\new.txt", false)).status());
    assertEquals(new FileNames("\\new.txt", "\\old.txt"), v.fileSystem().queryFileNames(a));
    assertEquals(new FileNames("\\new.txt", "\\OLD.TXT"), v.fileSystem().queryFileNames(b));
    assertFalse(v.fileSystem().exists("\\old.txt"));
    io.closeHandle(a);
    io.closeHandle(b);
  }

  @Test
  void irpMajorFunction_codes_matchWdm() {
    assertEquals(0x00, IrpMajorFunction.CREATE.code());
    assertEquals(0x02, IrpMajorFunction.CLOSE.code());
    assertEquals(0x0C, IrpMajorFunction.DIRECTORY_CONTROL.code());
    assertEquals(0x12, IrpMajorFunction.CLEANUP.code());
    assertEquals(0x15, IrpMajorFunction.SET_SECURITY.code());
    assertSame(IrpMajorFunction.CLEANUP, IrpMajorFunction.fromCode(0x12));
    assertEquals(65, FileInformationClass.FILE_RENAME_INFORMATION_EX.value());
    assertSame(FileInformationClass.OTHER, FileInformationClass.fromValue(999));
  }
}
