package io.fsctx.examples.avscan;

import io.fsctx.io.IoDriverCreateContext;
import io.fsctx.tm.KTransaction;

import io.fsctx.fltmgr.ContextEventListener;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.FltConfig;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.fltmgr.FltInstance;
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
import io.fsctx.nt.BugCheckException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs {@link AvScan} on a model file system under the verifier ({@link VerifierLevel#TRACKING}):
 * opens that create stream contexts and scan through data-scan sections, writes that mark streams
 * modified and rescans, a prefetcher open marked with a stream-handle context and unmarked at
 * cleanup, a stream joining a transaction that commits, and one that joins a transaction and
 * leaves it before the rollback; then the unload. {@code fsctx run --filter avscan} prints the
 * unload report and the verifier's findings and exits 0 when both are clean.
 *
 * <p>{@link Provoke} adds the steps that reach the sample's defects, and the run then reports them.
 *
 * <p>Thread safety: one run per call, confined to the calling thread.
 */
public final class AvScanWorkload {
  private AvScanWorkload() {}

  /** Which of the sample's known defects the run provokes. */
  public enum Provoke {
    /** Neither: the run is clean. */
    NONE,
    /**
     * Defect 1: a scan while another section of the instance is open on the stream (a user-mode
     * scan in progress), so {@code FltCreateSectionForDataScan} fails and the section context
     * leaks.
     */
    SECTION_LEAK,
    /**
     * Defect 2: a stream written in transaction A, then in transaction B (case 3): the stream
     * context keeps an extra reference and B's outcome releases B's context once too many.
     */
    TX_REFERENCE
  }

  /**
   * What a run found.
   *
   * @param report the filter's unload report
   * @param findings every verifier finding of the run
   * @param bugChecks the bug checks the run hit (caught so that the run can report them)
   */
  public record Result(UnloadReport report, List<VerifierFinding> findings, List<String> bugChecks) {
    /** Whether nothing leaked, the verifier found nothing and nothing bug-checked. */
    public boolean clean() {
      return report.clean() && findings.isEmpty() && bugChecks.isEmpty();
    }
  }

  /**
   * Runs the workload.
   *
   * @param fileSystem a fresh file system to mount
   * @param provoke which defect to reach, if any
   * @param steps told about each step, for a verbose listing
   * @param observer receives every context event of the run
   * @return the report and findings
   */
  public static Result run(FileSystemDriver fileSystem, Provoke provoke, Consumer<String> steps, ContextEventListener observer) {
    FilterManager manager = new FilterManager(
        FltConfig.builder().verifierLevel(VerifierLevel.TRACKING).unloadWaitTimeout(Duration.ofMillis(200)).build());
    manager.addListener(observer);
    IoManager io = new IoManager();
    Volume volume = io.mount("\\Device\\HarddiskVolume1", 'C', fileSystem);
    manager.followMounts(io);
    FltFilter filter = AvScan.register(manager);
    List<String> bugChecks = new ArrayList<>();
    Run r = new Run(io, volume, steps);
    try {
      r.closeAll(r.open("\\doc.txt", true));
      FileObject doc = r.open("\\doc.txt", true);
      r.write(doc);
      r.closeAll(doc);
      r.closeAll(r.open("\\doc.txt", false)); // rescans the modified stream

      r.closeAll(r.directory("\\Prefetch"));
      r.closeAll(r.open(AvScan.PREFETCH_DIRECTORY + "APP.pf", false));

      KTransaction a = io.transactionManager().createTransaction();
      r.closeAll(r.openIn(a, "\\tx.txt"));
      a.commit();
      steps.accept("commit " + a.id());
      KTransaction b = io.transactionManager().createTransaction();
      FileObject inB = r.openIn(b, "\\tx.txt");
      r.closeAll(r.open("\\tx.txt", true)); // the same stream written outside any transaction: leaves TxB's list (case 2)
      r.closeAll(inB);
      b.rollback();
      steps.accept("roll back " + b.id());

      FltInstance instance = filter.instances().get(0);
      if (provoke == Provoke.SECTION_LEAK) {
        FileObject first = r.open("\\scan.txt", true);
        r.write(first);
        FltContext userScan = AvScan.beginUserScan(instance, first);
        steps.accept("user-mode scan of \\scan.txt holds its section open");
        r.closeAll(r.open("\\scan.txt", false)); // the kernel scan's create fails: defect 1
        if (userScan != null) {
          AvScan.endUserScan(userScan);
        }
        r.closeAll(first);
      }
      if (provoke == Provoke.TX_REFERENCE) {
        KTransaction c = io.transactionManager().createTransaction();
        KTransaction d = io.transactionManager().createTransaction();
        // The file exists outside both transactions: a file created inside TxC would be TxC's
        // alone until it commits, and TxD's open of it a transactional conflict.
        r.closeAll(r.open("\\move.txt", false));
        FileObject inC = r.openIn(c, "\\move.txt");
        r.closeAll(r.openIn(d, "\\move.txt")); // the same stream moves from TxC to TxD (case 3): defect 2
        r.closeAll(inC);
        try {
          d.commit();
        } catch (BugCheckException e) {
          bugChecks.add(e.getMessage());
        }
        c.commit();
        steps.accept("commit " + d.id() + ", " + c.id());
      }
    } finally {
      io.dismount(volume);
      steps.accept("dismount " + volume.ntDeviceName());
    }
    UnloadReport report = filter.unregister();
    List<Throwable> late = manager.awaitWorkItems();
    for (Throwable t : late) {
      bugChecks.add(String.valueOf(t.getMessage()));
    }
    return new Result(report, manager.verifierFindings(), bugChecks);
  }

  /** The workload's I/O helpers. */
  private record Run(IoManager io, Volume volume, Consumer<String> steps) {
    FileObject open(String path, boolean write) {
      return open(path, write, null);
    }

    private FileObject open(String path, boolean write, @Nullable KTransaction tx) {
      CreateParameters p = CreateParameters.openIf();
      if (write) {
        p = p.withDesiredAccess(IoConstants.FILE_WRITE_DATA);
      }
      CreateResult r = io.createFileEx(volume, path, p, tx == null ? IoDriverCreateContext.NONE : IoDriverCreateContext.transacted(tx));
      steps.accept("open " + path + (write ? " for write" : "") + ": " + r.status());
      FileObject fo = r.fileObject();
      if (fo == null) {
        throw new IllegalStateException("AvScan workload: open of " + path + " failed with " + r.status());
      }
      return fo;
    }

    FileObject directory(String path) {
      CreateResult r = io.createFile(volume, path, CreateParameters.openIf().withOptions(IoConstants.FILE_DIRECTORY_FILE));
      steps.accept("open directory " + path + ": " + r.status());
      FileObject fo = r.fileObject();
      if (fo == null) {
        throw new IllegalStateException("AvScan workload: directory " + path + " failed with " + r.status());
      }
      return fo;
    }

    FileObject openIn(KTransaction tx, String path) {
      FileObject fo = open(path, true, tx);
      steps.accept("  (in " + tx.id() + ")");
      return fo;
    }

    void write(FileObject fo) {
      steps.accept("write " + fo.fileName() + ": " + io.write(fo, 0, 64).status());
    }

    void closeAll(@Nullable FileObject fo) {
      if (fo != null) {
        io.closeHandle(fo);
        steps.accept("close " + fo.fileName());
      }
    }
  }
}
