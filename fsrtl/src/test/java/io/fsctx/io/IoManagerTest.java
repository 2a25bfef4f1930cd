package io.fsctx.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.fsrtl.FsRtl;
import io.fsctx.fsrtl.PerFileObjectContext;
import io.fsctx.nt.KeThread;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.PoolBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The I/O manager's own contract, on a minimal file system: objects, counts, events, stacks. */
class IoManagerTest {
  private final IoManager io = new IoManager();
  private final EventRecorder rec = new EventRecorder();
  private final TestFileSystem fs = new TestFileSystem();

  private Volume mount() {
    io.addListener(rec);
    return io.mount("\\Device\\HarddiskVolume1", 'c', fs);
  }

  private FileObject open(Volume v, String path) {
    CreateResult r = io.createFile(v, path, CreateParameters.openIf());
    assertTrue(r.status().isSuccess(), path + ": " + r.status());
    return r.openedFileObject();
  }

  /** A filter device that counts what passes through it. */
  private static class CountingFilter extends DeviceObject {
    final List<String> seen = new ArrayList<>();

    CountingFilter(String id) {
      super(id);
    }

    @Override
    public NtStatus dispatch(Irp irp) {
      seen.add(irp.majorFunction().name());
      return callLowerDriver(irp);
    }
  }

  @Test
  void mount_newVolume_publishesMountedAndTheVcbIsAPoolAllocationOfTheMount() {
    Volume v = mount();
    assertEquals(List.of("VolumeMounted"), rec.kinds());
    assertEquals("C:", v.dosName());
    assertSame(v, io.volumeByDriveLetter('c'));
    assertSame(v.deviceStack().bottom(), v.deviceStack().top());
    PoolBlock vcb = fs.volumeHeader().memory();
    assertTrue(io.pool().outstanding().contains(vcb));
    assertEquals(new VolumeRequest("mount", v), vcb.allocatedAt());
  }

  @Test
  void mount_fileSystemThrows_volumeIsNotMounted() {
    FileSystemDriver broken = new TestFileSystem() {
      @Override
      public synchronized void mount(Volume v) {
        throw new IllegalStateException("no VCB");
      }
    };
    assertThrows(IllegalStateException.class, () -> io.mount("\\Device\\X", 'x', broken));
    assertNull(io.volumeByDriveLetter('x'));
    assertEquals(List.of(), io.volumes());
  }

  @Test
  void createFile_newFile_opensWithOneHandleOneReferenceAndCountsOnTheHeader() {
    Volume v = mount();
    CreateResult r = io.createFile(v, "\\a.txt", CreateParameters.openIf());
    assertEquals(NtStatus.STATUS_SUCCESS, r.status());
    assertEquals(IoConstants.FILE_CREATED, r.ioStatus().information());
    FileObject fo = r.openedFileObject();
    assertTrue(fo.hasFlags(FileObject.FO_HANDLE_CREATED));
    assertEquals(1, fo.handleCount());
    assertEquals(1, fo.pointerCount());
    AdvancedFcbHeader h = assertInstanceOf(AdvancedFcbHeader.class, fo.fsContext());
    assertTrue(FsRtl.supportsPerStreamContexts(fo));
    assertEquals(1, h.audit().openFileObjects());
    assertTrue(h.audit().isPublished());
    assertTrue(h.audit().setUpWhenFirstPublished());
    assertInstanceOf(Irp.Site.class, h.audit().firstPublishedWhere());
  }

  @Test
  void createFile_failure_opensNothingAndPublishesStartThenDelete() {
    Volume v = mount();
    rec.clear();
    CreateResult r = io.createFile(v, "\\missing", CreateParameters.open());
    assertEquals(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, r.status());
    assertFalse(r.isOpened());
    // The file object existed while its create was in flight (the verifier counts it then), and
    // goes without FileObjectCreated, Cleanup or Close.
    assertEquals(List.of("CreateStarted", "FileObjectDeleted"), rec.kinds());
  }

  @Test
  void closeHandle_eventsInCreateCleanupCloseDeleteOrder_fileSystemFreesInsideTheClose() {
    Volume v = mount();
    rec.clear();
    FileObject fo = open(v, "\\a.txt");
    CommonFcbHeader h = fo.fsContext();
    io.closeHandle(fo);
    assertEquals(List.of("CreateStarted", "FileObjectCreated", "Cleanup", "Close", "FileObjectDeleted"), rec.kinds());
    assertTrue(fo.hasFlags(FileObject.FO_CLEANUP_COMPLETE));
    assertTrue(fo.isDeleted());
    assertEquals(0, h.audit().openFileObjects());
    assertTrue(h.memory().isFreed());
    Irp.Site close = assertInstanceOf(Irp.Site.class, h.memory().freedAt());
    assertEquals(IrpMajorFunction.CLOSE, close.majorFunction());
    assertSame(fo, close.fileObject());
  }

