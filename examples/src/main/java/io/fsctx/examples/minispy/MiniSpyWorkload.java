package io.fsctx.examples.minispy;

import io.fsctx.examples.support.DbgPrint;
import io.fsctx.examples.support.SampleRun;
import io.fsctx.fltmgr.ContextEventListener;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileInformationClass;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoDriverCreateContext;
import io.fsctx.io.Volume;
import io.fsctx.nt.BugCheckException;
import io.fsctx.tm.KTransaction;
import java.util.function.Consumer;

/**
 * The workload {@code ./fsctx run --filter minispy} runs on C:: plain creates, reads, writes,
 * queries and a directory listing; a transaction with two transacted creates (one enlistment)
 * that commits; one that rolls back; and with {@code provokeEnlistFailure} a transaction whose
 * enlistments fail, so that {@code SpyEnlistInTransaction} deletes and releases the context it
 * set, for each of its creates. The sample handles that failure correctly: nothing leaks and the
 * run stays clean.
 *
 * <p>Thread safety: runs on the caller's thread.
 */
public final class MiniSpyWorkload {
  private MiniSpyWorkload() {}

  /**
   * Runs the workload.
   *
   * @param fileSystem an unmounted file system
   * @param log where the port prints its records
   * @param provokeEnlistFailure whether to add the transaction whose enlistments fail
   * @param stepSink receives a line per step
   * @return what the run left behind
   */
  public static SampleRun.Result run(FileSystemDriver fileSystem, DbgPrint log, boolean provokeEnlistFailure,
      Consumer<String> stepSink) {
    return run(fileSystem, log, provokeEnlistFailure, stepSink, e -> {});
  }

  /**
   * Runs the workload with a listener on the run's Filter Manager.
   *
   * @param fileSystem an unmounted file system
   * @param log where the port prints its records
   * @param provokeEnlistFailure whether to add the transaction whose enlistments fail
   * @param stepSink receives a line per step
   * @param observer receives every context event of the run (a report recorder, say)
   * @return what the run left behind
   */
  public static SampleRun.Result run(FileSystemDriver fileSystem, DbgPrint log, boolean provokeEnlistFailure,
      Consumer<String> stepSink, ContextEventListener observer) {
    SampleRun run = new SampleRun(stepSink, observer);
    Volume c = run.mount("\\Device\\HarddiskVolume1", 'C', fileSystem);
    MiniSpy spy = new MiniSpy(run.manager(), log);
    run.step("load minispy: " + spy.driverEntry());
    UnloadReport unload = null;
    BugCheckException crash = null;
    String title = "minispy (" + fileSystem.fileSystemName() + ")";
    try {
      CreateResult r = run.io().createFile(c, "\\spy.txt", CreateParameters.openIf());
      run.step("open \\spy.txt: " + r.status());
      FileObject fo = r.openedFileObject();
      run.step("  write 10 bytes: " + run.io().write(fo, 0, 10).status());
      run.step("  read 10 bytes: " + run.io().read(fo, 0, 10).status());
      run.step("  query FileStandardInformation: "
          + run.io().queryInformationFile(fo, FileInformationClass.FILE_STANDARD_INFORMATION, 24).status());
      run.step("  close: " + run.io().closeHandle(fo).status());
      CreateResult dir = run.io().createFile(c, "\\", CreateParameters.open().withOptions(IoConstants.FILE_DIRECTORY_FILE));
      FileObject dfo = dir.openedFileObject();
      run.step("list the root directory: " + run.io().directoryControl(dfo, "*").status());
      run.io().closeHandle(dfo);

      KTransaction committed = run.io().transactionManager().createTransaction();
      run.step("create transaction " + committed.id());
      transacted(run, c, committed, "\\tx-a.txt");
      transacted(run, c, committed, "\\tx-b.txt");
      run.step("commit " + committed.id() + ": " + committed.commit());
      committed.dereference();

      KTransaction rolledBack = run.io().transactionManager().createTransaction();
      run.step("create transaction " + rolledBack.id());
      transacted(run, c, rolledBack, "\\tx-c.txt");
      run.step("roll back " + rolledBack.id() + ": " + rolledBack.rollback());
      rolledBack.dereference();

      if (provokeEnlistFailure) {
        KTransaction failing = run.io().transactionManager().createTransaction();
        failing.setEnlistmentFaults(MiniSpyWorkload::isMiniSpyEnlistment);
        run.step("create transaction " + failing.id() + " whose enlistments by minispy fail (STATUS_INSUFFICIENT_RESOURCES)");
        transacted(run, c, failing, "\\tx-d.txt");
        transacted(run, c, failing, "\\tx-e.txt");
        run.step("commit " + failing.id() + ": " + failing.commit());
        failing.dereference();
      }

      unload = spy.unload();
      run.step("unload minispy: " + (unload.clean() ? "clean" : unload.leakedCount() + " context(s) still referenced")
          + ", " + spy.records().size() + " records logged, " + spy.recordsOutstanding() + " outstanding");
      run.io().dismount(c);
    } catch (BugCheckException bugCheck) {
      crash = bugCheck;
      run.step("bug check: " + bugCheck.getMessage());
    }
    return run.finish(title, unload, crash);
  }

  /** Whether a kernel enlistment is minispy's (the file system's own enlistments go through). */
  public static boolean isMiniSpyEnlistment(String what) {
    return what.endsWith("(" + MiniSpy.SERVICE_NAME + ")");
  }

  private static void transacted(SampleRun run, Volume c, KTransaction tx, String path) {
    CreateResult r = run.io().createFileEx(c, path, CreateParameters.openIf(), IoDriverCreateContext.transacted(tx));
    run.step("  open " + path + " in " + tx.id() + ": " + r.status());
    FileObject fo = r.fileObject();
    if (fo != null) {
      run.step("    write 10 bytes: " + run.io().write(fo, 0, 10).status());
      run.io().closeHandle(fo);
    }
  }
}
