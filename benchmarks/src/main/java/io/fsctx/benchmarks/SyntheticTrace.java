package io.fsctx.benchmarks;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Writes a synthetic Process Monitor export made like the shared capture's rows, for the replay
 * scaling measurements: any number of rows, the same seed giving the same bytes.
 *
 * <p>What the rows hold, per 100 rows on average: 17 {@code CreateFile} (88% {@code SUCCESS}; the
 * rest {@code NAME NOT FOUND}, {@code NAME COLLISION}, {@code PATH NOT FOUND}, {@code IS
 * DIRECTORY}, {@code REPARSE}; one in ten on a named stream {@code :Zone.Identifier}, one in
 * twelve a directory with {@code Options: Directory}, one in a hundred a volume open), 15 {@code
 * CloseFile}, 20 reads, 5 writes, 16 information queries of several classes, 5 file-system and
 * lock controls, 2 directory enumerations, 2 {@code QueryOpen}, 4 {@code CreateFileMapping} and 1
 * {@code FASTIO_} row (skipped as unsupported operations), 3 requests on handles opened before
 * the capture (skipped, no open handle), 1 row on a UNC path (skipped, unsupported path), 1 rename
 * (a third replacing a name that may still be open) and 1 delete disposition followed by the close
 * of its handle. Twelve processes work on three volumes ({@code C:} 70%, {@code D:} 20%, {@code
 * E:} 10%), each with 200 directories of 500 files; names are sometimes written in another case.
 *
 * <p>Handles: a close takes one of the most recently opened handles nine times in ten; one open in
 * thirty is never closed (a process that keeps a file open all day), so the number of open
 * handles grows with the trace as in a long capture (about 1,800 at 10⁵ rows, 18,000 at 10⁶),
 * while the others stay around 600.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.fsctx.benchmarks.SyntheticTrace ROWS OUT [SEED]
 * [--all-columns]}. The default is Process Monitor's default 7-column export; {@code
 * --all-columns} writes the 27-column "save all columns" export (as the shared capture).
 *
 * <p>Thread safety: a generator is confined to one thread.
 */
public final class SyntheticTrace {
  private static final String[] PROCESSES = {
    "Explorer.EXE", "svchost.exe", "MsMpEng.exe", "SearchIndexer.exe", "chrome.exe", "msedge.exe",
    "devenv.exe", "MSBuild.exe", "cl.exe", "link.exe", "OneDrive.exe", "TiWorker.exe"
  };
  private static final char[] VOLUMES = {'C', 'C', 'C', 'C', 'C', 'C', 'C', 'D', 'D', 'E'};
  private static final String[] EXTENSIONS = {".txt", ".dll", ".log", ".json", ".obj", ".pdb"};
  private static final String[] QUERIES = {
    "QueryBasicInformationFile", "QueryStandardInformationFile", "QueryNameInformationFile",
    "QueryAllInformationFile", "QueryIdInformation", "QueryNetworkOpenInformationFile",
    "QueryAttributeTagFile", "QueryEAFile", "QueryInformationVolume", "QuerySecurityFile",
    "QueryRemoteProtocolInformation", "QueryNormalizedNameInformationFile"
  };
  private static final String[] OP_FAILURES = {
    "BUFFER OVERFLOW", "END OF FILE", "FILE LOCKED WITH ONLY READERS", "INVALID PARAMETER"
  };
  private static final String[] CREATE_FAILURES = {
    "NAME NOT FOUND", "NAME NOT FOUND", "NAME COLLISION", "PATH NOT FOUND", "IS DIRECTORY", "REPARSE"
  };
  private static final int DIRECTORIES = 200;
  private static final int FILES_PER_DIRECTORY = 500;
  private static final int RECENT = 64;
  private static final int TARGET_OPEN = 600;

  /** An open handle: the process, the path its rows use, whether it is a directory. */
  private static final class Handle {
    final int pid;
    final String process;
    String path;
    final boolean directory;
    final long sequence;
    final GFile file;

    Handle(int pid, String process, String path, boolean directory, long sequence, GFile file) {
      this.pid = pid;
      this.process = process;
      this.path = path;
      this.directory = directory;
      this.sequence = sequence;
      this.file = file;
    }
  }

  /**
   * A file as the replay contract pairs it: the handles opened through one name while any is open
   * (spec/replay.md "Handles"), so that a rename moves the paths of exactly the handles the replay
   * moves.
   */
  private static final class GFile {
    @Nullable String name;
    final List<Handle> handles = new ArrayList<>();

    GFile(String name) {
      this.name = name;
    }
  }

