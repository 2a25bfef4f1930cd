package io.fsctx.tools.checkfs;

import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_IS_PAGING_FILE;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG_ADVANCED_HEADER;
import static io.fsctx.io.IoConstants.FILE_DELETE_ON_CLOSE;
import static io.fsctx.io.IoConstants.FILE_DIRECTORY_FILE;
import static io.fsctx.io.IoConstants.SL_OPEN_PAGING_FILE;

import io.fsctx.tools.checkfs.Probe.Attempt;
import io.fsctx.tools.checkfs.Probe.Kind;
import io.fsctx.tools.checkfs.Probe.Opened;
import io.fsctx.fltmgr.ContextEventListener;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltConfig;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.UnloadReport;
import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.fsrtl.PerFileContextSlot;
import io.fsctx.fsrtl.PerStreamContext;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.modelfs.ModelFileSystem;
import io.fsctx.io.IoEvent;
import io.fsctx.io.IoManager;
import io.fsctx.io.IoStatus;
import io.fsctx.io.Volume;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import io.fsctx.verifier.FileSystemVerifier;
import io.fsctx.verifier.FsRule;
import io.fsctx.verifier.FsViolation;
import org.jspecify.annotations.Nullable;

/**
 * One run of {@link FsChecker}: the managers, the probe, the workload, what was observed, and the
 * judgement. Used once.
 *
 * <p>Thread safety: confined to the thread that calls {@link #run()}.
 */
final class CheckRun {
  private static final int MAX_LISTED = 6;
  private static final String DIR = "\\dir";
  private static final String FILE_A = "\\dir\\a.txt";
  private static final String FILE_B = "\\dir\\b.txt";
  private static final String STREAM = "\\dir\\a.txt:meta";
  private static final String LINK = "\\dir\\a-link.txt";
  private static final String PAGEFILE = "\\pagefile.sys";
  private static final String DELETE_ON_CLOSE = "\\dir\\delete-on-close.tmp";
  private static final String DISPOSITION = "\\dir\\disposition.tmp";


  private final FileSystemDriver fs;
  private final IoManager io = new IoManager();
  private final FilterManager manager =
      new FilterManager(FltConfig.builder().unloadWaitTimeout(Duration.ofMillis(100)).build());
  private final FileSystemVerifier fsVerifier = FileSystemVerifier.watch(io);
  private final boolean strict;
  private final Probe probe;

  private final List<String> thrown = new ArrayList<>();
  private final List<String> refused = new ArrayList<>();
  private final List<String> done = new ArrayList<>();
  private final List<FileObject> handles = new ArrayList<>();
  private final List<FileObject> sameFile = new ArrayList<>();
  private @Nullable Volume volume;
  private @Nullable NtStatus pagingStatus;
  private @Nullable NtStatus linkStatus;

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

  CheckRun(FileSystemDriver fs, boolean strict) {
    this(fs, strict, e -> {});
  }

  CheckRun(FileSystemDriver fs, boolean strict, ContextEventListener observer) {
    this.fs = fs;
    this.strict = strict;
    manager.addListener(observer);
    this.probe = new Probe(manager);
    manager.followMounts(io);
  }

