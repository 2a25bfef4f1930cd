package io.fsctx.examples.change;

import io.fsctx.examples.support.DbgPrint;
import io.fsctx.examples.support.SampleRun;
import io.fsctx.fltmgr.ContextEventListener;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoDriverCreateContext;
import io.fsctx.io.Volume;
import io.fsctx.nt.BugCheckException;
import io.fsctx.tm.KTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The workload {@code ./fsctx run --filter change} drives the change port with: a file written
 * outside any transaction (reported dirty at close); a file written in a transaction that commits
 * (reported dirty when the commit is processed) and one in a transaction that rolls back (never
 * dirty); and the five cases of a file moving between transactions: a first transacted writer
 * (1), a second writer in the same transaction (4), a writer in another transaction before the
 * first has ended (3), a non-transacted writer after a transacted one (2), and two non-transacted
 * writers (5). A reader holds each file open throughout, so its file context lives as long. On a
 * file system without transactions the transacted opens fail and are reported as steps; without
 * file contexts (legacy) the filter passes everything through.
 *
 * <p>Thread safety: each call builds its own world; confined to the calling thread.
 */
public final class ChangeWorkload {
  private ChangeWorkload() {}

  /**
   * Runs the workload.
   *
   * @param fileSystem an unmounted file system
   * @param log the port's debugger output
   * @param stepSink receives a line per step
   * @return what the run left behind
   */
  public static SampleRun.Result run(FileSystemDriver fileSystem, DbgPrint log, Consumer<String> stepSink) {
    return run(fileSystem, log, stepSink, e -> {});
  }

  /**
   * Runs the workload with a listener on the run's Filter Manager.
   *
   * @param fileSystem an unmounted file system
   * @param log the port's debugger output
   * @param stepSink receives a line per step
   * @param observer receives every context event of the run (a report recorder, say)
   * @return what the run left behind
   */
  public static SampleRun.Result run(FileSystemDriver fileSystem, DbgPrint log, Consumer<String> stepSink, ContextEventListener observer) {
    SampleRun run = new SampleRun(stepSink, observer);
    Volume vol = run.mount("\\Device\\HarddiskVolume1", 'C', fileSystem);
    Change change = new Change(run.manager(), log);
    run.step("load change: " + change.driverEntry());
    UnloadReport unload = null;
    BugCheckException crash = null;
    try {
      Steps s = new Steps(run, vol);
      // A reader keeps each file open for the whole workload, so the file keeps one file context
      // (the model frees a file's structures, and the context, at its last close) and every
      // writer's open meets the context the previous one left. It also creates the files outside
      // any transaction: a file created in a transaction is invisible outside it until the commit.
      List<FileObject> readers = new ArrayList<>();
      for (String path :
          List.of("\\plain.txt", "\\committed.txt", "\\rolled-back.txt", "\\moved.txt", "\\left.txt")) {
        FileObject reader = s.keepOpen(path);
        if (reader != null) {
          readers.add(reader);
        }
      }
      s.writeAndClose("\\plain.txt", null, "a non-transacted writer");
      s.writeAndClose("\\plain.txt", null, "case 5: a non-transacted writer again");

      KTransaction a = s.tx("commits");
      s.writeAndClose("\\committed.txt", a, "case 1: the first transacted writer");
      s.writeAndClose("\\committed.txt", a, "case 4: a second writer in the same transaction");
      s.end(a, true);

      KTransaction b = s.tx("rolls back");
      s.writeAndClose("\\rolled-back.txt", b, "case 1: a transacted writer");
      s.end(b, false);

      KTransaction c = s.tx("is left by its file");
      KTransaction d = s.tx("takes the file over");
      s.writeAndClose("\\moved.txt", c, "case 1: a writer in the first transaction");
      s.writeAndClose("\\moved.txt", d, "case 3: a writer in another transaction");
      s.end(c, true);
      s.end(d, true);

      KTransaction e = s.tx("loses its file to a non-transacted writer");
      s.writeAndClose("\\left.txt", e, "case 1: a transacted writer");
      s.writeAndClose("\\left.txt", null, "case 2: a non-transacted writer");
      s.end(e, true);

      for (FileObject r : readers) {
        run.io().closeHandle(r);
      }
      run.step("close the readers");

      unload = change.unload();
      run.step("unload change: " + (unload.clean() ? "clean" : unload.leakedCount() + " context(s) still referenced"));
      run.io().dismount(vol);
    } catch (BugCheckException bugCheck) {
      crash = bugCheck;
      run.step("bug check: " + bugCheck.getMessage());
    }
    return run.finish("change (" + fileSystem.fileSystemName() + ")", unload, crash);
  }

  /** The workload's steps, each reported with its status. */
  private static final class Steps {
    private final SampleRun run;
    private final Volume vol;

    Steps(SampleRun run, Volume vol) {
      this.run = run;
      this.vol = vol;
    }

    KTransaction tx(String what) {
      KTransaction t = run.io().transactionManager().createTransaction();
      run.step("create transaction " + t.id() + " (" + what + ")");
      return t;
    }

    /** Opens {@code path} for reading (creating it), outside any transaction; null if that failed. */
    @Nullable FileObject keepOpen(String path) {
      CreateResult r = run.io().createFile(vol, path,
          CreateParameters.openIf().withDesiredAccess(IoConstants.GENERIC_READ));
      run.step("a reader keeps " + path + " open: " + r.status());
      return r.fileObject();
    }

    void writeAndClose(String path, @Nullable KTransaction t, String what) {
      CreateResult r = run.io().createFileEx(vol, path, CreateParameters.openIf(),
          t == null ? IoDriverCreateContext.NONE : IoDriverCreateContext.transacted(t));
      FileObject fo = r.fileObject();
      run.step(what + ": open " + path + (t == null ? "" : " in " + t.id()) + ": " + r.status());
      if (fo != null) {
        run.step("  write 512 bytes: " + run.io().write(fo, 0, 512).status());
        run.io().closeHandle(fo);
      }
    }

    void end(KTransaction t, boolean commit) {
      run.step((commit ? "commit " : "roll back ") + t.id() + ": " + (commit ? t.commit() : t.rollback()));
      t.dereference(); // close the transaction handle
    }
  }
}
