package io.fsctx.tools.replay;

import io.fsctx.fltmgr.FltContextType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A test double for {@link ReplayTarget}: hands out numbered file objects, records every call as a
 * line of text ({@code open FO#1 C:\a}) and counts calls by kind and major function. It checks the
 * engine's side of the ownership contract: a file object is never used after its close, never
 * closed twice, and every open one is closed before {@link #finish}.
 *
 * <p>Thread safety: confined.
 */
class CountingReplayTarget implements ReplayTarget<CountingReplayTarget.Fo> {

  /** A file object: its number and the path it was opened with. */
  record Fo(int id, String openedAs) {
    @Override
    public String toString() {
      return "FO#" + id;
    }
  }

  final List<String> calls = new ArrayList<>();
  final Map<String, Integer> sentByMajor = new TreeMap<>();
  final List<Character> volumes = new ArrayList<>();
  private final Map<Integer, Boolean> open = new TreeMap<>();
  private final boolean recordCalls;
  private ContextCounts counts = ContextCounts.none();
  int opens;
  int createsFailed;
  int queryOpens;
  int sends;
  int rowCloses;
  int endCloses;
  int deletePending;
  int renames;
  boolean finished;
  private int nextId = 1;

  CountingReplayTarget() {
    this(true);
  }

  CountingReplayTarget(boolean recordCalls) {
    this.recordCalls = recordCalls;
  }

  /** Makes {@link #finish} report these counts. */
  CountingReplayTarget reporting(ContextCounts c) {
    this.counts = c;
    return this;
  }

  private void record(String s) {
    if (recordCalls) {
      calls.add(s);
    }
  }

  private void checkOpen(Fo fo) {
    if (!Boolean.TRUE.equals(open.get(fo.id()))) {
      throw new AssertionError(fo + " used but not open");
    }
  }

  @Override
  public void mountVolumes(SortedSet<Character> driveLetters) {
    if (!volumes.isEmpty() || opens > 0) {
      throw new AssertionError("mountVolumes called twice or late");
    }
    volumes.addAll(driveLetters);
    record("mount " + driveLetters);
  }

  /** The limit {@link #longestPath} reports; no limit unless a test sets one. */
  long longestPath = Long.MAX_VALUE;

  @Override
  public void mountVolume(char driveLetter) {
    if (volumes.contains(driveLetter)) {
      throw new AssertionError(driveLetter + ": mounted twice");
    }
    volumes.add(driveLetter);
    record("mount " + driveLetter + ":");
  }

  @Override
  public long longestPath(char driveLetter) {
    if (!volumes.contains(driveLetter)) {
      throw new AssertionError("longestPath asked for " + driveLetter + ": before it was mounted");
    }
    return longestPath;
  }

  @Override
  public Fo open(TraceRequest create) {
    Fo fo = new Fo(nextId++, create.path().written());
    open.put(fo.id(), true);
    opens++;
    record("open " + fo + " " + create.path().written());
    return fo;
  }

  @Override
  public void createFailed(TraceRequest create) {
    createsFailed++;
    record("createFailed " + create.path().written() + " " + create.status());
  }

  @Override
  public void networkQueryOpen(TraceRequest request) {
    queryOpens++;
    record("queryOpen " + request.path().written());
  }

  @Override
  public void send(Fo fileObject, TraceRequest request) {
    checkOpen(fileObject);
    sends++;
    sentByMajor.merge(IrpMajor.name(request.operation().majorFunction()), 1, Integer::sum);
    record("send " + fileObject + " " + request.row().operation());
  }

  @Override
  public void markDeletePending(Fo fileObject, TraceRequest request) {
    checkOpen(fileObject);
    deletePending++;
    record("deletePending " + fileObject);
  }

  @Override
  public void rename(Fo fileObject, TraceRequest request, TracePath newName) {
    checkOpen(fileObject);
    renames++;
    record("rename " + fileObject + " -> " + newName.written());
  }

  @Override
  public void cleanupAndClose(Fo fileObject, @Nullable TraceRequest closeRow) {
    checkOpen(fileObject);
    open.put(fileObject.id(), false);
    if (closeRow == null) {
      endCloses++;
      record("endClose " + fileObject);
    } else {
      rowCloses++;
      record("close " + fileObject);
    }
  }

  @Override
  public ContextCounts finish() {
    if (open.containsValue(true)) {
      throw new AssertionError("finish with file objects still open");
    }
    finished = true;
    record("finish");
    return counts;
  }

  /** Counts shaped like a CTX run, for summary tests. */
  static ContextCounts sampleCounts() {
    Map<FltContextType, ContextCounts.TypeCounts> m = new EnumMap<>(FltContextType.class);
    m.put(FltContextType.INSTANCE, new ContextCounts.TypeCounts(1, 1));
    m.put(FltContextType.STREAM, new ContextCounts.TypeCounts(7, 6));
    return ContextCounts.of(m, 1);
  }
}
