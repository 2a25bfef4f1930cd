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

  /** A freed FCB/SCB, with what the header and the probe's contexts looked like at that moment. */
  private record Freed(IoEvent.FcbFreed event, String phase, int flags, int flags2, List<String> probeLeft) {}

  private final FileSystemDriver fs;
  private final IoManager io = new IoManager();
  private final FilterManager manager =
      new FilterManager(FltConfig.builder().unloadWaitTimeout(Duration.ofMillis(100)).build());
  private final Probe probe;

  private final List<String> thrown = new ArrayList<>();
  private final List<String> refused = new ArrayList<>();
  private final List<String> done = new ArrayList<>();
  private final Map<String, IoEvent.FcbCreated> created = new LinkedHashMap<>();
  private final List<Freed> freed = new ArrayList<>();
  private final List<IoEvent.PerFileFreed> perFileFreed = new ArrayList<>();
  private final List<FileObject> handles = new ArrayList<>();
  private final List<FileObject> sameFile = new ArrayList<>();
  private String phase = "at close";
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

  CheckRun(FileSystemDriver fs) {
    this.fs = fs;
    this.probe = new Probe(manager);
    io.addListener(this::onEvent);
    manager.followMounts(io);
  }

  CheckReport run() {
    try {
      workload();
    } finally {
      finish();
    }
    return new CheckReport(
        fs.fileSystemName(),
        fs.getClass().getName(),
        List.of(
            advancedHeader(),
            flagAdvanced(),
            flag2FilterContexts(),
            streamContexts(),
            streamHandleContexts(),
            fileContexts(),
            pagingFile(),
            streamTeardown(),
            fileTeardown(),
            flagsStable(),
            rename(),
            dismount(),
            workloadRow()));
  }

  // ---- Events ---------------------------------------------------------------------------------

  private void onEvent(IoEvent e) {
    if (e instanceof IoEvent.FcbCreated c) {
      created.put(c.fcbId(), c);
    } else if (e instanceof IoEvent.FcbFreed f) {
      List<String> left = new ArrayList<>();
      for (FltContext c : probe.attachedOn(f.fcbId())) {
        if (c.state() == FltContext.State.ATTACHED) {
          left.add(c.id() + " " + c.type());
        }
      }
      freed.add(new Freed(f, phase, f.header().flags(), f.header().flags2(), left));
    } else if (e instanceof IoEvent.PerFileFreed p) {
      perFileFreed.add(p);
    }
  }

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
    phase = "at the delayed-close flush";
    Integer n = step("flush delayed closes", fs::flushDelayedCloses);
    flushedAtFlush = n == null ? 0 : n;
    Volume v = volume;
    phase = "at dismount";
    if (v != null && !v.isDismounted()) {
      var fltVolume = manager.volumeOf(v);
      step("dismount", () -> {
        io.dismount(v);
        return Boolean.TRUE;
      });
      controlBlocksAfterDismount = fltVolume == null ? 0 : fltVolume.streamControlBlockCount();
    }
    phase = "after dismount";
    liveAfterDismount = manager.liveContexts();
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
    Boolean exists = step("look up " + path, () -> fs.exists(path));
    if (Boolean.TRUE.equals(exists)) {
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

  private Requirement advancedHeader() {
    String title = "Every FCB/SCB embeds FSRTL_ADVANCED_FCB_HEADER (files, directories, streams, volume opens)";
    Map<String, Opened> hs = headers();
    Map<String, List<String>> bad = new LinkedHashMap<>();
    Set<Kind> seen = EnumSet.noneOf(Kind.class);
    Set<Integer> versions = new LinkedHashSet<>();
    List<String> good = new ArrayList<>();
    for (Opened o : hs.values()) {
      seen.add(o.kind);
      if (!o.advanced) {
        add(bad, "FSRTL_COMMON_FCB_HEADER only (no FilterContexts list, no Flags2 support bit)", o.describe());
      } else if (!o.setUp) {
        add(bad, "FSRTL_ADVANCED_FCB_HEADER never set up (no FsRtlSetupAdvancedHeader* call)", o.describe());
      } else {
        versions.add(o.version);
        good.add(o.describe());
      }
    }
    for (IoEvent.FcbCreated c : created.values()) {
      if (!hs.containsKey(c.fcbId()) && !(c.header() instanceof AdvancedFcbHeader a && a.isSetUp())) {
        add(bad, "no set-up advanced header", c.fcbId() + " (" + (c.name().isEmpty() ? "volume" : c.name()) + ", never opened)");
      }
    }
    Set<Kind> expected = EnumSet.of(Kind.FILE, Kind.DIRECTORY, Kind.VOLUME, Kind.PAGING_FILE);
    if (fs.supportsNamedStreams()) {
      expected.add(Kind.NAMED_STREAM);
    }
    expected.removeAll(seen);
    if (hs.isEmpty()) {
      return row("HDR-ADVANCED", title, Verdict.FAIL, "no create succeeded, so no header could be inspected", Rules.ADVANCED_HEADER);
    }
    if (!bad.isEmpty()) {
      int n = bad.values().stream().mapToInt(List::size).sum();
      String ev = n + " of " + hs.size() + " headers opened: " + grouped(bad)
          + "; FsRtlSupportsPerStreamContexts is FALSE for their file objects";
      return row("HDR-ADVANCED", title, Verdict.FAIL, ev, Rules.ADVANCED_HEADER);
    }
    String ev = hs.size() + " headers over " + probe.allOpened().size()
        + " opens, all FSRTL_ADVANCED_FCB_HEADER set up (Version " + joinInts(versions) + "): " + list(good);
    if (!expected.isEmpty()) {
      return row("HDR-ADVANCED", title, Verdict.WARN, ev + "; not observed (the open failed): " + kinds(expected), Rules.ADVANCED_HEADER);
    }
    return row("HDR-ADVANCED", title, Verdict.PASS, ev, Rules.ADVANCED_HEADER);
  }

  private Requirement flagAdvanced() {
    String title = "Flags has FSRTL_FLAG_ADVANCED_HEADER (0x40)";
    Map<String, List<String>> bad = new LinkedHashMap<>();
    int n = 0;
    for (Opened o : headers().values()) {
      n++;
      if ((o.flags & FSRTL_FLAG_ADVANCED_HEADER) == 0) {
        add(bad, "Flags=" + hex(o.flags) + " lacks FSRTL_FLAG_ADVANCED_HEADER (0x40)", o.describe());
      }
    }
    if (n == 0) {
      return row("FLAG-ADVANCED", title, Verdict.FAIL, "no header could be inspected", Rules.FLAG_ADVANCED);
    }
    if (!bad.isEmpty()) {
      return row("FLAG-ADVANCED", title, Verdict.FAIL, grouped(bad), Rules.FLAG_ADVANCED);
    }
    return row("FLAG-ADVANCED", title, Verdict.PASS,
        "FSRTL_FLAG_ADVANCED_HEADER (0x40) set in Flags of all " + n + " headers at post-create", Rules.FLAG_ADVANCED);
  }

  private Requirement flag2FilterContexts() {
    String title = "Flags2 has FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS (0x02) on every non-paging stream";
    Map<String, List<String>> bad = new LinkedHashMap<>();
    int n = 0;
    for (Opened o : headers().values()) {
      if (paging(o)) {
        continue;
      }
      n++;
      if ((o.flags2 & FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS) == 0) {
        add(bad, "Flags2=" + hex(o.flags2) + " lacks FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS (0x02)", o.describe());
      }
    }
    if (n == 0) {
      return row("FLAG2-FILTER", title, Verdict.FAIL, "no non-paging header could be inspected", Rules.FLAG2_FILTER_CONTEXTS);
    }
    if (!bad.isEmpty()) {
      return row("FLAG2-FILTER", title, Verdict.FAIL, grouped(bad), Rules.FLAG2_FILTER_CONTEXTS);
    }
    return row("FLAG2-FILTER", title, Verdict.PASS,
        "FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS (0x02) set in Flags2 of all " + n
            + " non-paging headers; FltSupportsStreamContexts TRUE for each",
        Rules.FLAG2_FILTER_CONTEXTS);
  }

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

  private Requirement pagingFile() {
    String title = "Paging files: IS_PAGING_FILE set, SUPPORTS_FILTER_CONTEXTS cleared";
    List<Opened> pages = new ArrayList<>();
    for (Opened o : headers().values()) {
      if (paging(o)) {
        pages.add(o);
      }
    }
    if (pages.isEmpty()) {
      return row("PAGING-FILE", title, Verdict.WARN,
          "the paging-file open of " + PAGEFILE + " with SL_OPEN_PAGING_FILE failed: " + pagingStatus
              + "; the rule could not be checked",
          Rules.PAGING_FILE);
    }
    Verdict v = Verdict.PASS;
    List<String> ev = new ArrayList<>();
    for (Opened o : pages) {
      boolean isPaging = (o.flags2 & FSRTL_FLAG2_IS_PAGING_FILE) != 0;
      boolean claims = (o.flags2 & FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS) != 0 || o.supportsStream;
      StringBuilder s = new StringBuilder(o.describe() + ", opened with SL_OPEN_PAGING_FILE: "
          + (o.advanced ? "" : "common header only, ") + "Flags2=" + hex(o.flags2));
      if (!isPaging) {
        v = Verdict.WARN;
        s.append(", FSRTL_FLAG2_IS_PAGING_FILE (0x08) not set");
      } else {
        s.append(", FSRTL_FLAG2_IS_PAGING_FILE (0x08) set");
      }
      if (claims) {
        v = Verdict.WARN;
        s.append(", still claims filter-context support (FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS not cleared): "
            + "FltSetStreamContext → ").append(o.stream.setStatus());
      } else {
        s.append(", no filter-context support claimed: FltSupportsStreamContexts FALSE, FltSetStreamContext → ")
            .append(o.stream.setStatus());
      }
      ev.add(s.toString());
    }
    return row("PAGING-FILE", title, v, String.join("; ", ev), Rules.PAGING_FILE);
  }

  private Requirement streamTeardown() {
    String title = "FsRtlTeardownPerStreamContexts is called whenever an FCB/SCB is freed";
    List<String> bad = new ArrayList<>();
    List<String> blocks = new ArrayList<>();
    List<String> contexts = new ArrayList<>();
    Map<String, Integer> whenFreed = new LinkedHashMap<>();
    int advancedFrees = 0;
    for (Freed f : freed) {
      IoEvent.FcbFreed e = f.event();
      if (!(e.header() instanceof AdvancedFcbHeader)) {
        continue;
      }
      advancedFrees++;
      whenFreed.merge(f.phase(), 1, Integer::sum);
      if (!e.teardownCalled() || !e.leftOnFilterContexts().isEmpty()) {
        bad.add(e.fcbId() + " (" + (e.name().isEmpty() ? "volume" : e.name()) + ", " + f.phase()
            + (e.teardownCalled() ? ", teardown ran but left contexts" : "") + ")");
        for (PerStreamContext p : e.leftOnFilterContexts()) {
          blocks.add(p.toString());
        }
        contexts.addAll(f.probeLeft());
      }
    }
    if (advancedFrees == 0) {
      if (!freed.isEmpty()) {
        return row("STREAM-TEARDOWN", title, Verdict.NOT_APPLICABLE,
            freed.size() + " FCBs freed, none with an advanced header: a common header has no FilterContexts list "
                + "to tear down (see HDR-ADVANCED)",
            Rules.TEARDOWN_STREAM);
      }
      return row("STREAM-TEARDOWN", title, Verdict.WARN,
          "the file system freed no FCB/SCB during the workload or at dismount", Rules.TEARDOWN_STREAM);
    }
    if (!bad.isEmpty()) {
      String ev = bad.size() + " of " + advancedFrees + " FCB/SCBs were freed without FsRtlTeardownPerStreamContexts: "
          + list(bad) + "; their FilterContexts lists still held " + blocks.size()
          + " Filter Manager control blocks (STREAM_LIST_CTRL: " + list(blocks) + ") with " + contexts.size()
          + " of the probe's contexts still attached (" + list(contexts) + "), never to be released";
      return row("STREAM-TEARDOWN", title, Verdict.FAIL, ev, Rules.TEARDOWN_STREAM);
    }
    List<String> when = new ArrayList<>();
    whenFreed.forEach((p, n) -> when.add(n + " " + p));
    return row("STREAM-TEARDOWN", title, Verdict.PASS,
        advancedFrees + " FCB/SCBs freed (" + String.join(", ", when)
            + "); FsRtlTeardownPerStreamContexts ran on each and left FilterContexts empty",
        Rules.TEARDOWN_STREAM);
  }

  private Requirement fileTeardown() {
    String title = "FsRtlTeardownPerFileContexts is called when a per-file structure with a slot is freed";
    List<String> bad = new ArrayList<>();
    List<String> good = new ArrayList<>();
    for (IoEvent.PerFileFreed p : perFileFreed) {
      PerFileContextSlot slot = p.slot();
      if (slot == null) {
        continue;
      }
      if (!p.teardownCalled() || !p.leftInSlot().isEmpty()) {
        bad.add(p.fileId() + (p.teardownCalled() ? " teardown ran but" : " freed without FsRtlTeardownPerFileContexts;")
            + " " + p.leftInSlot().size() + " per-file contexts left in the slot");
      } else {
        good.add(p.fileId());
      }
    }
    if (bad.isEmpty() && good.isEmpty()) {
      return row("FILE-TEARDOWN", title, Verdict.NOT_APPLICABLE,
          "no per-file structure had a FileContextSupportPointer slot (file contexts are not native)",
          Rules.TEARDOWN_FILE);
    }
    if (!bad.isEmpty()) {
      return row("FILE-TEARDOWN", title, Verdict.FAIL, list(bad), Rules.TEARDOWN_FILE);
    }
    return row("FILE-TEARDOWN", title, Verdict.PASS,
        good.size() + " per-file structures with a slot freed (" + list(good)
            + "); FsRtlTeardownPerFileContexts ran on each and left the slot empty",
        Rules.TEARDOWN_FILE);
  }

  private Requirement flagsStable() {
    String title = "Header flags unchanged after setup (ADVANCED_HEADER kept; SUPPORTS_FILTER_CONTEXTS only cleared for paging files)";
    Map<String, List<String>> bad = new LinkedHashMap<>();
    Set<String> reported = new LinkedHashSet<>();
    Set<String> checked = new LinkedHashSet<>();
    Map<String, String> labels = new LinkedHashMap<>();
    for (Opened o : probe.allOpened()) {
      labels.putIfAbsent(o.header.id(), o.describe());
    }
    for (Opened o : probe.allOpened()) {
      if (o.header instanceof AdvancedFcbHeader a && a.isSetUp()) {
        checked.add(a.id());
        String c = cleared(a, o.flags, o.flags2, "at post-create");
        if (c != null && reported.add(a.id())) {
          add(bad, c, labels.get(a.id()));
        }
      }
    }
    for (Freed f : freed) {
      if (f.event().header() instanceof AdvancedFcbHeader a && a.isSetUp()) {
        checked.add(a.id());
        String c = cleared(a, f.flags(), f.flags2(), "when freed");
        if (c != null && reported.add(a.id())) {
          add(bad, c, labels.getOrDefault(a.id(), a.id()));
        }
      }
    }
    if (checked.isEmpty()) {
      return row("FLAGS-STABLE", title, Verdict.NOT_APPLICABLE,
          "no header was set up with FsRtlSetupAdvancedHeader*, so no setup flags to keep (see HDR-ADVANCED)",
          Rules.FLAGS_STABLE);
    }
    if (!bad.isEmpty()) {
      return row("FLAGS-STABLE", title, Verdict.FAIL, grouped(bad), Rules.FLAGS_STABLE);
    }
    return row("FLAGS-STABLE", title, Verdict.PASS,
        "Flags kept FSRTL_FLAG_ADVANCED_HEADER (0x40) and Flags2 kept FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS (0x02) on all "
            + checked.size() + " set-up headers, at post-create and when freed, except where the paging-file rule "
            + "cleared it",
        Rules.FLAGS_STABLE);
  }

  private static @Nullable String cleared(AdvancedFcbHeader a, int flags, int flags2, String when) {
    List<String> parts = new ArrayList<>();
    int lostFlags = a.flagsAtSetup() & ~flags & FSRTL_FLAG_ADVANCED_HEADER;
    if (lostFlags != 0) {
      parts.add("FSRTL_FLAG_ADVANCED_HEADER (0x40) cleared from Flags (" + hex(a.flagsAtSetup()) + " after setup, "
          + hex(flags) + " " + when + ")");
    }
    int lostFlags2 = a.flags2AtSetup() & ~flags2 & FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS;
    if (lostFlags2 != 0 && (flags2 & FSRTL_FLAG2_IS_PAGING_FILE) == 0) {
      parts.add("FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS (0x02) cleared from Flags2 (" + hex(a.flags2AtSetup())
          + " after setup, " + hex(flags2) + " " + when + ")");
    }
    return parts.isEmpty() ? null : String.join(" and ", parts);
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
    String title = "Nothing is left after dismount: no live context, no FCB holding Filter Manager state";
    List<String> bad = new ArrayList<>();
    Set<String> freedIds = new LinkedHashSet<>();
    for (Freed f : freed) {
      freedIds.add(f.event().fcbId());
    }
    List<String> neverFreed = new ArrayList<>();
    List<String> stillLinked = new ArrayList<>();
    for (IoEvent.FcbCreated c : created.values()) {
      if (!freedIds.contains(c.fcbId())) {
        neverFreed.add(c.fcbId() + " (" + (c.name().isEmpty() ? "volume" : c.name()) + ")");
      }
      CommonFcbHeader h = c.header();
      if (h instanceof AdvancedFcbHeader a && !a.perStreamContexts().isEmpty()) {
        stillLinked.add(a.id() + " holds " + a.perStreamContexts());
      }
    }
    for (IoEvent.PerFileFreed p : perFileFreed) {
      PerFileContextSlot slot = p.slot();
      if (slot != null && !slot.perFileContexts().isEmpty()) {
        stillLinked.add(p.fileId() + "'s slot holds " + slot.perFileContexts());
      }
    }
    if (!neverFreed.isEmpty()) {
      bad.add("never freed: " + list(neverFreed));
    }
    if (!stillLinked.isEmpty()) {
      bad.add("freed headers still linked to Filter Manager control blocks: " + list(stillLinked));
    }
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
        "after the delayed-close flush (" + flushedAtFlush + " freed) and dismount: all " + created.size()
            + " FCB/SCBs freed, no header or slot links a Filter Manager control block, no live context, "
            + "the probe unloaded cleanly",
        Rules.DISMOUNT);
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