  @Test
  void closeHandle_objectStillReferenced_closeComesOnlyAtTheLastDereference() {
    Volume v = mount();
    FileObject fo = open(v, "\\a.txt");
    io.referenceObject(fo);
    io.closeHandle(fo);
    assertTrue(rec.of(IoEvent.Close.class).isEmpty());
    assertEquals(1, fo.fsContext().audit().openFileObjects());
    assertFalse(fo.fsContext().memory().isFreed());
    io.dereferenceObject(fo);
    assertEquals(1, rec.of(IoEvent.Close.class).size());
    assertTrue(fo.fsContext().memory().isFreed());
    assertThrows(IllegalStateException.class, () -> io.dereferenceObject(fo));
    assertThrows(IllegalStateException.class, () -> io.referenceObject(fo));
  }

  @Test
  void close_headerCount_dropsWhenTheCloseStarts() {
    AtomicInteger seenInClose = new AtomicInteger(-1);
    Volume v = mount();
    FileObject fo = open(v, "\\a.txt");
    CountingFilter spy = new CountingFilter("Spy") {
      @Override
      public NtStatus dispatch(Irp irp) {
        if (irp.majorFunction() == IrpMajorFunction.CLOSE) {
          seenInClose.set(irp.fileObject().fsContext().audit().openFileObjects());
        }
        return super.dispatch(irp);
      }
    };
    v.deviceStack().attach(spy);
    io.closeHandle(fo);
    assertEquals(0, seenInClose.get(), "a file object whose close has started no longer counts as open");
  }

  @Test
  void createStreamFileObject_lastDereference_sendsCloseWithoutCreate() {
    Volume v = mount();
    FileObject user = open(v, "\\a.txt");
    rec.clear();
    FileObject sfo = io.createStreamFileObject(v, user.fsContext(), "\\a.txt");
    assertTrue(sfo.hasFlags(FileObject.FO_STREAM_FILE));
    assertNull(sfo.fsContext2());
    assertEquals(0, sfo.handleCount());
    assertEquals(2, user.fsContext().audit().openFileObjects());
    io.dereferenceObject(sfo);
    assertEquals(List.of("FileObjectCreated", "Close", "FileObjectDeleted"), rec.kinds());
    assertTrue(rec.of(IoEvent.FileObjectCreated.class).get(0).streamFileObject());
    assertNull(rec.of(IoEvent.FileObjectCreated.class).get(0).parameters());
    assertEquals(1, user.fsContext().audit().openFileObjects());
  }

  @Test
  void dereferenceObject_perFileObjectContextLeft_reportedAsLeakAtDelete() {
    Volume v = mount();
    FileObject fo = open(v, "\\a.txt");
    PerFileObjectContext ctx = new PerFileObjectContext();
    FsRtl.initPerFileObjectContext(ctx, new Object(), null);
    assertEquals(NtStatus.STATUS_SUCCESS, FsRtl.insertPerFileObjectContext(fo, ctx));
    io.closeHandle(fo);
    IoEvent.FileObjectDeleted deleted = rec.of(IoEvent.FileObjectDeleted.class).get(0);
    assertEquals(List.of(ctx), deleted.leakedContexts());
  }

  @Test
  void deviceStack_attachAndDetachFilter_requestsPassThroughOnlyWhileAttached() {
    Volume v = mount();
    CountingFilter filter = new CountingFilter("Frame");
    DeviceObject below = v.deviceStack().attach(filter);
    assertSame(v.deviceStack().bottom(), below);
    assertEquals(List.of(filter, below), v.deviceStack().devices());
    FileObject fo = open(v, "\\a");
    io.read(fo, 0, 10);
    v.deviceStack().detach(filter);
    io.closeHandle(fo);
    assertEquals(List.of("CREATE", "READ"), filter.seen);
    assertThrows(IllegalStateException.class, () -> v.deviceStack().attach(below));
  }