  private final SplittableRandom rnd;
  private final boolean allColumns;
  /** Handles that will be closed, most recently opened last. */
  private final List<Handle> open = new ArrayList<>();
  /** Handles never closed by a row (the end of the replay closes them). */
  private final List<Handle> pinned = new ArrayList<>();
  /** Files with open handles that hold a name, by folded name. */
  private final java.util.Map<String, GFile> named = new java.util.HashMap<>();
  private long opened;
  private @Nullable Handle deleting;
  private long tick;
  private int renames;

  private SyntheticTrace(long seed, boolean allColumns) {
    this.rnd = new SplittableRandom(seed);
    this.allColumns = allColumns;
  }

  /**
   * Writes a trace.
   *
   * @param rows how many rows (the header not counted)
   * @param out where to write; the caller closes it
   * @param seed the random seed
   * @param allColumns whether to write the 27-column export instead of the 7-column one
   * @throws IOException when writing fails
   */
  public static void write(long rows, OutputStream out, long seed, boolean allColumns)
      throws IOException {
    Writer w = new OutputStreamWriter(out, UTF_8);
    new SyntheticTrace(seed, allColumns).writeAll(rows, w);
    w.flush();
  }

  /**
   * Command line: {@code ROWS OUT [SEED] [--all-columns]}.
   *
   * @param args the arguments
   * @throws IOException when the file cannot be written
   */
  public static void main(String[] args) throws IOException {
    boolean all = false;
    List<String> positional = new ArrayList<>();
    for (String a : args) {
      if (a.equals("--all-columns")) {
        all = true;
      } else {
        positional.add(a);
      }
    }
    if (positional.size() < 2 || positional.size() > 3) {
      System.err.println("usage: SyntheticTrace ROWS OUT [SEED] [--all-columns]");
      System.exit(2);
    }
    long rows = Long.parseLong(positional.get(0).replace("_", ""));
    long seed = positional.size() == 3 ? Long.parseLong(positional.get(2)) : 14L;
    try (OutputStream out =
        new BufferedOutputStream(Files.newOutputStream(Path.of(positional.get(1))), 1 << 16)) {
      write(rows, out, seed, all);
    }
  }

  private void writeAll(long rows, Writer w) throws IOException {
    w.write(allColumns ? HEADER27 : HEADER7);
    w.write("\r\n");
    for (long i = 0; i < rows; i++) {
      nextRow(w);
    }
  }

  private void nextRow(Writer w) throws IOException {
    Handle h0 = deleting;
    if (h0 != null) {
      Handle h = h0;
      deleting = null;
      close(w, h);
      return;
    }
    int r = rnd.nextInt(100);
    if (open.isEmpty() && pinned.isEmpty()) {
      r = 0;
    }
    if (r < 17 && open.size() <= TARGET_OPEN) {
      create(w);
    } else if (r < 32) {
      if (open.isEmpty()) {
        create(w);
      } else {
        close(w, open.get(pickOpenIndex()));
      }
    } else if (r < 52) {
      onHandle(w, "ReadFile", "Offset: 0, Length: 4,096, Priority: Normal");
    } else if (r < 57) {
      onHandle(w, "WriteFile", "Offset: 4,096, Length: 512");
    } else if (r < 73) {
      onHandle(w, QUERIES[rnd.nextInt(QUERIES.length)], "");
    } else if (r < 76) {
      onHandle(w, "FileSystemControl", "Control: FSCTL_QUERY_PERSISTENT_VOLUME_STATE");
    } else if (r < 77) {
      onHandle(w, "LockFile", "Exclusive: False, Offset: 0, Length: 1, Fail Immediately: True");
    } else if (r < 78) {
      onHandle(w, "UnlockFileSingle", "Offset: 0, Length: 1");
    } else if (r < 80) {
      Handle h = pick();
      if (h != null && h.directory) {
        row(w, h.pid, h.process, "QueryDirectory", h.path, success(), "Filter: *, 1: .");
      } else {
        onHandle(w, "QueryStandardInformationFile", "");
      }
    } else if (r < 82) {
      int pid = pid();
      row(w, pid, process(pid), "QueryOpen", randomPath(), rnd.nextInt(5) == 0
          ? "NAME NOT FOUND" : "SUCCESS", "CreationTime: 1/1/2020 1:00:00 AM");
    } else if (r < 86) {
      Handle h = pick();
      String path = h == null ? randomPath() : h.path;
      int pid = h == null ? pid() : h.pid;
      row(w, pid, process(pid), "CreateFileMapping", path,
          rnd.nextInt(4) == 0 ? "FILE LOCKED WITH ONLY READERS" : "SUCCESS", "SyncType: SyncTypeOther");
    } else if (r < 87) {
      Handle h = pick();
      String path = h == null ? randomPath() : h.path;
      int pid = h == null ? pid() : h.pid;
      row(w, pid, process(pid), "FASTIO_RELEASE_FOR_SECTION_SYNCHRONIZATION",
          path, "SUCCESS", "");
    } else if (r < 90) {
      int pid = pid();
      row(w, pid, process(pid), "ReadFile",
          "C:\\Windows\\System32\\preopened" + rnd.nextInt(50) + ".dll", "SUCCESS",
          "Offset: 0, Length: 4,096");
    } else if (r < 91) {
      int pid = pid();
      row(w, pid, process(pid), "CreateFile",
          "\\\\fileserver\\share\\build" + rnd.nextInt(100) + ".log", "SUCCESS", "Desired Access: Generic Read");
    } else if (r < 92) {
      rename(w);
    } else if (r < 93) {
      dispose(w);
    } else {
      onHandle(w, "ReadFile", "Offset: 8,192, Length: 4,096, Priority: Normal");
    }
  }