  CheckReport run() {
    try {
      workload();
    } finally {
      finish();
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
    return new CheckReport(fs.fileSystemName(), fs.getClass().getName(), rows);
  }

  // ---- Events ---------------------------------------------------------------------------------

  // ---- Workload -------------------------------------------------------------------------------

  private void workload() {
    Volume v = step("mount", () -> io.mount("\\Device\\HarddiskVolume1", 'C', fs));
    if (v == null) {
      return;
    }
    volume = v;
    open(Kind.DIRECTORY, DIR, CreateParameters.create().withOptions(FILE_DIRECTORY_FILE));
    FileObject a = open(Kind.FILE, FILE_A, CreateParameters.create());
    if (a != null) {
      sameFile.add(a);
      request("write " + FILE_A, () -> io.write(a, 0, 4096));
      request("read " + FILE_A, () -> io.read(a, 0, 512));
      FileObject again = open(Kind.FILE, FILE_A, CreateParameters.open());
      if (again != null) {
        sameFile.add(again);
      }
      if (fs.supportsNamedStreams()) {
        FileObject ads = open(Kind.NAMED_STREAM, STREAM, CreateParameters.create());
        if (ads != null) {
          sameFile.add(ads);
          request("write " + STREAM, () -> io.write(ads, 0, 100));
        }
      }
      IoStatus l = step("link " + FILE_A + " as " + LINK, () -> io.setInformation(a, new FileInformation.Link(LINK, false)));
      if (l != null) {
        linkStatus = l.status();
        if (l.isSuccess()) {
          FileObject viaLink = open(Kind.HARD_LINK, LINK, CreateParameters.open());
          if (viaLink != null) {
            sameFile.add(viaLink);
          }
        }
      }
    }
    open(Kind.VOLUME, "", CreateParameters.open());
    open(Kind.PAGING_FILE, PAGEFILE, CreateParameters.openIf().withSlFlags(SL_OPEN_PAGING_FILE));
    if (a != null) {
      renameAndRecheck(a);
    }
    FileObject del = open(Kind.FILE, DELETE_ON_CLOSE, CreateParameters.create().withOptions(FILE_DELETE_ON_CLOSE));
    if (del != null) {
      close(del);
      expectGone(DELETE_ON_CLOSE, "delete-on-close");
    }
    FileObject disp = open(Kind.FILE, DISPOSITION, CreateParameters.create());
    if (disp != null) {
      request("set disposition of " + DISPOSITION, () -> io.setInformation(disp, new FileInformation.Disposition(true)));
      close(disp);
      expectGone(DISPOSITION, "delete by disposition");
    }
  }

  private void renameAndRecheck(FileObject a) {
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
    FltInstance inst = probe.instance();
    if (inst != null) {
      afterRename.put("FltGetStreamContext", get(() -> getId(inst, a, Flt::getStreamContext)));
      afterRename.put("FltGetStreamHandleContext", get(() -> getId(inst, a, Flt::getStreamHandleContext)));
      afterRename.put("FltGetFileContext", get(() -> getId(inst, a, Flt::getFileContext)));
    }
    FileObject b = open(Kind.FILE, FILE_B, CreateParameters.open());
    if (b != null) {
      sameFile.add(b);
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
    List<FileObject> open = new ArrayList<>(handles);
    Collections.reverse(open);
    for (FileObject fo : open) {
      close(fo);
    }
    if (fs instanceof ModelFileSystem m) {
      Integer n = step("flush delayed closes", m::flushDelayedCloses);
      flushedAtFlush = n == null ? 0 : n;
    }
    Volume v = volume;
    if (v != null && !v.isDismounted()) {
      var fltVolume = manager.volumeOf(v);
      step("dismount", () -> {
        io.dismount(v);
        return Boolean.TRUE;
      });
      controlBlocksAfterDismount = fltVolume == null ? 0 : fltVolume.streamControlBlockCount();
    }
    liveAfterDismount = manager.liveContexts();
    fsVerifier.finish();
    unload = step("unload the probe", () -> probe.filter().unregister());
  }

  private @Nullable FileObject open(Kind kind, String path, CreateParameters parameters) {
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
    Opened o = probe.opened(fo);
    if (o == null) {
      refused.add(what + " succeeded but the probe's post-create never saw it");
    } else {
      o.kind = kind;
      o.label = kind.text + (path.isEmpty() ? "" : " " + path);
    }
    return fo;
  }

  private void close(FileObject fo) {
    if (handles.remove(fo)) {
      step("close " + fo.fileName(), () -> io.closeHandle(fo));
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
    }
    if (found != null) {
      refused.add(path + " still exists after " + how + " and its last close");
    }
  }

  private <T> @Nullable T step(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (RuntimeException e) {
      thrown.add(what + " threw " + e);
      return null;
    }
  }

  // ---- Helpers for the rows -------------------------------------------------------------------

  /** The first open of each header, in order. */
  private Map<String, Opened> headers() {
    Map<String, Opened> m = new LinkedHashMap<>();
    for (Opened o : probe.allOpened()) {
      m.putIfAbsent(o.header.id(), o);
    }
    return m;
  }

  private static boolean paging(Opened o) {
    return o.kind == Kind.PAGING_FILE;
  }

  private static String hex(int v) {
    return String.format(Locale.ROOT, "0x%02X", v);
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

  private static String joinInts(Set<Integer> values) {
    List<String> s = new ArrayList<>();
    for (Integer v : values) {
      s.add(String.valueOf(v));
    }
    return String.join("/", s);
  }

  private static String kinds(Set<Kind> kinds) {
    List<String> s = new ArrayList<>();
    for (Kind k : kinds) {
      s.add(k.text);
    }
    return String.join(", ", s);
  }

  // ---- Rows -----------------------------------------------------------------------------------

  private Requirement streamContexts() {
    String title = "FltSetStreamContext succeeds in post-create on every non-paging stream";
    Map<String, List<String>> bad = new LinkedHashMap<>();
    List<String> good = new ArrayList<>();
    String pagingNote = "";
    for (Opened o : headers().values()) {
      if (paging(o)) {
        pagingNote = "; " + o.describe() + ": " + o.stream.setStatus() + " (expected for a paging file)";
        continue;
      }
      if (o.stream.worked()) {
        good.add(o.describe() + " " + o.stream.contextId());
      } else {
        add(bad, "FltSetStreamContext → " + o.stream.setStatus() + ", FltGetStreamContext → " + o.stream.getStatus()
            + ", FltSupportsStreamContexts " + (o.supportsStream ? "TRUE" : "FALSE"), o.describe());
      }
    }
    if (good.isEmpty() && bad.isEmpty()) {
      return row("STREAM-CTX", title, Verdict.FAIL, "no non-paging stream could be opened", Rules.STREAM_CONTEXTS);
    }
    if (!bad.isEmpty()) {
      return row("STREAM-CTX", title, Verdict.FAIL, grouped(bad) + pagingNote, Rules.STREAM_CONTEXTS);
    }
    List<String> reopened = new ArrayList<>();
    Map<String, Opened> first = headers();
    for (Opened o : probe.allOpened()) {
      Opened f = first.get(o.header.id());
      if (f != o && !paging(o) && Objects.equals(f.stream.contextId(), o.stream.contextId())) {
        reopened.add(o.describe() + " " + o.fileObject.id());
      }
    }
    String ev = "STATUS_SUCCESS (0x00000000) and FltGetStreamContext returned it on all " + good.size()
        + " non-paging streams: " + list(good)
        + (reopened.isEmpty() ? "" : "; later opens of the same stream found the same context: " + list(reopened))
        + pagingNote;
    return row("STREAM-CTX", title, Verdict.PASS, ev, Rules.STREAM_CONTEXTS);
  }

  private Requirement streamHandleContexts() {
    String title = "FltSetStreamHandleContext succeeds in post-create on every non-paging open";
    Map<String, List<String>> bad = new LinkedHashMap<>();
    int n = 0;
    for (Opened o : probe.allOpened()) {
      if (paging(o)) {
        continue;
      }
      n++;
      if (!o.streamHandle.worked()) {
        add(bad, "FltSetStreamHandleContext → " + o.streamHandle.setStatus() + ", FltSupportsStreamHandleContexts "
            + (o.supportsStreamHandle ? "TRUE" : "FALSE"), o.describe() + " " + o.fileObject.id());
      }
    }
    if (n == 0) {
      return row("HANDLE-CTX", title, Verdict.FAIL, "no non-paging open succeeded", Rules.STREAM_HANDLE_CONTEXTS);
    }
    if (!bad.isEmpty()) {
      return row("HANDLE-CTX", title, Verdict.FAIL, grouped(bad), Rules.STREAM_HANDLE_CONTEXTS);
    }
    return row("HANDLE-CTX", title, Verdict.PASS,
        "STATUS_SUCCESS (0x00000000) on all " + n + " non-paging opens, one context per file object",
        Rules.STREAM_HANDLE_CONTEXTS);
  }

  private Requirement fileContexts() {
    String title = "File contexts work: native (Version >= V1 + FileContextSupportPointer) or emulated";
    Map<String, List<String>> bad = new LinkedHashMap<>();
    List<String> nativeOnes = new ArrayList<>();
    List<String> emulated = new ArrayList<>();
    Set<Integer> versions = new LinkedHashSet<>();
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
      } else if (o.supportsFile) {
        versions.add(o.version);
        nativeOnes.add(o.describe());
      } else {
        emulated.add(o.describe());
      }
    }
    if (bad.isEmpty() && nativeOnes.isEmpty() && emulated.isEmpty()) {
      return row("FILE-CTX", title, Verdict.FAIL, "no file or directory could be opened", Rules.FILE_CONTEXTS);
    }
    if (!bad.isEmpty()) {
      return row("FILE-CTX", title, Verdict.FAIL, grouped(bad), Rules.FILE_CONTEXTS);
    }
    // Every name and stream of one file must reach the same file context (and slot, when native).
    Set<String> sharing = new LinkedHashSet<>();
    Set<String> ids = new LinkedHashSet<>();
    Set<String> slots = new LinkedHashSet<>();
    for (FileObject fo : sameFile) {
      Opened o = probe.opened(fo);
      if (o != null) {
        ids.add(String.valueOf(o.file.contextId()));
        if (o.supportsFile) {
          slots.add(String.valueOf(o.slot));
        }
        sharing.add(o.describe() + " → " + o.file.contextId());
      }
    }
    if (ids.size() > 1 || slots.size() > 1) {
      return row("FILE-CTX", title, Verdict.FAIL,
          "the names and streams of one file reach different file contexts: " + String.join(", ", sharing)
              + (slots.isEmpty() ? "" : " through FileContextSupportPointer " + String.join(", ", slots)),
          Rules.FILE_CONTEXTS);
    }
    StringBuilder ev = new StringBuilder();
    if (!nativeOnes.isEmpty()) {
      ev.append("native (FltSupportsFileContexts TRUE, Version ").append(joinInts(versions))
          .append(") on ").append(nativeOnes.size()).append(" opens");
    }
    if (!emulated.isEmpty()) {
      if (ev.length() > 0) {
        ev.append("; ");
      }
      ev.append("emulated by Filter Manager on a single-stream file system (FltSupportsFileContexts FALSE, "
          + "FltSupportsFileContextsEx TRUE) on ").append(emulated.size()).append(" opens");
    }
    ev.append("; FltSetFileContext STATUS_SUCCESS (0x00000000); every open of one file reached the same context: ")
        .append(String.join(", ", sharing));
    if (!slots.isEmpty()) {
      ev.append(" through FileContextSupportPointer ").append(String.join(", ", slots));
    }
    if (!fs.supportsNamedStreams()) {
      ev.append("; sharing across named streams N/A (single-stream file system)");
    }
    if (linkStatus != null && !linkStatus.isSuccess()) {
      ev.append("; hard link refused with ").append(linkStatus);
    }
    return row("FILE-CTX", title, Verdict.PASS, ev.toString(), Rules.FILE_CONTEXTS);
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
          "no context could be set on " + FILE_A + " (see STREAM-CTX, HANDLE-CTX, FILE-CTX), so none could survive",
          Rules.RENAME);
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
        good.add(routine + " " + now);
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
    return row("RENAME", title, Verdict.PASS, head + String.join(", ", good) + ", the same contexts as before", Rules.RENAME);
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
    String title = "Nothing is left after dismount: no live context, no Filter Manager control block";
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
    UnloadReport u = unload;
    if (u != null && !u.clean()) {
      bad.add("probe unload: " + u.leakedCount() + " context references left " + u.countsByType());
    }
    if (volume == null || !Objects.requireNonNull(volume).isDismounted()) {
      bad.add("the volume was not dismounted");
    }
    if (!bad.isEmpty()) {
      return row("DISMOUNT", title, Verdict.FAIL, String.join("; ", bad), Rules.DISMOUNT);
    }
    return row("DISMOUNT", title, Verdict.PASS,
        "after " + (fs instanceof ModelFileSystem ? "the delayed-close flush (" + flushedAtFlush + " freed) and " : "")
            + "dismount: no live context, no control block left on the volume, the probe unloaded cleanly",
        Rules.DISMOUNT);
  }

