package io.fsctx.tools.checkfs;

import static io.fsctx.io.IoConstants.FILE_DELETE_ON_CLOSE;
import static io.fsctx.io.IoConstants.FILE_DIRECTORY_FILE;
import static io.fsctx.io.IoConstants.SL_OPEN_PAGING_FILE;

import io.fsctx.fltmgr.ContextEventListener;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltConfig;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.Irp;
import io.fsctx.io.IoManager;
import io.fsctx.io.IoStatus;
import io.fsctx.io.Volume;
import io.fsctx.modelfs.ModelFileSystem;
import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.nt.PoolBlock;
import io.fsctx.tools.checkfs.Probe.Attempt;
import io.fsctx.tools.checkfs.Probe.Kind;
import io.fsctx.tools.checkfs.Probe.Opened;
import io.fsctx.verifier.FileSystemVerifier;
import io.fsctx.verifier.FsRule;
import io.fsctx.verifier.FsRuleChecks;
import io.fsctx.verifier.FsViolation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One run of {@link FsChecker}: the managers, the probe, the workload, what was observed, and the
 * judgement. Used once.
 *
 * <h2>The workload</h2>
 * Every path a file system's FCB lifecycle has: a directory opened and enumerated (so a fastfat-like
 * file system makes the directory's stream file object), files written and read, a second open of a
 * stream while it is open, a named stream and a hard link where the file system has them, a volume
 * open, a paging file, a handle cleaned up while an extra reference keeps its file object (so cleanup
 * and close are separate requests, and the file is reopened between them), a file closed and
 * reopened (from a delayed-close queue, where there is one), a create that fails after the file
 * system may have built an FCB (a file opened as a directory once its FCB is gone), a rename with
 * the handle open, delete-on-close and delete by disposition, a race phase in which several threads
 * open, write and close the same new file at once, then the close of every handle, a delayed-close
 * flush, dismount and the probe's unload.
 *
 * <h2>The rows</h2>
 * One row per {@link FsRule}, judged by {@link FileSystemVerifier} (its evidence on PASS says what
 * was checked on which structures at which moments; N/A says why the workload could not reach it),
 * then the probe rows (STREAM-CTX, HANDLE-CTX, FILE-CTX, RENAME, DISMOUNT) and WORKLOAD. With
 * {@code strict}, every WARN row is reported as FAIL.
 *
 * <p>Thread safety: confined to the thread that calls {@link #run()}, which starts and joins the
 * race phase's threads itself.
 */
final class CheckRun {
  private static final int MAX_LISTED = 6;
  /** Structures a passing rule row names as evidence. */
  private static final int EXAMPLES = 4;
  /** Threads and rounds of the race phase: each round all threads open one new file at once. */
  static final int RACE_THREADS = 4;
  static final int RACE_ROUNDS = 8;
  private static final long RACE_TIMEOUT_SECONDS = 60;

  private static final String DIR = "\\dir";
  private static final String FILE_A = "\\dir\\a.txt";
  private static final String FILE_B = "\\dir\\b.txt";
  private static final String STREAM = "\\dir\\a.txt:meta";
  private static final String LINK = "\\dir\\a-link.txt";
  private static final String PAGEFILE = "\\pagefile.sys";
  private static final String HELD = "\\dir\\held.txt";
  private static final String PLAIN = "\\dir\\plain.txt";
  private static final String DELETE_ON_CLOSE = "\\dir\\delete-on-close.tmp";
  private static final String DISPOSITION = "\\dir\\disposition.tmp";

  private final FileSystemDriver fs;
  private final IoManager io = new IoManager();
  private final FilterManager manager =
      new FilterManager(FltConfig.builder().unloadWaitTimeout(Duration.ofMillis(100)).build());
  private final FileSystemVerifier fsVerifier = FileSystemVerifier.watch(io);
  private final boolean strict;
  private final Probe probe;

  private final List<String> thrown = Collections.synchronizedList(new ArrayList<>());
  private final List<String> refused = Collections.synchronizedList(new ArrayList<>());
  private final List<String> done = Collections.synchronizedList(new ArrayList<>());
  private final List<FileObject> handles = Collections.synchronizedList(new ArrayList<>());
  /** Groups of file objects open at the same time on one file: they must share its contexts. */
  private final List<List<FileObject>> sameFileGroups = new ArrayList<>();
  private @Nullable Volume volume;
  private @Nullable NtStatus pagingStatus;
  private @Nullable NtStatus linkStatus;
  private int raceOpens;
  /** The first failure other than a bug check in a race thread, rethrown on the checking thread. */
  private final AtomicReference<@Nullable RuntimeException> raceFailure = new AtomicReference<>();

  // Rename observations.
  private @Nullable Opened renamed;
  private @Nullable NtStatus renameStatus;
  private final Map<String, String> afterRename = new LinkedHashMap<>();
  private @Nullable Opened reopened;

  // End-of-run observations.
  private int flushedAtFlush;
  private List<FltContext> liveAfterDismount = List.of();
  private @Nullable UnloadReport unload;
  private int controlBlocksAfterDismount;
  private List<PoolBlock> outstandingAfterDismount = List.of();

  CheckRun(FileSystemDriver fs, boolean strict, ContextEventListener observer) {
    this.fs = fs;
    this.strict = strict;
    manager.addListener(observer);
    this.probe = new Probe(manager);
    manager.followMounts(io);
  }

  CheckReport run() {
    // A bug check (a double free) is a finding: the step that raised it is noted and the run goes
    // on. Anything else thrown is the file system (or fsctx) failing outright: the run still
    // closes what it opened, then the first failure leaves check() for the command to report.
    RuntimeException failure = null;
    try {
      workload();
    } catch (RuntimeException e) {
      failure = e;
    }
    try {
      finish();
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    if (failure != null) {
      throw failure;
    }
    List<Requirement> rows = new ArrayList<>();
    for (FsRule rule : FsRule.values()) {
      rows.add(ruleRow(rule));
    }
    rows.add(streamContexts());
    rows.add(streamHandleContexts());
    rows.add(fileContexts());
    rows.add(rename());
    rows.add(dismount());
    rows.add(workloadRow());
    if (strict) {
      rows.replaceAll(r -> r.verdict() == Verdict.WARN
          ? new Requirement(r.id(), r.title(), Verdict.FAIL, "--strict fails a warning: " + r.evidence(), r.rule())
          : r);
    }
    return new CheckReport(fs.fileSystemName(), fs.getClass().getName(), rows);
  }

  // ---- Workload -------------------------------------------------------------------------------

  private void workload() {
    Volume v = step("mount", () -> io.mount("\\Device\\HarddiskVolume1", 'C', fs));
    if (v == null) {
      return;
    }
    volume = v;
    FileObject dir = open(Kind.DIRECTORY, DIR, DIR, CreateParameters.create().withOptions(FILE_DIRECTORY_FILE));
    FileObject a = open(Kind.FILE, FILE_A, FILE_A, CreateParameters.create());
    List<FileObject> aGroup = new ArrayList<>();
    if (a != null) {
      aGroup.add(a);
      request("write " + FILE_A, () -> io.write(a, 0, 4096));
      request("read " + FILE_A, () -> io.read(a, 0, 512));
      FileObject again = open(Kind.FILE, FILE_A, FILE_A, CreateParameters.open());
      if (again != null) {
        aGroup.add(again);
      }
      if (fs.supportsNamedStreams()) {
        FileObject ads = open(Kind.NAMED_STREAM, STREAM, FILE_A, CreateParameters.create());
        if (ads != null) {
          aGroup.add(ads);
          request("write " + STREAM, () -> io.write(ads, 0, 100));
        }
      }
      IoStatus l = step("link " + FILE_A + " as " + LINK, () -> io.setInformation(a, new FileInformation.Link(LINK, false)));
      if (l != null) {
        linkStatus = l.status();
        if (l.isSuccess()) {
          FileObject viaLink = open(Kind.HARD_LINK, LINK, FILE_A, CreateParameters.open());
          if (viaLink != null) {
            aGroup.add(viaLink);
          }
        }
      }
    }
    open(Kind.VOLUME, "", "(volume)", CreateParameters.open());
    open(Kind.PAGING_FILE, PAGEFILE, PAGEFILE, CreateParameters.openIf().withSlFlags(SL_OPEN_PAGING_FILE));
    if (dir != null) {
      request("enumerate " + DIR, () -> io.directoryControl(dir, "*"));
    }
    cleanupThenClose();
    if (a != null) {
      renameAndRecheck(a, aGroup);
    }
    sameFileGroups.add(aGroup);
    closeAndReopen();
    FileObject del = open(Kind.FILE, DELETE_ON_CLOSE, DELETE_ON_CLOSE,
        CreateParameters.create().withOptions(FILE_DELETE_ON_CLOSE));
    if (del != null) {
      close(del);
      expectGone(DELETE_ON_CLOSE, "delete-on-close");
    }
    FileObject disp = open(Kind.FILE, DISPOSITION, DISPOSITION, CreateParameters.create());
    if (disp != null) {
      request("set disposition of " + DISPOSITION, () -> io.setInformation(disp, new FileInformation.Disposition(true)));
      close(disp);
      expectGone(DISPOSITION, "delete by disposition");
    }
    race();
  }

  /**
   * A handle closed while an extra reference keeps its file object: {@code IRP_MJ_CLEANUP} now,
   * {@code IRP_MJ_CLOSE} only when the reference goes, and a second open of the file in between
   * (which must find the FCB and its contexts intact).
   */
  private void cleanupThenClose() {
    FileObject held = open(Kind.FILE, HELD, HELD, CreateParameters.create());
    if (held == null) {
      return;
    }
    request("write " + HELD, () -> io.write(held, 0, 10));
    Boolean referenced = step("reference " + HELD, () -> {
      io.referenceObject(held);
      return Boolean.TRUE;
    });
    close(held);
    if (referenced == null) {
      return;
    }
    done.add("cleanup of " + HELD + " with its close held back by a reference");
    FileObject second = open(Kind.FILE, HELD, HELD, CreateParameters.open());
    if (second != null) {
      sameFileGroups.add(List.of(held, second));
    }
    step("dereference " + HELD + " (its IRP_MJ_CLOSE)", () -> {
      io.dereferenceObject(held);
      return Boolean.TRUE;
    });
    if (second != null) {
      close(second);
    }
  }

  /**
   * A file closed and opened again (from the delayed-close queue, on a file system that has one),
   * then, once its FCB is gone, opened as a directory: a file system that builds the FCB before
   * checking the type (as fastfat does) takes its create's error path and frees that FCB.
   */
  private void closeAndReopen() {
    FileObject p = open(Kind.FILE, PLAIN, PLAIN, CreateParameters.create());
    if (p == null) {
      return;
    }
    close(p);
    FileObject again = open(Kind.FILE, PLAIN, PLAIN, CreateParameters.open());
    if (again != null) {
      close(again);
    }
    flush("flush delayed closes before the create error path");
    Volume v = Objects.requireNonNull(volume);
    String what = "create " + PLAIN + " as a directory (the create's error path)";
    CreateResult r = step(what, () -> io.createFile(v, PLAIN, CreateParameters.open().withOptions(FILE_DIRECTORY_FILE)));
    if (r == null) {
      return;
    }
    FileObject fo = r.fileObject();
    if (fo != null) {
      handles.add(fo);
      refused.add(what + " succeeded (" + r.status() + "): the file is not a directory");
    } else {
      done.add(what + " → " + r.status() + " as expected");
    }
  }

  /**
   * The race phase: in each round, {@link #RACE_THREADS} threads open the same new file at once
   * (the first create builds the FCB while the others look for it), write, wait for each other
   * and close at once. A header published before its setup shows up here even when the file
   * system reports no table insert.
   */
  private void race() {
    Volume v = Objects.requireNonNull(volume);
    for (int round = 0; round < RACE_ROUNDS; round++) {
      String path = DIR + "\\race-" + round + ".txt";
      FileObject[] opened = new FileObject[RACE_THREADS];
      CountDownLatch start = new CountDownLatch(1);
      CyclicBarrier allOpen = new CyclicBarrier(RACE_THREADS);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < RACE_THREADS; t++) {
        int slot = t;
        Thread th = new Thread(() -> raceOnce(v, path, slot, opened, start, allOpen), "check-fs-race-" + round + "-" + t);
        threads.add(th);
        th.start();
      }
      start.countDown();
      for (Thread th : threads) {
        try {
          th.join(TimeUnit.SECONDS.toMillis(RACE_TIMEOUT_SECONDS));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          thrown.add("race on " + path + " interrupted");
          return;
        }
        if (th.isAlive()) {
          thrown.add(th.getName() + " did not finish within " + RACE_TIMEOUT_SECONDS + " s (a deadlock?)");
          return;
        }
      }
      RuntimeException failed = raceFailure.get();
      if (failed != null) {
        throw failed;
      }
      List<FileObject> group = new ArrayList<>();
      for (FileObject fo : opened) {
        if (fo != null) {
          group.add(fo);
          label(fo, Kind.FILE, path, path);
        }
      }
      sameFileGroups.add(group);
    }
    done.add(RACE_ROUNDS + " rounds of " + RACE_THREADS + " threads opening, writing and closing one new file at once ("
        + raceOpens + " opens)");
  }

  private void raceOnce(
      Volume v, String path, int slot, FileObject[] opened, CountDownLatch start, CyclicBarrier allOpen) {
    FileObject fo = null;
    try {
      start.await();
      CreateResult r = io.createFile(v, path, CreateParameters.openIf());
      fo = r.fileObject();
      if (fo == null) {
        refused.add("create " + path + " (race) → " + r.status());
      } else {
        synchronized (this) {
          opened[slot] = fo;
          raceOpens++;
        }
        FileObject w = fo;
        IoStatus st = io.write(w, 0, 100);
        if (!st.isSuccess()) {
          refused.add("write " + path + " (race) → " + st.status());
        }
      }
      allOpen.await(RACE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      thrown.add("race on " + path + " interrupted");
    } catch (BrokenBarrierException | TimeoutException e) {
      thrown.add("race on " + path + ": another thread failed (" + e + ")");
    } catch (BugCheckException e) {
      thrown.add("race on " + path + " threw " + e);
      allOpen.reset();
    } catch (RuntimeException e) {
      raceFailure.compareAndSet(null, e);
      allOpen.reset();
    } finally {
      if (fo != null) {
        try {
          io.closeHandle(fo);
        } catch (BugCheckException e) {
          thrown.add("close " + path + " (race) threw " + e);
        } catch (RuntimeException e) {
          raceFailure.compareAndSet(null, e);
        }
      }
    }
  }

  private void renameAndRecheck(FileObject a, List<FileObject> aGroup) {
    Opened before = probe.opened(a);
    renamed = before;
    IoStatus st = step("rename " + FILE_A + " to " + FILE_B,
        () -> io.setInformation(a, new FileInformation.Rename(FILE_B, false)));
    if (st == null) {
      return;
    }
    renameStatus = st.status();
    if (!st.isSuccess()) {
      refused.add("rename " + FILE_A + " to " + FILE_B + " → " + st.status());
      return;
    }
    done.add("rename " + FILE_A + " to " + FILE_B);
    FltInstance inst = probe.instance();
    if (inst != null) {
      afterRename.put("FltGetStreamContext", get(() -> getId(inst, a, Flt::getStreamContext)));
      afterRename.put("FltGetStreamHandleContext", get(() -> getId(inst, a, Flt::getStreamHandleContext)));
      afterRename.put("FltGetFileContext", get(() -> getId(inst, a, Flt::getFileContext)));
    }
    FileObject b = open(Kind.FILE, FILE_B, FILE_A, CreateParameters.open());
    if (b != null) {
      aGroup.add(b);
      reopened = probe.opened(b);
    }
  }

  @FunctionalInterface
  private interface Getter {
    NtStatus get(FltInstance instance, FileObject fo, Out<FltContext> context);
  }

  private static String getId(FltInstance inst, FileObject fo, Getter getter) {
    Out<FltContext> out = new Out<>();
    NtStatus st = getter.get(inst, fo, out);
    FltContext c = out.get();
    if (c == null) {
      return st.toString();
    }
    String id = c.id();
    Flt.releaseContext(c);
    return id;
  }

  private String get(Supplier<String> s) {
    String r = step("query contexts after rename", s);
    return r == null ? "(threw)" : r;
  }

  private void finish() {
    List<FileObject> open;
    synchronized (handles) {
      open = new ArrayList<>(handles);
    }
    Collections.reverse(open);
    for (FileObject fo : open) {
      close(fo);
    }
    flush("flush delayed closes");
    Volume v = volume;
    if (v != null && !v.isDismounted()) {
      var fltVolume = manager.volumeOf(v);
      step("dismount", () -> {
        io.dismount(v);
        return Boolean.TRUE;
      });
      controlBlocksAfterDismount = fltVolume == null ? 0 : fltVolume.streamControlBlockCount();
    }
    if (v != null) {
      List<PoolBlock> left = new ArrayList<>();
      for (PoolBlock b : io.pool().outstanding()) {
        if (Irp.Site.volumeOf(b.allocatedAt()) == v) {
          left.add(b);
        }
      }
      outstandingAfterDismount = left;
    }
    liveAfterDismount = manager.liveContexts();
    fsVerifier.finish();
    unload = step("unload the probe", () -> probe.filter().unregister());
  }

  private void flush(String what) {
    if (fs instanceof ModelFileSystem m) {
      Integer n = step(what, m::flushDelayedCloses);
      flushedAtFlush += n == null ? 0 : n;
    }
  }

  private @Nullable FileObject open(Kind kind, String path, String file, CreateParameters parameters) {
    Volume v = Objects.requireNonNull(volume);
    String what = "create " + (path.isEmpty() ? "(volume)" : path);
    CreateResult r = step(what, () -> io.createFile(v, path, parameters));
    if (r == null) {
      return null;
    }
    if (kind == Kind.PAGING_FILE) {
      pagingStatus = r.status();
    }
    FileObject fo = r.fileObject();
    if (!r.isOpened() || fo == null) {
      refused.add(what + " → " + r.status());
      return null;
    }
    done.add(what);
    handles.add(fo);
    label(fo, kind, path, file);
    return fo;
  }

  private void label(FileObject fo, Kind kind, String path, String file) {
    Opened o = probe.opened(fo);
    if (o == null) {
      refused.add("create " + path + " succeeded but the probe's post-create never saw it");
    } else {
      o.kind = kind;
      o.label = kind.text + (path.isEmpty() ? "" : " " + path);
      o.fileKey = file;
    }
  }

  private void close(FileObject fo) {
    if (handles.remove(fo)) {
      step("close " + (fo.fileName().isEmpty() ? "(volume)" : fo.fileName()), () -> io.closeHandle(fo));
    }
  }

  private void request(String what, Supplier<IoStatus> action) {
    IoStatus st = step(what, action);
    if (st != null && !st.isSuccess()) {
      refused.add(what + " → " + st.status());
    } else if (st != null) {
      done.add(what);
    }
  }

  private void expectGone(String path, String how) {
    Volume v = Objects.requireNonNull(volume);
    CreateResult r = step("look up " + path, () -> io.createFile(v, path, CreateParameters.open()));
    FileObject found = r == null ? null : r.fileObject();
    if (found != null) {
      step("close " + path, () -> io.closeHandle(found));
      refused.add(path + " still exists after " + how + " and its last close");
    } else if (r != null) {
      done.add(how + " of " + path + " (a later open → " + r.status() + ")");
    }
  }

  /** Runs one step; a bug check it raises is noted (WORKLOAD) and the workload goes on. */
  private <T> @Nullable T step(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (BugCheckException e) {
      thrown.add(what + " threw " + e);
      return null;
    }
  }

  // ---- Helpers for the rows -------------------------------------------------------------------

  /** The opens of each header, by header identity, in first-open order. */
  private Map<CommonFcbHeader, List<Opened>> byHeader() {
    Map<CommonFcbHeader, List<Opened>> m = new IdentityHashMap<>();
    List<CommonFcbHeader> order = new ArrayList<>();
    for (Opened o : probe.allOpened()) {
      m.computeIfAbsent(o.header, h -> {
        order.add(h);
        return new ArrayList<>();
      }).add(o);
    }
    Map<CommonFcbHeader, List<Opened>> ordered = new LinkedHashMap<>();
    for (CommonFcbHeader h : order) {
      ordered.put(h, m.get(h));
    }
    return ordered;
  }

  private static boolean paging(Opened o) {
    return o.kind == Kind.PAGING_FILE;
  }

  private static String list(List<String> items) {
    if (items.size() <= MAX_LISTED) {
      return String.join(", ", items);
    }
    return String.join(", ", items.subList(0, MAX_LISTED)) + " and " + (items.size() - MAX_LISTED) + " more";
  }

  /** "problem on a, b; other problem on c", grouping identical problems. */
  private static String grouped(Map<String, List<String>> byProblem) {
    List<String> parts = new ArrayList<>();
    byProblem.forEach((problem, where) -> parts.add(problem + " on " + list(where)));
    return String.join("; ", parts);
  }

  private static void add(Map<String, List<String>> m, String problem, String where) {
    m.computeIfAbsent(problem, k -> new ArrayList<>()).add(where);
  }

  private static Requirement row(String id, String title, Verdict v, String evidence, String rule) {
    return new Requirement(id, title, v, evidence, rule);
  }

  // ---- Rows -----------------------------------------------------------------------------------

  /** One row per rule of the file-system table, judged by the file-system verifier. */
  private Requirement ruleRow(FsRule rule) {
    List<FsViolation> found = fsVerifier.violations(rule);
    FsRuleChecks checked = fsVerifier.checked(rule);
    if (!found.isEmpty()) {
      List<String> messages = new ArrayList<>();
      for (FsViolation f : found) {
        messages.add(f.message());
      }
      Verdict v = rule.severity() == FsRule.Severity.WARN ? Verdict.WARN : Verdict.FAIL;
      return row(rule.id(), rule.title(), v, list(messages), rule.source());
    }
    if (checked.count() == 0) {
      return row(rule.id(), rule.title(), Verdict.NOT_APPLICABLE, "not exercised: " + notExercised(rule), rule.source());
    }
    List<String> examples = checked.examples().subList(0, Math.min(EXAMPLES, checked.examples().size()));
    long more = checked.subjects() - examples.size();
    String ev = passed(rule) + " (" + checked.count() + " check" + (checked.count() == 1 ? "" : "s") + " on "
        + checked.subjects() + " " + subjects(rule, checked.subjects()) + ", at " + String.join(", ", checked.moments())
        + "): " + String.join("; ", examples) + (more > 0 ? "; and " + more + " more" : "");
    return row(rule.id(), rule.title(), Verdict.PASS, ev, rule.source());
  }

  /** What a passing rule establishes, in one clause. */
  private static String passed(FsRule rule) {
    return switch (rule) {
      case HDR_ADVANCED -> "every header a file object pointed at is an FSRTL_ADVANCED_FCB_HEADER";
      case HDR_SETUP -> "every advanced header was set up before a file object pointed at it";
      case SETUP_ORDER -> "every header was set up before its FCB table insert (where the file system reported one)"
          + " and before its first open";
      case SETUP_ONCE -> "every header was set up exactly once";
      case FLAGS_STABLE -> "FSRTL_FLAG_ADVANCED_HEADER and FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS (cleared only on"
          + " paging files) were set each time they were looked at";
      case VERSION_SLOT -> "every header set up with a per-file slot kept Version >= FSRTL_FCB_HEADER_V1";
      case PAGING_FILE -> "every paging file's header had FSRTL_FLAG2_IS_PAGING_FILE and not"
          + " FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS";
      case STREAM_TEARDOWN -> "FsRtlTeardownPerStreamContexts came before the free of every set-up header";
      case FILE_TEARDOWN -> "FsRtlTeardownPerFileContexts came before the free of every per-file structure whose"
          + " slot was given to setup";
      case TEARDOWN_TIMING -> "every teardown ran with no file object of the stream open (for a per-file teardown:"
          + " after the file's last stream), was followed by no reopen, and came in the request that freed the"
          + " structure";
      case LOCK_LIFETIME -> "the header's lock was still allocated at every FsRtlTeardownPerStreamContexts";
      case FREE_ONCE -> "every pool block was freed once";
      case FREE_WHILE_OPEN -> "no header was freed while a file object pointed at it";
      case FREE_AT_DISMOUNT -> "nothing allocated for the volume was left once it was dismounted and its last file"
          + " object gone";
      case FCB_POOL -> "every header a file object pointed at lives in a pool block";
    };
  }

  private static String subjects(FsRule rule, long n) {
    String noun = switch (rule) {
      case FREE_ONCE -> "pool block";
      case FREE_AT_DISMOUNT -> "volume";
      case FILE_TEARDOWN -> "per-file structure";
      case TEARDOWN_TIMING -> "header or per-file structure";
      default -> "header";
    };
    return n == 1 ? noun : noun.replace("header or", "headers and") + "s";
  }

  /** Why the workload could not reach a rule. */
  private String notExercised(FsRule rule) {
    List<Opened> all = probe.allOpened();
    boolean anyOpen = !all.isEmpty();
    boolean anyAdvanced = all.stream().anyMatch(o -> o.advanced);
    boolean anySetUp = all.stream().anyMatch(o -> o.setUp);
    String noOpen = "no file object was opened on the file system (see WORKLOAD)";
    String noAdvanced = "no file object pointed at an advanced header (see HDR-ADVANCED)";
    String noSetup = "no header a file object pointed at was set up (see HDR-ADVANCED and HDR-SETUP)";
    return switch (rule) {
      case HDR_ADVANCED, FCB_POOL -> noOpen;
      case HDR_SETUP -> anyOpen ? noAdvanced : noOpen;
      case SETUP_ORDER, SETUP_ONCE, FLAGS_STABLE -> anyOpen ? noSetup : noOpen;
      case VERSION_SLOT -> "no header was set up with a per-file slot (FsRtlSetupAdvancedHeaderEx with a"
          + " FileContextSupportPointer), so no slot could be hidden: the file system offers no native file contexts";
      case PAGING_FILE -> pagingStatus != null && pagingStatus.isSuccess()
          ? "the paging file's header is not an advanced header (see HDR-ADVANCED), so it has no filter-context"
              + " support to clear"
          : PAGEFILE + " could not be opened" + (pagingStatus == null ? "" : " (" + pagingStatus + ")");
      case STREAM_TEARDOWN -> anySetUp || anyAdvanced
          ? "no set-up header was freed (see FREE-AT-DISMOUNT)"
          : "no header was an advanced one, so there was no FsRtlTeardownPerStreamContexts to call (see HDR-ADVANCED)";
      case FILE_TEARDOWN -> "no per-file structure whose slot was given to setup was freed; no header was set up"
          + " with a per-file slot, so the file system offers no native file contexts and has no per-file teardown"
          + " to call";
      case TEARDOWN_TIMING, LOCK_LIFETIME ->
          "the file system never called FsRtlTeardownPerStreamContexts or FsRtlTeardownPerFileContexts on a"
              + " structure it freed (see STREAM-TEARDOWN)";
      case FREE_ONCE -> "no pool block was freed";
      case FREE_WHILE_OPEN -> "no header was freed";
      case FREE_AT_DISMOUNT -> {
        Volume v = volume;
        if (v == null || !v.isDismounted()) {
          yield "the volume was not dismounted (see WORKLOAD)";
        }
        yield "file objects of the volume were never deleted (a close threw or never came; see WORKLOAD), so the"
            + " volume never reached the moment the rule is judged; " + outstandingAfterDismount.size()
            + " pool block(s) allocated for it were still outstanding at the end";
      }
    };
  }

  private Requirement streamContexts() {
    String title = "FltSetStreamContext succeeds in post-create on every non-paging stream, and later opens of an"
        + " open stream find the same context";
    Map<String, List<String>> bad = new LinkedHashMap<>();
    List<String> good = new ArrayList<>();
    List<String> sharedLater = new ArrayList<>();
    List<String> pagingNotes = new ArrayList<>();
    for (List<Opened> opens : byHeader().values()) {
      Opened first = opens.get(0);
      if (paging(first)) {
        Attempt s = first.stream;
        pagingNotes.add(s.setStatus().isSuccess()
            ? "the paging file " + first.describe() + " accepted a stream context (" + s.setStatus()
                + "): its header still claims filter-context support (see PAGING-FILE)"
            : "the paging file " + first.describe() + " refused it with " + s.setStatus()
                + ", as a paging file whose header has no FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS should");
        continue;
      }
      if (first.stream.worked()) {
        good.add(first.describe() + " " + first.stream.contextId());
      } else {
        add(bad, "FltSetStreamContext → " + first.stream.setStatus() + ", FltGetStreamContext → "
            + first.stream.getStatus() + ", FltSupportsStreamContexts " + (first.supportsStream ? "TRUE" : "FALSE"),
            first.describe() + " " + first.fileObject);
      }
      for (Opened later : opens.subList(1, opens.size())) {
        if (!later.stream.worked()) {
          add(bad, "FltSetStreamContext → " + later.stream.setStatus() + " on a later open",
              later.describe() + " " + later.fileObject);
        } else if (first.stream.worked() && !Objects.equals(first.stream.contextId(), later.stream.contextId())) {
          add(bad, "a later open of the same header (FCB) found a new stream context: the contexts attached by the"
              + " first open were lost in between (see SETUP-ONCE, TEARDOWN-TIMING)", later.describe() + " "
              + later.fileObject + " got " + later.stream.contextId() + " where " + first.fileObject + " had attached "
              + first.stream.contextId());
        } else {
          sharedLater.add(later.fileObject + " " + later.label + " → " + later.stream.contextId());
        }
      }
    }
    for (List<FileObject> group : sameFileGroups) {
      Map<String, Set<String>> headersByLabel = new LinkedHashMap<>();
      for (FileObject fo : group) {
        Opened o = probe.opened(fo);
        if (o != null && (o.kind == Kind.FILE || o.kind == Kind.HARD_LINK)) {
          headersByLabel.computeIfAbsent(o.fileKey, k -> new LinkedHashSet<>()).add(o.header.id());
        }
      }
      headersByLabel.forEach((file, headers) -> {
        if (headers.size() > 1) {
          add(bad, "opens of one stream that were open at the same time got different headers ("
              + String.join(", ", headers) + "): one stream needs one FCB (FsContext), or filters see several streams",
              file);
        }
      });
    }
    String paging = pagingNotes.isEmpty() ? "" : "; " + String.join("; ", pagingNotes);
    if (good.isEmpty() && bad.isEmpty()) {
      return row("STREAM-CTX", title, Verdict.FAIL, "no non-paging stream could be opened" + paging, Rules.STREAM_CONTEXTS);
    }
    if (!bad.isEmpty()) {
      return row("STREAM-CTX", title, Verdict.FAIL, grouped(bad) + paging, Rules.STREAM_CONTEXTS);
    }
    String ev = "FltSetStreamContext STATUS_SUCCESS (0x00000000) and FltGetStreamContext returned it on all "
        + good.size() + " non-paging streams: " + list(good) + "; "
        + (sharedLater.isEmpty()
            ? "no stream was opened again while its FCB lived, so context sharing was not exercised"
            : sharedLater.size() + " later opens of an FCB found the context attached by its first open: "
                + list(sharedLater))
        + paging;
    return row("STREAM-CTX", title, Verdict.PASS, ev, Rules.STREAM_CONTEXTS);
  }

  private Requirement streamHandleContexts() {
    String title = "FltSetStreamHandleContext succeeds in post-create on every non-paging open, one context per"
        + " file object";
    Map<String, List<String>> bad = new LinkedHashMap<>();
    Map<String, String> ids = new LinkedHashMap<>();
    int n = 0;
    for (Opened o : probe.allOpened()) {
      if (paging(o)) {
        continue;
      }
      n++;
      if (!o.streamHandle.worked()) {
        add(bad, "FltSetStreamHandleContext → " + o.streamHandle.setStatus() + ", FltSupportsStreamHandleContexts "
            + (o.supportsStreamHandle ? "TRUE" : "FALSE"), o.describe() + " " + o.fileObject);
        continue;
      }
      String owner = ids.putIfAbsent(String.valueOf(o.streamHandle.contextId()), o.fileObject.toString());
      if (owner != null) {
        add(bad, "two file objects got the same stream-handle context " + o.streamHandle.contextId(),
            owner + " and " + o.fileObject + " " + o.describe());
      }
    }
    if (n == 0) {
      return row("HANDLE-CTX", title, Verdict.FAIL, "no non-paging open succeeded", Rules.STREAM_HANDLE_CONTEXTS);
    }
    if (!bad.isEmpty()) {
      return row("HANDLE-CTX", title, Verdict.FAIL, grouped(bad), Rules.STREAM_HANDLE_CONTEXTS);
    }
    return row("HANDLE-CTX", title, Verdict.PASS,
        "FltSetStreamHandleContext STATUS_SUCCESS (0x00000000) and FltGetStreamHandleContext returned it on all " + n
            + " non-paging opens, each file object its own (" + ids.size() + " distinct contexts)",
        Rules.STREAM_HANDLE_CONTEXTS);
  }

  private Requirement fileContexts() {
    String title = "File contexts work (native or emulated); the names and streams of one file share one, different"
        + " files never do";
    Map<String, List<String>> bad = new LinkedHashMap<>();
    int nativeOpens = 0;
    int emulatedOpens = 0;
    Set<Integer> versions = new LinkedHashSet<>();
    // Which files each file context and each native slot was reached from.
    Map<String, Set<String>> filesByContext = new LinkedHashMap<>();
    Map<String, Set<String>> filesBySlot = new LinkedHashMap<>();
    Map<String, Set<String>> headersBySlot = new LinkedHashMap<>();
    for (Opened o : probe.allOpened()) {
      if (paging(o) || o.kind == Kind.VOLUME) {
        continue;
      }
      if (!o.file.worked()) {
        String why = "FltSupportsFileContexts " + (o.supportsFile ? "TRUE" : "FALSE")
            + ", FltSupportsFileContextsEx " + (o.supportsFileEx ? "TRUE" : "FALSE")
            + ", FltSetFileContext → " + o.file.setStatus();
        if (o.advanced && o.slot == null && fs.supportsNamedStreams()) {
          why += " (named streams but no FileContextSupportPointer, so no emulation either)";
        }
        add(bad, why, o.describe());
        continue;
      }
      if (o.supportsFile) {
        versions.add(o.version);
        nativeOpens++;
      } else {
        emulatedOpens++;
      }
      filesByContext.computeIfAbsent(String.valueOf(o.file.contextId()), k -> new LinkedHashSet<>()).add(o.fileKey);
      if (o.supportsFile && o.slot != null) {
        String slot = o.slot.id();
        filesBySlot.computeIfAbsent(slot, k -> new LinkedHashSet<>()).add(o.fileKey);
        headersBySlot.computeIfAbsent(slot, k -> new LinkedHashSet<>()).add(o.header.id());
      }
    }
    filesByContext.forEach((ctx, files) -> {
      if (files.size() > 1) {
        add(bad, "different files got the same file context " + ctx, files.size() + " files: "
            + list(List.copyOf(files)));
      }
    });
    filesBySlot.forEach((slot, files) -> {
      if (files.size() > 1) {
        add(bad, "different files share one per-file slot: FileContextSupportPointer " + slot + " (headers "
            + list(List.copyOf(headersBySlot.get(slot))) + ")", files.size() + " files: " + list(List.copyOf(files)));
      }
    });
    // The opens of one file that were open together must reach one file context.
    List<String> sharing = new ArrayList<>();
    for (List<FileObject> group : sameFileGroups) {
      Set<String> ids = new LinkedHashSet<>();
      List<String> seen = new ArrayList<>();
      String file = "?";
      for (FileObject fo : group) {
        Opened o = probe.opened(fo);
        if (o != null && o.file.worked()) {
          file = o.fileKey;
          ids.add(String.valueOf(o.file.contextId()));
          seen.add(o.label + " " + o.fileObject + " → " + o.file.contextId());
        }
      }
      if (ids.size() > 1) {
        add(bad, "opens of one file that were open at the same time reached different file contexts",
            String.join(", ", seen));
      } else if (seen.size() > 1) {
        sharing.add(file + " through " + seen.size() + " file objects → " + ids.iterator().next());
      }
    }
    if (bad.isEmpty() && nativeOpens == 0 && emulatedOpens == 0) {
      return row("FILE-CTX", title, Verdict.FAIL, "no file or directory could be opened", Rules.FILE_CONTEXTS);
    }
    if (!bad.isEmpty()) {
      return row("FILE-CTX", title, Verdict.FAIL, grouped(bad), Rules.FILE_CONTEXTS);
    }
    List<String> parts = new ArrayList<>();
    if (nativeOpens > 0) {
      parts.add("native on " + nativeOpens + " opens (FltSupportsFileContexts TRUE, Version "
          + versions.stream().map(String::valueOf).reduce((x, y) -> x + "/" + y).orElse("?") + ", "
          + filesBySlot.size() + " per-file slots, each reached from one file only)");
    }
    if (emulatedOpens > 0) {
      parts.add("emulated by Filter Manager on " + emulatedOpens + " opens of a single-stream file system"
          + " (FltSupportsFileContexts FALSE, FltSupportsFileContextsEx TRUE)");
    }
    parts.add("FltSetFileContext STATUS_SUCCESS (0x00000000); " + filesByContext.size()
        + " file contexts, each reached from one file only");
    parts.add(sharing.isEmpty()
        ? "no file was open through two file objects at once, so sharing within a file was not exercised"
        : "the opens of one file that were open together reached one context: " + list(sharing));
    if (!fs.supportsNamedStreams()) {
      parts.add("sharing across named streams not exercised (no named streams on this file system)");
    }
    if (linkStatus != null && !linkStatus.isSuccess()) {
      parts.add("sharing across hard links not exercised (FileLinkInformation → " + linkStatus + ")");
    }
    return row("FILE-CTX", title, Verdict.PASS, String.join("; ", parts), Rules.FILE_CONTEXTS);
  }

  private Requirement rename() {
    String title = "Stream, stream-handle and file contexts survive a rename";
    Opened before = renamed;
    if (before == null) {
      return row("RENAME", title, Verdict.WARN, FILE_A + " could not be opened, so nothing was renamed", Rules.RENAME);
    }
    Map<String, Attempt> had = new LinkedHashMap<>();
    had.put("FltGetStreamContext", before.stream);
    had.put("FltGetStreamHandleContext", before.streamHandle);
    had.put("FltGetFileContext", before.file);
    had.values().removeIf(att -> !att.worked());
    if (had.isEmpty()) {
      return row("RENAME", title, Verdict.NOT_APPLICABLE,
          "not exercised: no context could be set on " + FILE_A + " (see STREAM-CTX, HANDLE-CTX, FILE-CTX), so none"
              + " could survive", Rules.RENAME);
    }
    NtStatus st = renameStatus;
    if (st == null || !st.isSuccess()) {
      return row("RENAME", title, Verdict.WARN,
          "renaming " + FILE_A + " to " + FILE_B + " failed (" + (st == null ? "threw" : st) + "), so nothing was checked",
          Rules.RENAME);
    }
    List<String> bad = new ArrayList<>();
    List<String> good = new ArrayList<>();
    had.forEach((routine, att) -> {
      String now = afterRename.get(routine);
      if (Objects.equals(now, att.contextId())) {
        good.add(routine + " on the renamed handle " + now);
      } else {
        bad.add(routine + " on the renamed handle returned " + now + " instead of " + att.contextId());
      }
    });
    Opened again = reopened;
    if (again == null) {
      bad.add("a new open of " + FILE_B + " failed");
    } else {
      checkReopen(bad, good, "stream context", had.get("FltGetStreamContext"), again.stream);
      checkReopen(bad, good, "file context", had.get("FltGetFileContext"), again.file);
    }
    String head = "renamed " + FILE_A + " to " + FILE_B + " (" + st + ") with its handle open: ";
    if (!bad.isEmpty()) {
      return row("RENAME", title, Verdict.FAIL, head + String.join("; ", bad), Rules.RENAME);
    }
    return row("RENAME", title, Verdict.PASS, head + String.join(", ", good) + ", the same contexts as before",
        Rules.RENAME);
  }

  private static void checkReopen(List<String> bad, List<String> good, String what, @Nullable Attempt had, Attempt now) {
    if (had == null) {
      return;
    }
    if (Objects.equals(had.contextId(), now.contextId())) {
      good.add("a new open of " + FILE_B + " found " + what + " " + now.contextId());
    } else {
      bad.add("a new open of " + FILE_B + " found " + what + " " + now.contextId() + " (" + now.setStatus()
          + ") instead of " + had.contextId());
    }
  }

  private Requirement dismount() {
    String title = "Nothing is left after dismount: no live context, no Filter Manager control block, no pool block";
    List<String> bad = new ArrayList<>();
    if (!liveAfterDismount.isEmpty()) {
      List<String> live = new ArrayList<>();
      for (FltContext c : liveAfterDismount) {
        live.add(c.id() + " " + c.type() + " " + c.state());
      }
      bad.add(liveAfterDismount.size() + " contexts still live: " + list(live));
    }
    if (controlBlocksAfterDismount > 0) {
      bad.add(controlBlocksAfterDismount + " Filter Manager per-stream control blocks still registered on the volume");
    }
    if (!outstandingAfterDismount.isEmpty()) {
      List<String> blocks = new ArrayList<>();
      for (PoolBlock b : outstandingAfterDismount) {
        blocks.add(b.toString());
      }
      bad.add(outstandingAfterDismount.size() + " pool blocks allocated for the volume never freed: " + list(blocks)
          + " (see FREE-AT-DISMOUNT)");
    }
    UnloadReport u = unload;
    if (u != null && !u.clean()) {
      bad.add("probe unload: " + u.leakedCount() + " context references left " + u.countsByType());
    }
    Volume v = volume;
    if (v == null || !v.isDismounted()) {
      bad.add("the volume was not dismounted");
    }
    if (!bad.isEmpty()) {
      return row("DISMOUNT", title, Verdict.FAIL, String.join("; ", bad), Rules.DISMOUNT);
    }
    return row("DISMOUNT", title, Verdict.PASS,
        "after the close of every handle, "
            + (fs instanceof ModelFileSystem ? "the delayed-close flushes (" + flushedAtFlush + " structures freed), " : "")
            + "dismount and the probe's unload: no context of the probe live, no Filter Manager control block left on"
            + " the volume, no pool block allocated for the volume outstanding, the unload left no reference",
        Rules.DISMOUNT);
  }

  private Requirement workloadRow() {
    String title = "The workload runs: opens, I/O, enumeration, rename, delete, cleanup, close, races, dismount";
    List<String> threw;
    List<String> refusedNow;
    List<String> doneNow;
    synchronized (thrown) {
      threw = List.copyOf(thrown);
    }
    synchronized (refused) {
      refusedNow = List.copyOf(refused);
    }
    synchronized (done) {
      doneNow = List.copyOf(done);
    }
    if (!threw.isEmpty()) {
      return row("WORKLOAD", title, Verdict.FAIL, list(threw)
          + (refusedNow.isEmpty() ? "" : "; refused: " + list(refusedNow)), Rules.WORKLOAD);
    }
    if (!refusedNow.isEmpty()) {
      return row("WORKLOAD", title, Verdict.WARN, "refused or not as expected: " + list(refusedNow), Rules.WORKLOAD);
    }
    return row("WORKLOAD", title, Verdict.PASS,
        doneNow.size() + " steps completed as expected (" + String.join(", ", doneNow) + "), then the close of every"
            + " handle, the delayed-close flush, dismount and the probe's unload",
        Rules.WORKLOAD);
  }
}
