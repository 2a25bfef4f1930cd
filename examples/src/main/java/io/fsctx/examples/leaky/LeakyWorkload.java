package io.fsctx.examples.leaky;

import io.fsctx.fltmgr.ContextEventListener;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.FltConfig;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.fltmgr.VerifierLevel;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoManager;
import io.fsctx.io.Volume;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs {@link LeakyFilter} on a model file system under the verifier at {@link
 * VerifierLevel#TRACKING}: ordinary opens of a file, then opens of the paging file (the set that
 * fails), then unload. The unload report names every leaked context with its type, tag, payload
 * class and the allocation site; {@code fsctx run --filter leaky} prints it.
 *
 * <p>Thread safety: one run per call, confined to the calling thread.
 */
public final class LeakyWorkload {
  private LeakyWorkload() {}

  /**
   * What a run found.
   *
   * @param report the filter's unload report
   * @param findings every verifier finding of the run
   */
  public record Result(UnloadReport report, List<VerifierFinding> findings) {
    /** Whether nothing leaked and the verifier found nothing. */
    public boolean clean() {
      return report.clean() && findings.isEmpty();
    }
  }

  /**
   * Runs the workload.
   *
   * @param fileSystem a fresh file system to mount
   * @param steps told about each step, for a verbose listing
   * @return the report and findings
   */
  public static Result run(FileSystemDriver fileSystem, Consumer<String> steps) {
    return run(fileSystem, steps, e -> {});
  }

  /**
   * Runs the workload with a listener on the run's Filter Manager (a report recorder, say).
   *
   * @param fileSystem a fresh file system to mount
   * @param steps told about each step, for a verbose listing
   * @param observer receives every context event of the run, from the filter's registration on,
   *     in the thread that caused it
   * @return the report and findings
   */
  public static Result run(FileSystemDriver fileSystem, Consumer<String> steps, ContextEventListener observer) {
    // A short unload wait: the leaked reference is never released, and the report is the point.
    FilterManager manager =
        new FilterManager(
            FltConfig.builder().verifierLevel(VerifierLevel.TRACKING).unloadWaitTimeout(Duration.ofMillis(100)).build());
    manager.addListener(observer);
    IoManager io = new IoManager();
    FltFilter filter = LeakyFilter.register(manager);
    Volume volume = io.mount("\\Device\\HarddiskVolume1", 'C', fileSystem);
    manager.followMounts(io);
    for (String path : new String[] {"\\report.txt", "\\report.txt", "\\pagefile.sys", "\\swapfile.sys"}) {
      boolean paging = path.endsWith(".sys");
      CreateParameters p = paging
          ? CreateParameters.openIf().withSlFlags(IoConstants.SL_OPEN_PAGING_FILE)
          : CreateParameters.openIf();
      CreateResult r = io.createFile(volume, path, p);
      steps.accept("open " + path + (paging ? " (paging file)" : "") + ": " + r.status());
      FileObject fo = r.fileObject();
      if (fo != null) {
        io.closeHandle(fo);
        steps.accept("close " + path);
      }
    }
    io.dismount(volume);
    steps.accept("dismount " + volume.ntDeviceName());
    UnloadReport report = filter.unregister();
    return new Result(report, manager.verifierFindings());
  }
}