  @Test
  void createFile_deviceHint_devicesAboveNeverSeeTheFileObject() {
    Volume v = mount();
    CountingFilter filter = new CountingFilter("Frame");
    v.deviceStack().attach(filter);
    CreateResult r = io.createFile(v, "\\below", CreateParameters.openIf(), v.deviceStack().bottom());
    FileObject fo = r.openedFileObject();
    assertSame(v.deviceStack().bottom(), fo.deviceHint());
    io.write(fo, 0, 1);
    io.closeHandle(fo);
    assertEquals(List.of(), filter.seen, "create, write, cleanup and close all start below the filter");
    io.closeHandle(open(v, "\\above"));
    assertEquals(List.of("CREATE", "CLEANUP", "CLOSE"), filter.seen);
  }

  @Test
  void createFile_deviceHintNotOnTheStack_refused() {
    Volume v = mount();
    CountingFilter stranger = new CountingFilter("Stranger");
    assertThrows(IllegalArgumentException.class,
        () -> io.createFile(v, "\\a", CreateParameters.openIf(), stranger));
  }

  @Test
  void send_marksTheThreadAsServingTheRequestWhileItTravels() {
    Volume v = mount();
    List<Object> seen = new ArrayList<>();
    v.deviceStack().attach(new DeviceObject("Spy") {
      @Override
      public NtStatus dispatch(Irp irp) {
        seen.add(KeThread.currentRequest());
        seen.add(irp);
        return callLowerDriver(irp);
      }
    });
    FileObject fo = open(v, "\\a");
    io.read(fo, 0, 1);
    assertSame(seen.get(1), seen.get(0));
    assertSame(seen.get(3), seen.get(2));
    assertNull(KeThread.currentRequest(), "nothing is marked once the request is done");
    io.closeHandle(fo);
  }

  @Test
  @DisplayName("Records of where keep the request's site: one object per IRP, printed as the IRP, holding no parameters or status")
  void currentSite_oneSmallStandInPerIrp() {
    Volume v = mount();
    List<Object> sites = new ArrayList<>();
    List<Irp> irps = new ArrayList<>();
    v.deviceStack().attach(new DeviceObject("Spy") {
      @Override
      public NtStatus dispatch(Irp irp) {
        sites.add(KeThread.currentSite());
        sites.add(KeThread.currentSite());
        irps.add(irp);
        return callLowerDriver(irp);
      }
    });
    FileObject fo = open(v, "\\a");
    assertSame(sites.get(0), sites.get(1), "the same site for the same request");
    Irp.Site site = assertInstanceOf(Irp.Site.class, sites.get(0));
    Irp create = irps.get(0);
    assertSame(create.site(), site);
    assertEquals(create.toString(), site.toString());
    assertEquals(IrpMajorFunction.CREATE, site.majorFunction());
    assertSame(fo, site.fileObject());
    assertSame(v, Irp.Site.volumeOf(site));
    assertSame(v, Irp.Site.volumeOf(create));
    assertNull(Irp.Site.volumeOf("elsewhere"));
    for (java.lang.reflect.Field f : Irp.Site.class.getDeclaredFields()) {
      Class<?> t = f.getType();
      assertFalse(t == Irp.class || IrpParameters.class.isAssignableFrom(t) || t == IoStatus.class || t == Object.class,
          () -> "a site keeps " + f + " alive: it must outlive its request without its parts");
    }
    assertNull(KeThread.currentSite(), "no site outside any request");
    io.closeHandle(fo);
  }

  @Test
  void networkQueryOpen_existingAndMissing_opensNothing() {
    Volume v = mount();
    io.closeHandle(open(v, "\\a"));
    rec.clear();
    assertEquals(NtStatus.STATUS_SUCCESS, io.networkQueryOpen(v, "\\A").status());
    assertEquals(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, io.networkQueryOpen(v, "\\b").status());
    assertEquals(List.of(), rec.kinds());
    assertEquals(0xF2, IrpMajorFunction.NETWORK_QUERY_OPEN.code());
    assertTrue(IrpMajorFunction.NETWORK_QUERY_OPEN.isFilterManagerPseudoOperation());
  }

  @Test
  void dismount_theFileSystemFreesItsVcbAndFailsNewRequests() {
    Volume v = mount();
    io.dismount(v);
    assertTrue(v.isDismounted());
    assertTrue(fs.volumeHeader().memory().isFreed());
    assertEquals(new VolumeRequest("dismount", v), fs.volumeHeader().memory().freedAt());
    assertEquals(List.of("VolumeMounted", "VolumeDismounted"), rec.kinds());
    assertThrows(IllegalStateException.class, () -> io.dismount(v));
    assertEquals(List.of(), io.pool().outstanding());
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