  private static String process(int pid) {
    return PROCESSES[(pid - 1000) / 4];
  }

  private int pid() {
    return 1000 + 4 * rnd.nextInt(PROCESSES.length);
  }

  private String fileName(int dir, int file) {
    return "\\data\\dir" + dir + "\\file" + file + EXTENSIONS[file % EXTENSIONS.length];
  }

  private String randomPath() {
    char v = VOLUMES[rnd.nextInt(VOLUMES.length)];
    return v + ":" + fileName(rnd.nextInt(DIRECTORIES), rnd.nextInt(FILES_PER_DIRECTORY));
  }

  private int pickOpenIndex() {
    int n = open.size();
    if (rnd.nextInt(10) != 0 || n == 1) {
      return n - 1 - rnd.nextInt(Math.min(RECENT, n));
    }
    return rnd.nextInt(n);
  }

  private @Nullable Handle pick() {
    if (!pinned.isEmpty() && (open.isEmpty() || rnd.nextInt(8) == 0)) {
      return pinned.get(rnd.nextInt(pinned.size()));
    }
    return open.isEmpty() ? null : open.get(pickOpenIndex());
  }

  private String success() {
    return rnd.nextInt(100) < 92 ? "SUCCESS" : OP_FAILURES[rnd.nextInt(OP_FAILURES.length)];
  }

  private void onHandle(Writer w, String operation, String detail) throws IOException {
    Handle h = pick();
    if (h == null) {
      create(w);
      return;
    }
    row(w, h.pid, h.process, operation, h.path, success(), detail);
  }

  private void create(Writer w) throws IOException {
    int pid = pid();
    String process = process(pid);
    char v = VOLUMES[rnd.nextInt(VOLUMES.length)];
    int kind = rnd.nextInt(100);
    boolean directory = false;
    String path;
    if (kind == 0) {
      path = v + ":";
    } else if (kind < 9) {
      directory = true;
      path = v + ":\\data\\dir" + rnd.nextInt(DIRECTORIES);
    } else {
      path = v + ":" + fileName(rnd.nextInt(DIRECTORIES), rnd.nextInt(FILES_PER_DIRECTORY));
      if (kind < 19) {
        path += ":Zone.Identifier";
      }
    }
    if (rnd.nextInt(20) == 0) {
      path = path.toUpperCase(Locale.ROOT);
    }
    String options = directory
        ? "Options: Directory, Synchronous IO Non-Alert"
        : "Options: Synchronous IO Non-Alert, Non-Directory File";
    String detail = "Desired Access: Generic Read, Disposition: Open, " + options
        + ", Attributes: n/a, ShareMode: Read, Write, Delete, AllocationSize: n/a, OpenResult: Opened";
    String result = rnd.nextInt(100) < 88 ? "SUCCESS" : CREATE_FAILURES[rnd.nextInt(CREATE_FAILURES.length)];
    row(w, pid, process, "CreateFile", path, result, detail);
    if (result.equals("SUCCESS")) {
      boolean keep = rnd.nextInt(30) == 0;
      String name = fileName(path);
      GFile file = named.computeIfAbsent(name, GFile::new);
      Handle h = new Handle(pid, process, path, directory, opened++, file);
      file.handles.add(h);
      (keep ? pinned : open).add(h);
    }
  }

  /** Closes h's key: the replay closes the key's top handle, which may be a newer one than h. */
  private void close(Writer w, Handle h) throws IOException {
    row(w, h.pid, h.process, "CloseFile", h.path, "SUCCESS", "");
    Handle closed = topOfKey(h);
    if (!open.remove(closed)) {
      pinned.remove(closed);
    }
    forget(closed);
  }

  private void forget(Handle h) {
    GFile f = h.file;
    f.handles.remove(h);
    String name = f.name;
    if (f.handles.isEmpty() && name != null && named.get(name) == f) {
      named.remove(name);
    }
  }

  /** The folded file part of a path: what names a file ({@code X:\dir\name}, no stream). */
  private static String fileName(String path) {
    int colon = path.indexOf(':', 2);
    String name = colon < 0 ? path : path.substring(0, colon);
    while (name.length() > 3 && name.endsWith("\\")) {
      name = name.substring(0, name.length() - 1);
    }
    return name.toUpperCase(Locale.ROOT);
  }