  /** One row per rule of the file-system table, judged by the file-system verifier. */
  private Requirement ruleRow(FsRule rule) {
    List<FsViolation> found = fsVerifier.violations(rule);
    long checks = fsVerifier.checks(rule);
    if (!found.isEmpty()) {
      List<String> messages = new ArrayList<>();
      for (FsViolation f : found) {
        messages.add(f.message());
      }
      Verdict v = rule.severity() == FsRule.Severity.WARN && !strict ? Verdict.WARN : Verdict.FAIL;
      return row(rule.id(), rule.title(), v, list(messages), rule.source());
    }
    if (checks == 0) {
      return row(rule.id(), rule.title(), Verdict.NOT_APPLICABLE, "the workload never reached this rule", rule.source());
    }
    return row(rule.id(), rule.title(), Verdict.PASS, "checked " + checks + " time(s), no violation", rule.source());
  }

  private Requirement workloadRow() {
    String title = "The workload runs: opens, I/O, rename, delete, cleanup, close, dismount";
    if (!thrown.isEmpty()) {
      return row("WORKLOAD", title, Verdict.FAIL, String.join("; ", thrown)
          + (refused.isEmpty() ? "" : "; refused: " + String.join("; ", refused)), Rules.WORKLOAD);
    }
    if (!refused.isEmpty()) {
      return row("WORKLOAD", title, Verdict.WARN, "refused or not as expected: " + String.join("; ", refused),
          Rules.WORKLOAD);
    }
    return row("WORKLOAD", title, Verdict.PASS,
        done.size() + " requests completed as expected (" + list(done) + "), then close of every handle, "
            + "a delayed-close flush, dismount and the probe's unload",
        Rules.WORKLOAD);
  }
}
