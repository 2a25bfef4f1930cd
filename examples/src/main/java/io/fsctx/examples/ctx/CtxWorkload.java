package io.fsctx.examples.ctx;

import io.fsctx.fltmgr.ContextEvent;
import io.fsctx.fltmgr.ContextEventListener;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoManager;
import io.fsctx.io.Volume;
import io.fsctx.modelfs.ModelFileSystem;
import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The built-in CTX workload behind {@code ./fsctx run}: mounts one volume of the given file
 * system, loads CTX, and touches every path of the sample: a directory, several opens of one new
 * file, reads and writes, an alternate data stream, a hard link (opened through its second name),
 * a rename through one handle, a delete-on-close file, a paging file, a stream file object of the
 * file system's own (a close without a create), cleanup and close of everything, a flush of the
 * delayed-close queue, then unload. Requests a file system refuses (named streams or links on FAT
 * and legacy) are part of the run; they are reported as steps, not errors.
 *
 * <p>Thread safety: each call builds its own I/O manager and Filter Manager; confined to the
 * calling thread.
 */
public final class CtxWorkload {
  private CtxWorkload() {}

  /**
   * The result of a run.
   *
   * @param report the report
   * @param steps one line per workload step with its status
   * @param events every context event
   */
  public record Result(CtxReport report, List<String> steps, List<ContextEvent> events) {
    /** Copies the lists. */
    public Result {
      steps = List.copyOf(steps);
      events = List.copyOf(events);
    }
  }

  /**
   * Runs the workload.
   *
   * @param fileSystem an unmounted file system; a bundled model ({@link ModelFileSystem}) also gets
   *     the stream-file-object and delayed-close-flush steps, which use its extra routines (use
   *     {@link io.fsctx.modelfs.toolkit.ClosePolicy#DELAYED} to exercise the flush)
   * @param log CTX's log
   * @param stepSink receives a line per step as it completes (may print it)
   * @return the report and what happened
   */
  public static Result run(FileSystemDriver fileSystem, CtxLog log, Consumer<String> stepSink) {
    return run(fileSystem, log, stepSink, e -> {});
  }

  /**
   * Runs the workload with one more listener on the run's Filter Manager (a report recorder, say).
   *
   * @param fileSystem as for {@link #run(FileSystemDriver, CtxLog, Consumer)}
   * @param log CTX's log
   * @param stepSink receives a line per step as it completes
   * @param observer receives every context event of the run, from the first allocation on, in the
   *     thread that caused it (so it may look at the request that thread serves)
   * @return the report and what happened
   */
  public static Result run(
      FileSystemDriver fileSystem, CtxLog log, Consumer<String> stepSink, ContextEventListener observer) {
    IoManager io = new IoManager();
    FilterManager mgr = new FilterManager();
    List<ContextEvent> events = Collections.synchronizedList(new ArrayList<>());
    mgr.addListener(events::add);
    mgr.addListener(observer);
    Volume vol = io.mount("\\Device\\HarddiskVolume1", 'C', fileSystem);
    mgr.followMounts(io);
    Ctx ctx = new Ctx(mgr, log);
    NtStatus loaded = ctx.driverEntry();
    List<String> steps = new ArrayList<>();
    Consumer<String> step = s -> {
      steps.add(s);
      stepSink.accept(s);
    };
    step.accept("load CTX: " + loaded);
    List<FileObject> open = new ArrayList<>();

    open(io, vol, "\\docs",
        CreateParameters.openIf().withOptions(IoConstants.FILE_DIRECTORY_FILE), "create directory", step, open);
    FileObject h1 = open(io, vol, "\\docs\\report.txt", CreateParameters.create(), "create file", step, open);
    FileObject h2 = open(io, vol, "\\docs\\report.txt", CreateParameters.open(), "open it again", step, open);
    FileObject h3 = open(io, vol, "\\docs\\report.txt", CreateParameters.open(), "open it a third time", step, open);
    if (h1 != null) {
      step.accept("write 4096 bytes through " + h1 + ": " + io.write(h1, 0, 4096).status());
    }
    if (h2 != null) {
      step.accept("read 512 bytes through " + h2 + ": " + io.read(h2, 0, 512).status());
    }
    open(io, vol, "\\docs\\report.txt:summary", CreateParameters.openIf(), "open alternate data stream", step, open);
    if (h1 != null) {
      step.accept("hard link \\docs\\report-link.txt: "
          + io.setInformation(h1, new FileInformation.Link("\\docs\\report-link.txt", false)).status());
    }
    open(io, vol, "\\docs\\report-link.txt", CreateParameters.open(), "open through the link", step, open);
    if (h2 != null) {
      step.accept("rename through " + h2 + " to \\docs\\final.txt: "
          + io.setInformation(h2, new FileInformation.Rename("\\docs\\final.txt", false)).status());
    }
    FileObject scratch = open(io, vol, "\\docs\\scratch.tmp",
        CreateParameters.create().withOptions(IoConstants.FILE_DELETE_ON_CLOSE), "create delete-on-close file", step, open);
    if (scratch != null) {
      io.write(scratch, 0, 100);
    }
    open(io, vol, "\\pagefile.sys",
        CreateParameters.openIf().withSlFlags(IoConstants.SL_OPEN_PAGING_FILE), "open paging file", step, open);
    ModelFileSystem model = fileSystem instanceof ModelFileSystem m ? m : null;
    if (h3 != null && model != null) {
      FileObject sfo = model.createStreamFileObject(h3);
      io.dereferenceObject(sfo);
      step.accept("stream file object " + sfo + " on " + h3 + "'s stream: closed without a create");
    }
    for (FileObject fo : open) {
      io.closeHandle(fo);
    }
    step.accept("cleanup and close of " + open.size() + " handles");
    if (model != null) {
      step.accept("flush delayed closes: " + model.flushDelayedCloses() + " stream(s) freed");
    }
    var unload = ctx.unload();
    step.accept("unload CTX: " + (unload.clean() ? "clean" : unload.leakedCount() + " context(s) still referenced"));
    int live = 0;
    for (FltContext c : mgr.liveContexts()) {
      if (c.filter().name().equals(Ctx.SERVICE_NAME)) {
        live++;
      }
    }
    io.dismount(vol);
    CtxReport report = CtxReport.from(fileSystem.fileSystemName(), Ctx.SERVICE_NAME, List.copyOf(events), log,
        ctx.support().outstanding(), unload, live);
    return new Result(report, steps, events);
  }

  private static @Nullable FileObject open(
      IoManager io, Volume vol, String path, CreateParameters p, String what, Consumer<String> step, List<FileObject> open) {
    CreateResult r = io.createFile(vol, path, p);
    FileObject fo = r.fileObject();
    step.accept(what + " " + path + ": " + r.status() + (fo == null ? "" : " (" + fo + ")"));
    if (fo != null) {
      open.add(fo);
    }
    return fo;
  }
}
