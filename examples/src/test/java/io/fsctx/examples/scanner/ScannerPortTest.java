package io.fsctx.examples.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.examples.support.DbgPrint;
import io.fsctx.examples.support.SampleRun;
import io.fsctx.fltmgr.ContextEvent;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.GetResult;
import io.fsctx.fltmgr.testing.FilterHarness;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileObject;
import io.fsctx.io.FsControlCodes;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoEvent;
import io.fsctx.io.IoManager;
import io.fsctx.io.StorageDevice;
import io.fsctx.io.Volume;
import io.fsctx.modelfs.FatLikeFileSystem;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scanner port's observable behaviour: stream-handle contexts only on write opens of scanned
 * files, freed at close with no cleanup callback; a foul file's open cancelled (the caller gets
 * access denied, the file system closed the file); foul writes and offload writes blocked only on
 * handles with the context and only while a scanner is connected; the scanner's own reads unseen by
 * its callbacks; network volumes not attached; no leaks.
 */
class ScannerPortTest {
  private final IoManager io = new IoManager();
  private final FilterManager mgr = new FilterManager(FilterHarness.testConfig());
  private final List<String> lines = new ArrayList<>();
  private final Scanner scanner = new Scanner(mgr, new DbgPrint(0, lines::add), Scanner.DEFAULT_EXTENSIONS);
  private final ScanUser scanUser = new ScanUser();
  private final List<ContextEvent> events = new ArrayList<>();
  private Volume c;

  private void load() {
    c = io.mount("\\Device\\HarddiskVolume1", 'C', new NtfsLikeFileSystem());
    mgr.followMounts(io);
    mgr.addListener(events::add);
    assertEquals(NtStatus.STATUS_SUCCESS, scanner.driverEntry());
    scanner.connect(scanUser);
  }

  @AfterEach
  void unloadsClean() {
    if (scanner.filter() != null) {
      assertTrue(scanner.unload().clean());
    }
    assertEquals(List.of(), mgr.liveContexts());
    assertEquals(List.of(), mgr.verifierFindings());
    assertTrue(io.pool().outstanding().stream().noneMatch(b -> b.tag().equals(Scanner.SCAN_TAG)));
  }

  private void writeBeforeLoad(String path) {
    FileObject fo = io.createFile(c, path, CreateParameters.openIf()).openedFileObject();
    io.write(fo, 0, 100);
    io.closeHandle(fo);
  }

  private FltInstance instance() {
    return Objects.requireNonNull(mgr.volumeOf(c)).instances().get(0);
  }

  private boolean hasContext(FileObject fo) {
    try (GetResult g = instance().getStreamHandleContext(fo)) {
      return g.found();
    }
  }

  private long count(ContextEvent.Kind kind) {
    return events.stream().filter(e -> e.kind() == kind && e.contextType() == FltContextType.STREAMHANDLE).count();
  }

  @Test
  void writeOpen_getsAContext_readOpenDoesNot_freedAtClose() {
    load();
    FileObject w = io.createFile(c, "\\a.txt", CreateParameters.openIf()).openedFileObject();
    FileObject r = io.createFile(c, "\\a.txt", CreateParameters.open().withDesiredAccess(IoConstants.GENERIC_READ))
        .openedFileObject();
    assertTrue(hasContext(w));
    assertFalse(hasContext(r));
    io.closeHandle(r);
    io.closeHandle(w);
    assertEquals(1, count(ContextEvent.Kind.ALLOCATE));
    assertEquals(1, count(ContextEvent.Kind.FREE), "freed when its handle closed");
  }

  @Test
  void unscannedExtension_noContext_writesNotScanned() {
    load();
    FileObject w = io.createFile(c, "\\foul.log", CreateParameters.openIf()).openedFileObject();
    assertFalse(hasContext(w));
    assertEquals(NtStatus.STATUS_SUCCESS, io.write(w, 0, 10).status(), "no context: the write is not scanned");
    io.closeHandle(w);
    assertEquals(0, scanUser.scans());
  }

