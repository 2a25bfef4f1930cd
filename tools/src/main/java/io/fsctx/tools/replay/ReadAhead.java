package io.fsctx.tools.replay;

import io.fsctx.nt.NtStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Reads a trace on a thread of its own while the replay thread replays what was read: parsing the
 * CSV and the pure part of judging a row (which rows count, the path split, the operation and
 * result looked up) overlap with the I/O requests, so a replay uses two cores.
 *
 * <p>Order and errors are those of reading in the replay thread: rows come in file order, and a
 * failure of the reader (a malformed row, an I/O error) is thrown by {@link #next()} after every
 * row before it, exactly where reading in place would have thrown it.
 *
 * <p>Memory: at most {@link #BATCHES} batches of {@link #BATCH} rows are in flight. A batch is
 * handed over when it is full, or as soon as the replay thread has nothing left to replay, so a
 * trace streamed slowly (standard input fed live) reaches the filters row by row.
 *
 * <p>Thread safety: the reader thread owns the {@link TraceReader} (it closes it); the iterator
 * belongs to the replay thread. {@link #close()} stops the reader thread (the replay ended early)
 * and waits for it briefly.
 */
final class ReadAhead implements Iterator<ReadAhead.Parsed>, AutoCloseable {
  /** Rows per hand-over: large enough that the queue's locking is rare. */
  static final int BATCH = 256;

  /** Batches read ahead of the replay at most. */
  static final int BATCHES = 16;

  /** Distinct operation or result texts remembered at most (a trace has a few dozen). */
  private static final int CACHED = 1024;

  /** Paths split recently, remembered by their hash (a power of two). */
  private static final int PATHS = 1 << 12;

  /**
   * A row and what judging it needs that does not depend on the replay's state.
   *
   * @param row the row
   * @param counted whether it counts ({@link ReplayEngine#isCounted})
   * @param path its path, or null when not on a drive letter
   * @param operation its classified operation
   * @param knownOperation whether the operation name is known
   * @param status its result as a status
   * @param recognisedResult whether the result text is recognised
   */
  record Parsed(
      TraceRow row,
      boolean counted,
      @Nullable TracePath path,
      TraceOperation operation,
      boolean knownOperation,
      NtStatus status,
      boolean recognisedResult) {}

  /** An operation name classified once. */
  private record Operation(TraceOperation operation, boolean known) {}

  /** A result text looked up once. */
  private record Result(NtStatus status, boolean recognised) {}

  /** The end of the trace, or how reading failed. */
  private record End(@Nullable Throwable failure) {}

  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(BATCHES);
  private final Thread thread;
  private volatile boolean stopped;
  /**
   * Set by the replay thread when it finds nothing to replay and is about to wait: the reader then
   * hands over what it has. A flag, so the reader does not take the queue's lock for every row
   * to ask whether it is empty.
   */
  private volatile boolean hungry = true; // the queue starts empty: the first row goes at once
  private Parsed @Nullable [] batch;
  private int next;
  private @Nullable End end;

  /**
   * Starts reading.
   *
   * @param reader an open reader, not iterated yet; the read-ahead thread owns and closes it
   * @param name the trace's name, for the thread's name
   */
  ReadAhead(TraceReader reader, String name) {
    boolean eventClass = reader.hasEventClass();
    this.thread = new Thread(() -> read(reader, eventClass), "fsctx-read " + name);
    thread.setDaemon(true);
    thread.start();
  }

  private void read(TraceReader reader, boolean eventClass) {
    Throwable failure = null;
    // Operation and result texts repeat: classify each distinct text once.
    Map<String, Operation> operations = new HashMap<>();
    Map<String, Result> results = new HashMap<>();
    // A path recurs on every row about its file, and the parser hands out the same string for
    // it (SharedStrings): split each once while it recurs.
    @Nullable TracePath[] paths = new TracePath[PATHS];
    Parsed[] out = new Parsed[BATCH];
    int n = 0;
    try (reader) {
      for (TraceRow row : reader) {
        if (stopped) {
          return;
        }
        out[n++] = parse(row, eventClass, operations, results, paths);
        // A full batch goes; so does a partial one when the replay has nothing left to do (a
        // slow stream such as a capture piped in live: each row reaches the filters as soon as
        // it is read, and reading ahead never delays a row).
        if (n == BATCH || hungry) {
          hungry = false;
          if (n == BATCH) {
            queue.put(out);
            out = new Parsed[BATCH];
          } else {
            queue.put(java.util.Arrays.copyOf(out, n)); // out stays this thread's: refill it
          }
          n = 0;
        }
      }
      if (n > 0) {
        queue.put(java.util.Arrays.copyOf(out, n));
        n = 0;
      }
    } catch (InterruptedException e) {
      return; // close(): nobody reads any more
    } catch (IOException e) {
      failure = new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    try {
      if (n > 0) {
        // The rows read before the failure are replayed before it is thrown, as the class says.
        queue.put(java.util.Arrays.copyOf(out, n));
      }
      queue.put(new End(failure));
    } catch (InterruptedException e) {
      // close(): nobody reads any more
    }
  }

  private static Parsed parse(
      TraceRow row,
      boolean eventClass,
      Map<String, Operation> operations,
      Map<String, Result> results,
      @Nullable TracePath[] paths) {
    boolean counted = ReplayEngine.isCounted(row, eventClass);
    TracePath path = counted ? split(row.path(), paths) : null;
    if (path != null) {
      // A string keeps its hash once computed: hashing the handle table's keys here, beside the
      // replay, spares the replay thread that work (issue 14). The queue publishes the strings.
      var unused = path.foldedWritten().hashCode() + path.fileKey().hashCode();
    }
    Operation op = operations.get(row.operation());
    if (op == null) {
      if (operations.size() >= CACHED) {
        operations.clear();
      }
      op =
          new Operation(
              TraceOperation.classify(row.operation()), TraceOperation.isKnownName(row.operation()));
      operations.put(row.operation(), op);
    }
    Result result = results.get(row.result());
    if (result == null) {
      if (results.size() >= CACHED) {
        results.clear();
      }
      result = new Result(ResultStatus.of(row.result()), ResultStatus.isRecognised(row.result()));
      results.put(row.result(), result);
    }
    return new Parsed(
        row, counted, path, op.operation(), op.known(), result.status(), result.recognised());
  }

  /** {@link TracePath#parse}, or the same path split earlier when {@code paths} still holds it. */
  private static @Nullable TracePath split(String written, @Nullable TracePath[] paths) {
    int h = written.hashCode();
    int slot = (h ^ (h >>> 16)) & (PATHS - 1);
    TracePath p = paths[slot];
    if (p != null && p.written().equals(written)) {
      return p;
    }
    p = TracePath.parse(written);
    if (p != null) {
      paths[slot] = p;
    }
    return p;
  }

  @Override
  public boolean hasNext() {
    Parsed[] b = batch;
    if (b != null && next < b.length) {
      return true;
    }
    if (end != null) {
      return rethrow(end);
    }
    Object o = queue.poll();
    try {
      if (o == null) {
        hungry = true; // the reader hands over its partial batch at its next row
        o = queue.take();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the trace to be read", e);
    }
    if (o instanceof End e) {
      end = e;
      return rethrow(e);
    }
    batch = (Parsed[]) o;
    next = 0;
    // As the reader used to ask after every row, but once per batch: with nothing queued behind
    // this batch, the reader hands over each row it reads next without waiting for a full batch.
    if (queue.isEmpty()) {
      hungry = true;
    }
    return true;
  }

  private static boolean rethrow(End e) {
    Throwable f = e.failure();
    if (f == null) {
      return false;
    }
    if (f instanceof RuntimeException r) {
      throw r;
    }
    throw (Error) f;
  }

  @Override
  public Parsed next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Parsed[] b = batch;
    if (b == null) {
      throw new NoSuchElementException();
    }
    return b[next++];
  }

  /** Stops the reader thread if it is still reading, and waits a little for it to close the trace. */
  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
    queue.clear();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
