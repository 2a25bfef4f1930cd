package io.fsctx.tools.replay;

import com.google.common.io.ByteStreams;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The first pass of a file replay: checks the whole trace, counts the rows that count and finds
 * their drive letters, before anything is replayed ({@link ReplayEngine#replay}). On a plain UTF-8
 * file of a few megabytes or more it reads the trace in parts on several threads, since the
 * replaying pass cannot start before this one ends and this pass left every core but one idle
 * (issue 14: a third of a replay's main-thread time on the shared capture).
 *
 * <p>How the parts stay exact. A part starts at a line that starts with a quote, found after
 * every k-th of the file ({@code \n"}: Process Monitor quotes every field, so a record starts
 * so). That guess may fall inside a quoted field that spans lines; the part before it proves it
 * right by ending cleanly there, at the end of a record. So the parts are judged in file order:
 * if every part but the last reads to its end without error, the parts saw exactly the records a
 * single reader would, and the last part's first error, if any, is the trace's first error (its
 * line shifted by the lines of the parts before it). If any earlier part fails, for a real error
 * or a wrong guess, the whole pass is made again by one reader, which finds the first error
 * wherever it is. Compressed and UTF-16 traces, whose stored bytes are not their text's, are
 * read by one reader.
 *
 * <p>Thread safety: each call is independent; a call uses threads of its own and joins them.
 */
final class CountingPass {
  /** The smallest part worth a thread: below it, starting threads costs more than it saves. */
  static final long MIN_PART = 1 << 20;

  /** How far past a cut the first line that starts with a quote is looked for. */
  private static final int SEARCH = 1 << 16;

  private CountingPass() {}

  /**
   * What the pass found: the number of counted rows and their drive letters, and how many parts
   * it was read in (1: by one reader).
   */
  record Result(long counted, SortedSet<Character> volumes, int parts) {}

  /**
   * Runs the pass over {@code source}, in parts when it is large enough and there is more than
   * one processor.
   *
   * @throws TraceFormatException for the trace's first malformed record, as one reader reports it
   * @throws IOException when the trace cannot be read
   */
  static Result run(TraceSource source) throws IOException {
    return run(source, MIN_PART, Math.min(4, Runtime.getRuntime().availableProcessors()));
  }

  /** {@link #run(TraceSource)} with the part size and count given (tests use small parts). */
  static Result run(TraceSource source, long minPart, int maxParts) throws IOException {
    long size = source.size();
    int parts = size < 0 ? 1 : (int) Math.min(maxParts, size / Math.max(1, minPart));
    if (parts > 1) {
      Result r = inParts(source, size, parts);
      if (r != null) {
        return r;
      }
    }
    try (TraceReader reader = TraceReader.open(source.open(), TraceReader.Columns.COUNTING)) {
      Tally t = new Tally();
      t.counted = reader.forEachCounted(t);
      return t.result();
    }
  }

  /** The rows of one part, and what they say. */
  private static final class Tally implements Consumer<TraceReader.CountedRow> {
    long counted;
    final boolean[] seen = new boolean['Z' - 'A' + 1];
    final SortedSet<Character> volumes = new TreeSet<>();

    @Override
    public void accept(TraceReader.CountedRow row) {
      // A path is split only while its drive letter has not been seen on a valid path yet.
      char letter = Character.toUpperCase(row.firstPathChar());
      if (letter >= 'A' && letter <= 'Z' && seen[letter - 'A']) {
        return;
      }
      TracePath p = TracePath.parse(row.path());
      if (p != null) {
        volumes.add(p.volume());
        seen[p.volume() - 'A'] = true;
      }
    }

    Result result() {
      return new Result(counted, volumes, 1);
    }
  }

  /** One part: its reader, and what reading it gave. */
  private static final class Part {
    final TraceReader reader;
    final Tally tally = new Tally();
    @Nullable RuntimeException failure;

    Part(TraceReader reader) {
      this.reader = reader;
    }

    void read() {
      try {
        tally.counted = reader.forEachCounted(tally);
      } catch (RuntimeException e) {
        failure = e;
      }
    }
  }

  /** The pass in parts, or null when it must be made by one reader. */
  private static @Nullable Result inParts(TraceSource source, long size, int wanted) throws IOException {
    long[] starts = new long[wanted + 1];
    int n = 1;
    for (int j = 1; j < wanted; j++) {
      long s = recordStartAfter(source, size * j / wanted);
      if (s > starts[n - 1] && s < size) {
        starts[n++] = s;
      }
    }
    if (n < 2) {
      return null;
    }
    starts[n] = size;
    Part[] parts = new Part[n];
    try {
      TraceReader first;
      try {
        first = TraceReader.open(ByteStreams.limit(source.open(), starts[1]), TraceReader.Columns.COUNTING);
      } catch (TraceFormatException | IOException e) {
        return null; // a header cut short by the first guess, or a bad one: one reader says which
      }
      parts[0] = new Part(first);
      if (!first.isPlainUtf8()) {
        return null;
      }
      for (int j = 1; j < n; j++) {
        InputStream in = source.openAt(starts[j]);
        parts[j] = new Part(first.continuation(j < n - 1 ? ByteStreams.limit(in, starts[j + 1] - starts[j]) : in));
      }
      Thread[] threads = new Thread[n];
      for (int j = 1; j < n; j++) {
        Part part = parts[j];
        threads[j] = new Thread(part::read, "fsctx-count " + source.name() + " #" + j);
        threads[j].setDaemon(true);
        threads[j].start();
      }
      parts[0].read();
      for (int j = 1; j < n; j++) {
        try {
          threads[j].join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          InterruptedIOException io = new InterruptedIOException("interrupted while checking " + source.name());
          io.initCause(e);
          throw io;
        }
      }
      return verdict(parts);
    } finally {
      for (Part p : parts) {
        if (p != null) {
          p.reader.close();
        }
      }
    }
  }

  /** Judges the parts in file order (see the class comment); null: one reader must decide. */
  private static @Nullable Result verdict(Part[] parts) {
    long lines = 0;
    long counted = 0;
    SortedSet<Character> volumes = new TreeSet<>();
    for (int j = 0; j < parts.length; j++) {
      Part p = parts[j];
      RuntimeException f = p.failure;
      if (f != null) {
        if (f instanceof UncheckedIOException io) {
          throw io;
        }
        if (!(f instanceof TraceFormatException e)) {
          throw f;
        }
        if (j < parts.length - 1) {
          return null;
        }
        throw new TraceFormatException(lines + e.line(), e.problem(), e.getCause());
      }
      lines += p.reader.linesRead();
      counted += p.tally.counted;
      volumes.addAll(p.tally.volumes);
    }
    return new Result(counted, volumes, parts.length);
  }

  /**
   * The offset of the first line at or after {@code from} that starts with a quote, or -1 when
   * none is near: a guess at a record's start, which the part before it confirms or refutes.
   */
  private static long recordStartAfter(TraceSource source, long from) throws IOException {
    byte[] b = new byte[SEARCH];
    int n;
    try (InputStream in = source.openAt(from)) {
      n = in.readNBytes(b, 0, b.length);
    }
    for (int i = 1; i < n; i++) {
      if (b[i] == '"' && b[i - 1] == '\n') {
        return from + i;
      }
    }
    return -1;
  }
}