  @Test
  void foulFile_openCancelled_accessDenied_fileSystemClosedIt() {
    c = io.mount("\\Device\\HarddiskVolume1", 'C', new NtfsLikeFileSystem());
    writeBeforeLoad("\\bad-foul.doc");
    mgr.followMounts(io);
    assertEquals(NtStatus.STATUS_SUCCESS, scanner.driverEntry());
    scanner.connect(scanUser);
    List<IoEvent> ioEvents = new ArrayList<>();
    io.addListener(ioEvents::add);
    CreateResult r = io.createFile(c, "\\bad-foul.doc", CreateParameters.open());
    assertEquals(NtStatus.STATUS_ACCESS_DENIED, r.status());
    assertNull(r.fileObject());
    assertEquals(1, scanUser.scans());
    assertTrue(lines.contains("!!! scanner.sys -- undoing create "), lines::toString);
    // The file system saw the cancel's cleanup and close: the file can be opened exclusively.
    scanner.disconnect();
    CreateResult again = io.createFile(c, "\\bad-foul.doc",
        new CreateParameters(IoConstants.GENERIC_READ | IoConstants.GENERIC_WRITE, 0, IoConstants.FILE_OPEN, 0, 0));
    assertEquals(NtStatus.STATUS_SUCCESS, again.status(), "nothing of the cancelled open is left open");
    io.closeHandle(again.openedFileObject());
    assertEquals(0, count(ContextEvent.Kind.ALLOCATE) - count(ContextEvent.Kind.FREE));
  }

  @Test
  void emptyFileWithFoulName_safeToOpen_foulWriteBlocked_offloadWriteRefused() {
    load();
    CreateResult r = io.createFile(c, "\\new-foul.txt", CreateParameters.create());
    assertEquals(NtStatus.STATUS_SUCCESS, r.status(), "an empty file has nothing to scan");
    FileObject fo = r.openedFileObject();
    assertEquals(NtStatus.STATUS_ACCESS_DENIED, io.write(fo, 0, 100).status());
    assertTrue(lines.contains("!!! scanner.sys -- blocking the write !!!"));
    assertEquals(NtStatus.STATUS_ACCESS_DENIED, io.fsControl(fo, FsControlCodes.FSCTL_OFFLOAD_WRITE, null, 0).status());
    io.closeHandle(fo);
  }

  @Test
  void cleanupRescan_scannersOwnReadsNotSeen() {
    load();
    FileObject fo = io.createFile(c, "\\b.txt", CreateParameters.openIf()).openedFileObject();
    io.write(fo, 0, 100);
    int before = scanUser.scans();
    io.closeHandle(fo);
    assertEquals(before + 1, scanUser.scans(), "cleanup rescanned the 100 bytes");
  }

  @Test
  void noScannerConnected_nothingBlocked() {
    load();
    scanner.disconnect();
    FileObject fo = io.createFile(c, "\\x-foul.txt", CreateParameters.openIf()).openedFileObject();
    assertEquals(NtStatus.STATUS_SUCCESS, io.write(fo, 0, 100).status());
    io.closeHandle(fo);
    assertEquals(0, scanUser.scans());
  }

  @Test
  void networkVolume_notAttached() {
    load();
    Volume z = io.mount(ScannerWorkload.SHARE, 'Z', new NtfsLikeFileSystem(), StorageDevice.network(ScannerWorkload.SHARE));
    assertEquals(0, Objects.requireNonNull(mgr.volumeOf(z)).instances().size());
  }

  @Test
  void workload_clean_onBothModels() {
    for (boolean ntfs : new boolean[] {true, false}) {
      List<String> steps = new ArrayList<>();
      SampleRun.Result res = ScannerWorkload.run(ntfs ? NtfsLikeFileSystem::new : FatLikeFileSystem::new,
          new DbgPrint(0, l -> {}), steps::add);
      assertTrue(res.clean(), res::format);
      assertEquals(3, res.allocated(FltContextType.STREAMHANDLE),
          "the write opens of scanned files that were allowed, the one with no scanner connected included");
      assertEquals(3, res.freed(FltContextType.STREAMHANDLE));
      assertTrue(steps.contains("open \\report-foul.doc: STATUS_ACCESS_DENIED (0xC0000022)"), steps::toString);
    }
  }
}
