package io.fsctx.examples.swapbuffers;

import io.fsctx.examples.support.DbgPrint;
import io.fsctx.examples.support.SampleRun;
import io.fsctx.fltmgr.ContextEventListener;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.FltVolume;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoConstants;
import io.fsctx.io.StorageDevice;
import io.fsctx.io.Volume;
import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The workload {@code ./fsctx run --filter swapbuffers} runs: two volumes (a lettered one with
 * 512-byte sectors and one without a drive letter with 4096-byte sectors), the port loaded on both,
 * a second instance on the first volume sharing its volume context, then cached and non-cached
 * reads and writes, empty transfers, a read past the end of a file and directory queries on each,
 * and the unload. With {@code provokeVolumeQueryFailure} a third volume whose names do not fit in
 * the sample's properties buffer is mounted while the port is loaded: its {@code InstanceSetup}
 * releases a context whose name was never initialised, and the cleanup callback frees a wild
 * pointer (bug check 0xC2/0x46), which stops the run.
 *
 * <p>Thread safety: runs on the caller's thread.
 */
public final class SwapBuffersWorkload {
  /** The altitude of the second instance attached by hand to the first volume. */
  public static final String SECOND_INSTANCE_ALTITUDE = "141500";
  /** The second instance's name. */
  public static final String SECOND_INSTANCE_NAME = "SwapBuffers Instance 2";
  /**
   * The NT device name of the provoking volume: long enough that {@code FLT_VOLUME_PROPERTIES} with
   * its three names does not fit in {@code sizeof(FLT_VOLUME_PROPERTIES) + 512} bytes.
   */
  public static final String LONG_DEVICE_NAME = "\\Device\\" + "VolumeWithAVeryLongDeviceName".repeat(10);

  private SwapBuffersWorkload() {}

  /**
   * Runs the workload.
   *
   * @param fileSystems makes a new, unmounted file system for each volume
   * @param log the port's debugger output
   * @param provokeVolumeQueryFailure whether to mount the volume that reaches the sample's defect
   * @param stepSink receives a line per step
   * @return what the run left behind
   */
  public static SampleRun.Result run(
      Supplier<? extends FileSystemDriver> fileSystems, DbgPrint log, boolean provokeVolumeQueryFailure,
      Consumer<String> stepSink) {
    return run(fileSystems, log, provokeVolumeQueryFailure, stepSink, e -> {});
  }

  /**
   * Runs the workload with a listener on the run's Filter Manager.
   *
   * @param fileSystems makes a new, unmounted file system for each volume
   * @param log the port's debugger output
   * @param provokeVolumeQueryFailure whether to mount the volume that reaches the sample's defect
   * @param stepSink receives a line per step
   * @param observer receives every context event of the run (a report recorder, say)
   * @return what the run left behind
   */
  public static SampleRun.Result run(
      Supplier<? extends FileSystemDriver> fileSystems, DbgPrint log, boolean provokeVolumeQueryFailure,
      Consumer<String> stepSink, ContextEventListener observer) {
    SampleRun run = new SampleRun(stepSink, observer);
    run.watchPoolTags(SwapBuffers.BUFFER_SWAP_TAG, SwapBuffers.PRE_2_POST_TAG);
    Volume c = run.mount("\\Device\\HarddiskVolume1", 'C', fileSystems.get());
    Volume other = run.io().mount("\\Device\\HarddiskVolume2", null, fileSystems.get(),
        StorageDevice.disk("\\Device\\HarddiskVolume2").withSectorSize(4096));
    SwapBuffers swap = new SwapBuffers(run.manager(), log);
    run.step("load swapBuffers: " + swap.driverEntry());
    UnloadReport unload = null;
    BugCheckException crash = null;
    String title = "swapbuffers (" + c.fileSystem().fileSystemName() + ")";
    try {
      FltVolume fc = Objects.requireNonNull(run.manager().volumeOf(c));
      Out<FltInstance> second = new Out<>();
      NtStatus st = Flt.attachVolumeAtAltitude(Objects.requireNonNull(swap.filter()), fc, SECOND_INSTANCE_ALTITUDE,
          SECOND_INSTANCE_NAME, second);
      run.step("attach a second instance to C: at " + SECOND_INSTANCE_ALTITUDE + ": " + st);

      exercise(run, c, "C:");
      exercise(run, other, "\\Device\\HarddiskVolume2");

      if (provokeVolumeQueryFailure) {
        run.step("mount a volume whose names take more than 512 bytes (" + LONG_DEVICE_NAME.length() + " characters)");
        run.mount(LONG_DEVICE_NAME, null, fileSystems.get());
        run.step("  mounted (the defect did not show)");
      }

      unload = swap.unload();
      run.step("unload swapBuffers: " + (unload.clean() ? "clean" : unload.leakedCount() + " context(s) still referenced"));
      run.io().dismount(c);
      run.io().dismount(other);
    } catch (BugCheckException bugCheck) {
      crash = bugCheck;
      run.step("bug check: " + bugCheck.getMessage());
    }
    return run.finish(title, unload, crash);
  }

  /** Cached and non-cached transfers, empty ones, one past the end, and directory queries. */
  private static void exercise(SampleRun run, Volume v, String name) {
    CreateResult cached = run.io().createFile(v, "\\swap.dat", CreateParameters.openIf());
    run.step(name + " open \\swap.dat: " + cached.status());
    FileObject fo = cached.openedFileObject();
    run.step("  write 100 bytes (cached): " + run.io().write(fo, 0, 100).status());
    run.step("  read 100 bytes (cached): " + run.io().read(fo, 0, 100).status());
    run.step("  read 0 bytes: " + run.io().read(fo, 0, 0).status());
    run.step("  read past the end: " + run.io().read(fo, 1 << 20, 100).status());
    run.io().closeHandle(fo);

    CreateResult nc = run.io().createFile(v, "\\swap.dat",
        CreateParameters.open().withOptions(IoConstants.FILE_NO_INTERMEDIATE_BUFFERING));
    run.step(name + " open \\swap.dat without intermediate buffering: " + nc.status());
    FileObject nfo = nc.openedFileObject();
    run.step("  write 100 bytes (non-cached, rounded to the sector size): " + run.io().write(nfo, 0, 100).status());
    run.step("  read 100 bytes (non-cached, rounded to the sector size): " + run.io().read(nfo, 0, 100).status());
    run.io().closeHandle(nfo);

    CreateResult dir = run.io().createFile(v, "\\", CreateParameters.open().withOptions(IoConstants.FILE_DIRECTORY_FILE));
    run.step(name + " open the root directory: " + dir.status());
    FileObject dfo = dir.openedFileObject();
    run.step("  query the directory: " + run.io().directoryControl(dfo, "*").status());
    run.step("  query with a zero-length buffer (refused by the I/O manager before any filter): "
        + run.io().directoryControl(dfo, "*", 0).status());
    run.io().closeHandle(dfo);
  }
}