  /** The most recently opened handle with h's PID and path: the one the replay uses for h's rows. */
  private Handle topOfKey(Handle h) {
    Handle top = h;
    for (List<Handle> list : List.of(open, pinned)) {
      for (Handle o : list) {
        if (o.pid == h.pid && o.sequence > top.sequence && o.path.equalsIgnoreCase(h.path)) {
          top = o;
        }
      }
    }
    return top;
  }

  /** Renames a plain file (default stream) open in {@link #open}; updates every handle on it. */
  private void rename(Writer w) throws IOException {
    Handle h = open.isEmpty() ? null : open.get(pickOpenIndex());
    if (h == null || h.directory || h.path.length() < 4 || h.path.indexOf(':', 2) >= 0) {
      onHandle(w, "QueryBasicInformationFile", "");
      return;
    }
    String dir = h.path.substring(0, h.path.lastIndexOf('\\'));
    boolean replace = rnd.nextInt(3) == 0;
    String target = replace
        ? dir + "\\file" + rnd.nextInt(FILES_PER_DIRECTORY) + ".txt"
        : dir + "\\renamed" + renames++ + ".tmp";
    row(w, h.pid, h.process, "SetRenameInformationFile", h.path, "SUCCESS",
        "ReplaceIfExists: " + (replace ? "True" : "False") + ", FileName: " + target);
    // The replay renames the file of the key's top handle; a file displaced from the target name
    // keeps its handles' paths.
    GFile f = topOfKey(h).file;
    String oldName = f.name;
    if (oldName != null && named.get(oldName) == f) {
      named.remove(oldName);
    }
    String newName = fileName(target);
    GFile displaced = named.put(newName, f);
    if (displaced != null && displaced != f) {
      displaced.name = null;
    }
    f.name = newName;
    for (Handle o : f.handles) {
      int colon = o.path.indexOf(':', 2);
      o.path = colon < 0 ? target : target + o.path.substring(colon);
    }
  }

  /** Marks an open file delete-pending; its close is the next row. */
  private void dispose(Writer w) throws IOException {
    if (open.isEmpty()) {
      create(w);
      return;
    }
    Handle h = open.get(pickOpenIndex());
    row(w, h.pid, h.process, "SetDispositionInformationFile", h.path, "SUCCESS", "Delete: True");
    deleting = h;
  }

  private void row(Writer w, int pid, String process, String operation, String path,
      String result, String detail) throws IOException {
    long t = tick++;
    String time = String.format(Locale.ROOT, "%d:%02d:%02d.%07d AM",
        1 + (t / 36_000_000_000L) % 12, (t / 600_000_000L) % 60, (t / 10_000_000L) % 60, t % 10_000_000L);
    field(w, time, true);
    field(w, process, false);
    field(w, Integer.toString(pid), false);
    field(w, operation, false);
    field(w, path, false);
    field(w, result, false);
    field(w, detail, false);
    if (allColumns) {
      field(w, "7/12/2020 " + time.substring(0, time.indexOf('.')) + " AM", false);
      field(w, "00:00:00.1187309", false);
      field(w, "0.0000691", false);
      field(w, time, false);
      field(w, "File System", false);
      field(w, "n/a", false);
      field(w, "C:\\Windows\\" + process, false);
      field(w, "Microsoft Corporation", false);
      field(w, process, false);
      field(w, "10.0.16299.15 (WinBuild.160101.0800)", false);
      field(w, "DESKTOP-6PCIALL\\test", false);
      field(w, "00000000:0012f69e", false);
      field(w, "1", false);
      field(w, "C:\\Windows\\" + process, false);
      field(w, Integer.toString(4000 + pid % 97), false);
      field(w, "False", false);
      field(w, "Medium", false);
      field(w, "", false);
      field(w, "2360", false);
      field(w, "64-bit", false);
    }
    w.write("\r\n");
  }

  private static void field(Writer w, String value, boolean first) throws IOException {
    if (!first) {
      w.write(',');
    }
    w.write('"');
    if (value.indexOf('"') >= 0) {
      w.write(value.replace("\"", "\"\""));
    } else {
      w.write(value);
    }
    w.write('"');
  }

  private static final String HEADER7 =
      "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"";
  private static final String HEADER27 = HEADER7
      + ",\"Date & Time\",\"Relative Time\",\"Duration\",\"Completion Time\",\"Event Class\",\"Sequence\","
      + "\"Image Path\",\"Company\",\"Description\",\"Version\",\"User\",\"Authentication ID\",\"Session\","
      + "\"Command Line\",\"TID\",\"Virtualized\",\"Integrity\",\"Category\",\"Parent PID\",\"Architecture\"";
}
