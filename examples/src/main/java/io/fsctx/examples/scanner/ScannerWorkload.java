package io.fsctx.examples.scanner;

import io.fsctx.examples.support.DbgPrint;
import io.fsctx.examples.support.SampleRun;
import io.fsctx.fltmgr.ContextEventListener;
import io.fsctx.fltmgr.FltVolume;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.FsControlCodes;
import io.fsctx.io.IoConstants;
import io.fsctx.io.StorageDevice;
import io.fsctx.io.Volume;
import io.fsctx.nt.BugCheckException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The workload {@code ./fsctx run --filter scanner} runs. Before the scanner loads, a file with
 * foul language ({@code \report-foul.doc}) and a clean one ({@code \clean.txt}) are written on C:;
 * a network share is mounted as well. Then the scanner loads (not on the share) and the user-mode
 * scanner connects, and the workload opens the clean file for reading (scanned, no context) and
 * for writing (scanned, a stream-handle context; a clean write, a refused offload write, a rescan
 * at cleanup), opens the foul file (the open is cancelled: access denied), creates an empty file
 * with a foul name for writing (safe while empty; the foul write is blocked), writes a file whose
 * extension is not scanned, disconnects the scanner (the foul file opens again: nothing scans),
 * and unloads.
 *
 * <p>Thread safety: runs on the caller's thread.
 */
public final class ScannerWorkload {
  /** The share's NT device name. */
  public static final String SHARE = "\\Device\\Mup\\server\\share";

  private ScannerWorkload() {}

  /**
   * Runs the workload.
   *
   * @param fileSystems makes a new, unmounted file system for each volume
   * @param log the port's debugger output
   * @param stepSink receives a line per step
   * @return what the run left behind
   */
  public static SampleRun.Result run(Supplier<? extends FileSystemDriver> fileSystems, DbgPrint log, Consumer<String> stepSink) {
    return run(fileSystems, log, stepSink, e -> {});
  }

  /**
   * Runs the workload with a listener on the run's Filter Manager.
   *
   * @param fileSystems makes a new, unmounted file system for each volume
   * @param log the port's debugger output
   * @param stepSink receives a line per step
   * @param observer receives every context event of the run (a report recorder, say)
   * @return what the run left behind
   */
  public static SampleRun.Result run(Supplier<? extends FileSystemDriver> fileSystems, DbgPrint log, Consumer<String> stepSink, ContextEventListener observer) {
    SampleRun run = new SampleRun(stepSink, observer);
    run.watchPoolTags(Scanner.SCAN_TAG);
    Volume c = run.mount("\\Device\\HarddiskVolume1", 'C', fileSystems.get());
    Volume share = run.io().mount(SHARE, 'Z', fileSystems.get(), StorageDevice.network(SHARE));
    String title = "scanner (" + c.fileSystem().fileSystemName() + ")";
    writeFile(run, c, "\\report-foul.doc", "before the scanner loads: write a file with foul language");
    writeFile(run, c, "\\clean.txt", "before the scanner loads: write a clean file");

    Scanner scanner = new Scanner(run.manager(), log, Scanner.DEFAULT_EXTENSIONS);
    run.step("load scanner: " + scanner.driverEntry());
    UnloadReport unload = null;
    BugCheckException crash = null;
    try {
      FltVolume z = run.manager().volumeOf(share);
      run.step("instances on the network share Z: " + (z == null ? 0 : z.instances().size()));
      ScanUser scanUser = new ScanUser();
      scanner.connect(scanUser);
      run.step("the user-mode scanner connects");

      CreateResult r = run.io().createFile(c, "\\clean.txt", CreateParameters.open().withDesiredAccess(IoConstants.GENERIC_READ));
      run.step("open \\clean.txt for reading: " + r.status());
      closeIfOpen(run, r);

      r = run.io().createFile(c, "\\clean.txt", CreateParameters.open());
      run.step("open \\clean.txt for writing: " + r.status());
      FileObject fo = r.fileObject();
      if (fo != null) {
        run.step("  write 100 bytes: " + run.io().write(fo, 0, 100).status());
        run.step("  FSCTL_OFFLOAD_WRITE: " + run.io().fsControl(fo, FsControlCodes.FSCTL_OFFLOAD_WRITE, null, 0).status());
        run.step("  close (rescanned at cleanup): " + run.io().closeHandle(fo).status());
      }

      r = run.io().createFile(c, "\\report-foul.doc", CreateParameters.open());
      run.step("open \\report-foul.doc: " + r.status());
      closeIfOpen(run, r);

      r = run.io().createFile(c, "\\new-foul.txt", CreateParameters.create());
      run.step("create \\new-foul.txt (empty, so safe) for writing: " + r.status());
      fo = r.fileObject();
      if (fo != null) {
        run.step("  write 100 bytes of foul language: " + run.io().write(fo, 0, 100).status());
        run.step("  close: " + run.io().closeHandle(fo).status());
      }

      r = run.io().createFile(c, "\\foul.log", CreateParameters.openIf());
      run.step("open \\foul.log (extension not scanned) for writing: " + r.status());
      fo = r.fileObject();
      if (fo != null) {
        run.step("  write 100 bytes: " + run.io().write(fo, 0, 100).status());
        run.io().closeHandle(fo);
      }

      scanner.disconnect();
      run.step("the user-mode scanner disconnects (" + scanUser.scans() + " scans)");
      r = run.io().createFile(c, "\\report-foul.doc", CreateParameters.open());
      run.step("open \\report-foul.doc with no scanner connected: " + r.status());
      closeIfOpen(run, r);

      unload = scanner.unload();
      run.step("unload scanner: " + (unload.clean() ? "clean" : unload.leakedCount() + " context(s) still referenced"));
      run.io().dismount(c);
      run.io().dismount(share);
    } catch (BugCheckException bugCheck) {
      crash = bugCheck;
      run.step("bug check: " + bugCheck.getMessage());
    }
    return run.finish(title, unload, crash);
  }

  private static void writeFile(SampleRun run, Volume v, String path, String what) {
    CreateResult r = run.io().createFile(v, path, CreateParameters.openIf());
    FileObject fo = r.openedFileObject();
    run.step(what + ": " + path + ": " + run.io().write(fo, 0, 100).status());
    run.io().closeHandle(fo);
  }

  private static void closeIfOpen(SampleRun run, CreateResult r) {
    FileObject fo = r.fileObject();
    if (fo != null) {
      run.io().closeHandle(fo);
    }
  }
}
