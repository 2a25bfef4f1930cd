package io.fsctx.tools.replay;

import com.google.common.collect.ImmutableSortedSet;
import java.io.IOException;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Replays a Process Monitor trace into a {@link ReplayTarget} as {@code spec/replay.md} says, and
 * counts what the contract makes the engine's business: {@code rows}, {@code replayed}, {@code
 * skipped.*} and {@code creates.*}. The context figures come from the target.
 *
 * <p>Design note. The engine reads a rereadable {@link TraceSource} twice. The first pass
 * validates the whole trace and collects the drive letters of the counted rows, so a malformed
 * trace is refused before anything reaches the filters and the volumes are mounted before the
 * first row, as the contract requires. The second pass streams the rows: filter ({@link
 * #isCounted}), then judge in the contract's order (path, then operation, then handle), then drive
 * the target. A stream (standard input) cannot be read twice and is never copied: it gets the
 * second pass alone, with each volume mounted just before the first row on it, which gives the
 * same figures. Memory is constant in the trace's length and proportional to the open file objects
 * ({@link HandleTable}). The judging functions are static and pure, so other tools can reuse them.
 *
 * <p>The replaying pass reads ahead on a thread of its own ({@link ReadAhead}): the CSV parsing
 * and the pure part of judging (the row filter, the path split, the operation and result lookups)
 * run beside the I/O requests, in file order, with a reader's failure surfacing after the rows
 * before it, as if read in place.
 *
 * <p>Thread safety: an engine is immutable and may be shared; each {@link #replay} call uses the
 * target from its calling thread only (the read-ahead thread never touches the target), so any
 * number of replays, each with its own target, may run at once.
 */
public final class ReplayEngine {
  private final ProgressListener progress;

  /**
   * Creates an engine.
   *
   * @param progress told how far each replay has got; {@link ProgressListener#NONE} for silence
   */
  public ReplayEngine(ProgressListener progress) {
    this.progress = progress;
  }

  /** Creates an engine that reports no progress. */
  public ReplayEngine() {
    this(ProgressListener.NONE);
  }

  /** The {@code Event Class} of the rows that count, when the export has that column. */
  static final String FILE_SYSTEM = "File System";

  /**
   * Whether a row counts: when the export has an {@code Event Class} column only {@code File
   * System} rows count, and rows whose {@code Result} is empty (still pending when the capture
   * stopped) never count.
   *
   * @param row the row
   * @param hasEventClass whether the export has an {@code Event Class} column
   * @return whether the summary counts it among its counted rows
   */
  public static boolean isCounted(TraceRow row, boolean hasEventClass) {
    if (hasEventClass && !row.eventClass().strip().equals(FILE_SYSTEM)) {
      return false;
    }
    return !row.result().isBlank();
  }

  /**
   * Whether a result text is the literal {@code SUCCESS} the contract opens file objects on
   * (blanks around it and case ignored).
   */
  public static boolean isSuccessText(String result) {
    // Process Monitor writes it exactly so: test that first, without stripping or folding.
    return result.equals("SUCCESS") || result.strip().equalsIgnoreCase("SUCCESS");
  }

  /** Whether a result text is the literal {@code REPARSE}. */
  public static boolean isReparseText(String result) {
    return result.equals("REPARSE") || result.strip().equalsIgnoreCase("REPARSE");
  }

  private static final String DISPOSITION_DELETE = "FILE_DISPOSITION_DELETE";

  /**
   * Whether a disposition row asks for deletion: {@code Delete: True} (the class-13 form) or the
   * flag {@code FILE_DISPOSITION_DELETE} (the Ex form) in {@code Detail}. Either spelling is
   * accepted for either class.
   *
   * @param detail the {@code Detail} column
   * @return whether the file is to be deleted
   */
  public static boolean requestsDelete(String detail) {
    String d = detail.toUpperCase(Locale.ROOT);
    // The flag as a whole word between separators (blanks, commas, '|'), found in place: a
    // regular expression split of every disposition row's Detail was one of the larger
    // methods the JIT compiled in a long replay.
    int f = d.indexOf(DISPOSITION_DELETE);
    while (f >= 0) {
      int end = f + DISPOSITION_DELETE.length();
      if ((f == 0 || isTokenSeparator(d.charAt(f - 1))) && (end == d.length() || isTokenSeparator(d.charAt(end)))) {
        return true;
      }
      f = d.indexOf(DISPOSITION_DELETE, f + 1);
    }
    int i = d.indexOf("DELETE:");
    while (i >= 0) {
      boolean startsToken = i == 0 || !Character.isLetterOrDigit(d.charAt(i - 1));
      if (startsToken && d.startsWith("TRUE", skipBlanks(d, i + 7))) {
        return true;
      }
      i = d.indexOf("DELETE:", i + 1);
    }
    return false;
  }

  /** What separates the words of a disposition's flags: a blank ({@code \s}), a comma or '|'. */
  private static boolean isTokenSeparator(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r' || c == ',' || c == '|';
  }

  private static int skipBlanks(String s, int i) {
    while (i < s.length() && s.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  /**
   * The target of a rename: the text after {@code FileName: } in {@code Detail}, up to the next
   * {@code ", Word: "} field or the end.
   *
   * @param detail the {@code Detail} column
   * @return the target as written, or null when {@code Detail} has no {@code FileName:}
   */
  public static @Nullable String renameTarget(String detail) {
    return detailField(detail, "FileName");
  }

  /**
   * The value of a {@code Name: value} field of a row's {@code Detail}, running to the next
   * {@code ", Word: "} field or the end; null when the field is absent.
   */
  static @Nullable String detailField(String detail, String name) {
    String label = name + ": ";
    int i = detail.indexOf(label);
    if (i < 0) {
      return null;
    }
    int from = i + label.length();
    return detail.substring(from, nextDetailField(detail, from));
  }

  /**
   * Where the {@code Detail} field starting at {@code from} ends: the start of the next {@code ",
   * Word: "} (a capital letter, then letters) at or after {@code from}, or the length. Scanned
   * by hand: this runs for every CreateFile and rename row.
   */
  static int nextDetailField(String detail, int from) {
    int n = detail.length();
    for (int k = detail.indexOf(", ", from); k >= 0; k = detail.indexOf(", ", k + 1)) {
      int j = k + 2;
      if (j < n && detail.charAt(j) >= 'A' && detail.charAt(j) <= 'Z') {
        j++;
        while (j < n && ((detail.charAt(j) >= 'A' && detail.charAt(j) <= 'Z')
            || (detail.charAt(j) >= 'a' && detail.charAt(j) <= 'z'))) {
          j++;
        }
        if (j + 1 < n && detail.charAt(j) == ':' && detail.charAt(j + 1) == ' ') {
          return k;
        }
      }
    }
    return n;
  }

  /**
   * Replays a trace: twice over a {@link TraceSource#rereadable() rereadable} source (validate
   * and find the volumes, then replay), once over a stream.
   *
   * @param source the trace
   * @param target what the rows drive; owned by the caller, used by this call only
   * @param <H> the target's file-object type
   * @return the summary
   * @throws IOException when the trace cannot be read
   * @throws TraceFormatException when the trace is malformed; from a rereadable source the target
   *     has then not been called, from a stream the rows before the bad one have been replayed
   * @throws TraceRowException when the target threw while a row was replayed (its cause)
   */
  public <H> ReplaySummary replay(TraceSource source, ReplayTarget<H> target) throws IOException {
    if (!source.rereadable()) {
      return replayOnce(source, target);
    }
    // The first pass keeps only what decides whether a row counts and its drive letter, makes
    // no string per row, and reads a large plain trace in parts on several threads.
    CountingPass.Result counted = CountingPass.run(source);
    long total = counted.counted();
    SortedSet<Character> volumes = counted.volumes();
    progress.started(total);
    Run<H> run = new Run<>(target, false);
    run.volumes.addAll(volumes);
    try (ReadAhead rows =
        new ReadAhead(TraceReader.open(source.open(), TraceReader.Columns.REPLAY), source.name())) {
      target.mountVolumes(ImmutableSortedSet.copyOf(volumes));
      return run.replayRows(rows, progress);
    } finally {
      progress.finished();
    }
  }

  /**
   * The single pass over a stream: the rows are judged as they are read, and a volume is mounted
   * (with the filters attached to it, as on any new mount) just before the first counted row on
   * its drive letter. The figures are those of the two-pass replay; the volumes' device names
   * follow their first appearance instead of the drive letters' order.
   */
  private <H> ReplaySummary replayOnce(TraceSource source, ReplayTarget<H> target) throws IOException {
    progress.started(-1);
    try (ReadAhead rows =
        new ReadAhead(TraceReader.open(source.open(), TraceReader.Columns.REPLAY), source.name())) {
      Run<H> run = new Run<>(target, true);
      target.mountVolumes(ImmutableSortedSet.of());
      return run.replayRows(rows, progress);
    } finally {
      progress.finished();
    }
  }

  /** The state of one replay. */
  private static final class Run<H> {
    final ReplayTarget<H> target;
    final boolean mountAsSeen;
    final SortedSet<Character> volumes = new TreeSet<>();
    final HandleTable<H> handles = new HandleTable<>();
    long rows;
    long namesTooLong;
    long replayed;
    long noOpenHandle;
    long unsupportedPath;
    long unsupportedOperation;
    long createsSucceeded;
    long createsFailed;
    long createsReparse;
    long unrecognisedResults;
    long unknownOperations;

    Run(ReplayTarget<H> target, boolean mountAsSeen) {
      this.target = target;
      this.mountAsSeen = mountAsSeen;
    }

    /** Judges every counted row, closes what is left open, and sums up. */
    ReplaySummary replayRows(ReadAhead reader, ProgressListener progress) {
      while (reader.hasNext()) {
        ReadAhead.Parsed parsed = reader.next();
        if (parsed.counted()) {
          try {
            judge(parsed);
          } catch (TraceFormatException | TraceRowException e) {
            throw e;
          } catch (RuntimeException e) {
            throw new TraceRowException(parsed.row().line(), e);
          }
          progress.advanced(rows);
        }
      }
      for (H fileObject = handles.popMostRecent();
          fileObject != null;
          fileObject = handles.popMostRecent()) {
        target.cleanupAndClose(fileObject, null);
      }
      ContextCounts contexts = target.finish();
      return new ReplaySummary(
          rows,
          replayed,
          noOpenHandle,
          unsupportedPath,
          unsupportedOperation,
          createsSucceeded,
          createsFailed,
          createsReparse,
          ImmutableSortedSet.copyOf(volumes),
          unrecognisedResults,
          unknownOperations,
          target.diverged(),
          contexts,
          namesTooLong);
    }

    void judge(ReadAhead.Parsed parsed) {
      TraceRow row = parsed.row();
      rows++;
      if (!parsed.recognisedResult()) {
        unrecognisedResults++;
      }
      TracePath path = parsed.path();
      if (path == null) {
        unsupportedPath++;
        return;
      }
      if (mountAsSeen && volumes.add(path.volume())) {
        target.mountVolume(path.volume());
      }
      long longest = target.longestPath(path.volume());
      if (row.path().length() > longest) {
        unsupportedPath++;
        namesTooLong++;
        return;
      }
      TraceOperation op = parsed.operation();
      if (op.kind() == TraceOperation.Kind.UNSUPPORTED) {
        unsupportedOperation++;
        return;
      }
      if (namesATarget(op)) {
        String written = renameTarget(row.detail());
        if (written != null && written.length() > longest) {
          unsupportedPath++;
          namesTooLong++;
          return;
        }
      }
      if (!parsed.knownOperation()) {
        unknownOperations++;
      }
      TraceRequest req = new TraceRequest(row, path, op, parsed.status());
      switch (op.kind()) {
        case CREATE -> create(req);
        case NETWORK_QUERY_OPEN -> {
          replayed++;
          target.networkQueryOpen(req);
        }
        case CLOSE -> {
          H fo = handles.pop(row.pid(), path);
          if (fo == null) {
            noOpenHandle++;
          } else {
            replayed++;
            target.cleanupAndClose(fo, req);
          }
        }
        case SEND -> send(req);
        case UNSUPPORTED -> throw new AssertionError("handled above");
      }
    }

    /** Renames and links carry a second name, {@code FileName:} of {@code Detail}. */
    private static boolean namesATarget(TraceOperation op) {
      return op.isRename()
          || op.infoClass() == InfoClass.FILE_LINK
          || op.infoClass() == InfoClass.FILE_LINK_EX;
    }

    private void create(TraceRequest req) {
      replayed++;
      String result = req.row().result();
      if (isSuccessText(result)) {
        createsSucceeded++;
        H fo = target.open(req);
        if (fo != null) {
          handles.push(req.pid(), req.path(), fo);
        }
      } else {
        if (isReparseText(result)) {
          createsReparse++;
        } else {
          createsFailed++;
        }
        target.createFailed(req);
      }
    }

    private void send(TraceRequest req) {
      H fo = handles.peek(req.pid(), req.path());
      if (fo == null) {
        noOpenHandle++;
        return;
      }
      replayed++;
      target.send(fo, req);
      if (!isSuccessText(req.row().result())) {
        return;
      }
      TraceOperation op = req.operation();
      if (op.isDisposition() && requestsDelete(req.detail())) {
        target.markDeletePending(fo, req);
      } else if (op.isRename()) {
        String written = renameTarget(req.detail());
        TracePath newName = written == null ? null : TracePath.parse(written);
        if (newName != null
            && newName.kind() == TracePath.Kind.FILE
            && newName.volume() == req.path().volume()
            && newName.streamSuffix().isEmpty()) {
          handles.moveFile(req.pid(), req.path(), newName);
          target.rename(fo, req, newName);
        }
      }
    }
  }
}
