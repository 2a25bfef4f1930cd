package io.fsctx.tools.replay;

import com.google.common.collect.ImmutableList;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * Streams the records of a Process Monitor CSV export, one {@link TraceRow} at a time, in
 * constant memory whatever the length of the trace.
 *
 * <p>What it accepts: UTF-8 with or without a byte-order mark, or UTF-16 (see {@link
 * TraceInput}); CRLF, LF or CR line ends; fields
 * quoted with embedded quotes doubled and embedded line breaks; the whole thing optionally
 * compressed as a gzip stream ({@code 1f 8b}) or a raw zlib stream ({@code 78} with a valid header
 * checksum). Columns are found by their header name: {@code Process Name}, {@code PID}, {@code
 * Operation}, {@code Path}, {@code Result} and {@code Detail} are required; {@code Time of Day} and
 * {@code Event Class} are optional. Other columns are ignored, so the 7-column default export and
 * the 27-column "all columns" export both work. Blank lines are skipped.
 *
 * <p>What it refuses, with a {@link TraceFormatException} naming the line where the problem
 * starts: input that is not text in those encodings (an ANSI export is named as such) or contains
 * NUL characters, a missing required column or one the reader uses named twice, a record whose
 * number of fields differs from the header's, a stray quote inside an unquoted field, a quoted
 * field left open at the end of the input (on the line it opens), a PID that is not a decimal
 * number, and corrupt or truncated compressed data (said in words). Nothing else in a row (times, numbers in {@code
 * Detail}) is interpreted, so the reader does not depend on the capture's locale.
 *
 * <p>A row is handed out once its own record has been read, not before the next one: a row of a
 * capture fed live reaches the replay as soon as its line has arrived. A quoted field left open
 * at the end of the input is refused when the input ends, so the record that swallowed the rest
 * of the file is never handed out.
 *
 * <p>Every trace is parsed from bytes in one pass by {@link Utf8CsvRecords}: a UTF-8 trace (nearly
 * every one) as it is, a UTF-16 trace strictly decoded and re-encoded as UTF-8 on the way ({@link
 * TraceInput.Utf8Reencoding}), so both encodings give the same rows and the same refusals.
 *
 * <p>Only the columns the replay reads become strings; the others are parsed (so a malformed
 * record is refused wherever its fault is) and dropped. A reader opened with {@link
 * Columns#COUNTING} keeps fewer still: what decides whether a row counts and its drive letter.
 *
 * <p>Thread safety: confined to one thread. Ownership: the reader owns the stream it was opened
 * on and closes it in {@link #close()}; it can be iterated once.
 */
public final class TraceReader implements Closeable, Iterable<TraceRow> {
  /** Which columns become strings in the rows handed out. */
  public enum Columns {
    /** Every column of {@link TraceRow}. */
    ALL,
    /**
     * What a replay reads: every column but {@code Time of Day} and {@code Process Name}, which
     * nothing in a replay uses (they are empty strings). The replaying pass's reader made two
     * strings per row that nobody read (issue 14).
     */
    REPLAY,
    /**
     * What {@link ReplayEngine#isCounted} and the drive letter need: {@code PID} (still checked),
     * {@code Path}, {@code Result} and {@code Event Class}; the others are empty strings. For a
     * pass that only validates a trace and finds its volumes.
     */
    COUNTING
  }

  /**
   * One record as the parser built it: its line, how many fields it had, and the fields kept.
   * The header keeps every field, by column ({@code slots} null); a row keeps some, {@code
   * values[slots[column]]} for a kept column ({@code slots[column]} is -1 for the others).
   */
  record Fields(long line, int count, @Nullable String[] values, int @Nullable [] slots) {
    String get(int column) {
      int i = column;
      if (slots != null) {
        i = column >= 0 && column < slots.length ? slots[column] : -1;
      }
      String v = i >= 0 && i < values.length ? values[i] : null;
      return v == null ? "" : v;
    }
  }

  /** The column names the contract needs, in the order {@link TraceRow} takes them. */
  static final String TIME_OF_DAY = "Time of Day";

  static final String PROCESS_NAME = "Process Name";
  static final String PID = "PID";
  static final String OPERATION = "Operation";
  static final String PATH = "Path";
  static final String RESULT = "Result";
  static final String DETAIL = "Detail";
  static final String EVENT_CLASS = "Event Class";

  private static final ImmutableList<String> REQUIRED =
      ImmutableList.of(PROCESS_NAME, PID, OPERATION, PATH, RESULT, DETAIL);

  /** Every column the reader uses, required or not. */
  private static final ImmutableList<String> KNOWN =
      ImmutableList.<String>builder().addAll(REQUIRED).add(TIME_OF_DAY, EVENT_CLASS).build();

  /** The records, parsed from the bytes (a UTF-16 trace re-encoded as UTF-8). */
  private final Utf8CsvRecords bytes;
  private final ImmutableList<String> header;
  private final int fieldCount;
  private final int timeOfDay;
  private final int processName;
  private final int pid;
  private final int operation;
  private final int path;
  private final int result;
  private final int detail;
  private final int eventClass;
  private @Nullable Fields lookahead;
  /**
   * Whether {@link #lookahead} holds the next record (null there: the end). Read when asked, not
   * ahead: a row of a stream fed live is handed out as soon as its own line has arrived, and a
   * malformed record fails the iteration after every row before it has been handed out.
   */
  private boolean lookaheadRead;
  private boolean iterated;
  private boolean headerRead;
  private long lastLine = 1;

  /** Whether the bytes read are the input's own (UTF-8, no container): a position is a byte offset. */
  private final boolean plainUtf8;

  private TraceReader(InputStream raw, Columns columns) throws IOException {
    TraceInput.Text text = openText(raw);
    this.plainUtf8 = text.isUtf8() && !text.inflated();
    this.bytes =
        new Utf8CsvRecords(
            text.isUtf8() ? text.bytes() : new TraceInput.Utf8Reencoding(text.bytes(), text.charset(), text.encoding()));
    Fields head = nextRecord();
    if (head == null) {
      throw new TraceFormatException(1, "empty input: no header row");
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < head.count(); i++) {
      names.add(head.get(i).strip());
    }
    this.header = ImmutableList.copyOf(names);
    refuseDuplicates(head.line(), header);
    this.headerRead = true;
    this.fieldCount = header.size();
    List<String> missing = new ArrayList<>();
    for (String r : REQUIRED) {
      if (!header.contains(r)) {
        missing.add(r);
      }
    }
    if (!missing.isEmpty()) {
      throw new TraceFormatException(
          head.line(),
          "not a Process Monitor CSV export: the header lacks the required column(s) "
              + String.join(", ", missing));
    }
    this.timeOfDay = header.indexOf(TIME_OF_DAY);
    this.processName = header.indexOf(PROCESS_NAME);
    this.pid = header.indexOf(PID);
    this.operation = header.indexOf(OPERATION);
    this.path = header.indexOf(PATH);
    this.result = header.indexOf(RESULT);
    this.detail = header.indexOf(DETAIL);
    this.eventClass = header.indexOf(EVENT_CLASS);
    boolean[] keep = new boolean[fieldCount];
    int[] kept =
        switch (columns) {
          case ALL -> new int[] {timeOfDay, processName, pid, operation, path, result, detail, eventClass};
          case REPLAY -> new int[] {pid, operation, path, result, detail, eventClass};
          case COUNTING -> new int[] {pid, path, result, eventClass};
        };
    for (int c : kept) {
      if (c >= 0) {
        keep[c] = true;
      }
    }
    bytes.keep(keep);
    // Every kept column but the time of day repeats its values from row to row.
    boolean[] shared = keep.clone();
    if (timeOfDay >= 0) {
      shared[timeOfDay] = false;
    }
    bytes.share(shared);
  }

  /**
   * A reader of a later part of the same trace, which starts at a record's first byte and has no
   * header: the columns are this reader's. For a trace read in parts ({@link CountingPass}).
   */
  private TraceReader(TraceReader headed, InputStream part) {
    this.plainUtf8 = true;
    this.bytes = new Utf8CsvRecords(part);
    this.header = headed.header;
    this.fieldCount = headed.fieldCount;
    this.timeOfDay = headed.timeOfDay;
    this.processName = headed.processName;
    this.pid = headed.pid;
    this.operation = headed.operation;
    this.path = headed.path;
    this.result = headed.result;
    this.detail = headed.detail;
    this.eventClass = headed.eventClass;
    this.headerRead = true;
    bytes.keep(java.util.Objects.requireNonNull(headed.bytes.kept(), "kept columns"));
  }

  /**
   * A reader of the same trace's bytes from a record's first byte on (no header), with this
   * reader's columns; it owns {@code part}. Its line numbers count from that record's line as 1.
   * Only for a {@linkplain #isPlainUtf8() plain UTF-8} trace, whose bytes are the file's.
   */
  TraceReader continuation(InputStream part) {
    if (!plainUtf8) {
      throw new IllegalStateException("only a plain UTF-8 trace can be read in parts");
    }
    return new TraceReader(this, part);
  }

  /** Whether the trace is UTF-8 in no container, so that its text's bytes are the input's bytes. */
  boolean isPlainUtf8() {
    return plainUtf8;
  }

  /** The line ends read so far (all of them once the rows have been read to the end). */
  long linesRead() {
    return bytes.currentLine() - 1;
  }

  private static TraceInput.Text openText(InputStream raw) throws IOException {
    try {
      return TraceInput.sniff(raw);
    } catch (CorruptInputException c) {
      throw new TraceFormatException(Math.max(1, c.line), c.getMessage(), c);
    }
  }

  /**
   * Columns are found by name, so a column the reader uses may appear only once: refuses the
   * first one named twice, with both positions (1-based).
   */
  private static void refuseDuplicates(long line, List<String> names) {
    for (String known : KNOWN) {
      int first = names.indexOf(known);
      int last = names.lastIndexOf(known);
      if (first != last) {
        throw new TraceFormatException(
            line,
            "the header names the column '" + known + "' twice (columns " + (first + 1) + " and "
                + (last + 1) + "); each column the replay reads must appear once");
      }
    }
  }

  /**
   * Opens a trace file. The file is read lazily; the header is read and checked now.
   *
   * @param file the CSV export, possibly gzip- or zlib-compressed
   * @return a reader that owns the open file
   * @throws IOException when the file cannot be read
   * @throws TraceFormatException when the header is unusable
   */
  public static TraceReader open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    try {
      return new TraceReader(in, Columns.ALL);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /**
   * Reads a trace from a stream, which the reader takes over and closes.
   *
   * @param in the bytes of the CSV export, possibly gzip- or zlib-compressed
   * @return a reader that owns {@code in}
   * @throws IOException when the stream cannot be read
   * @throws TraceFormatException when the header is unusable
   */
  public static TraceReader open(InputStream in) throws IOException {
    return open(in, Columns.ALL);
  }

  /**
   * Reads a trace from a stream, which the reader takes over and closes, keeping some columns.
   *
   * @param in the bytes of the CSV export, possibly gzip- or zlib-compressed
   * @param columns which columns the rows carry (the whole trace is checked either way)
   * @return a reader that owns {@code in}
   * @throws IOException when the stream cannot be read
   * @throws TraceFormatException when the header is unusable
   */
  public static TraceReader open(InputStream in, Columns columns) throws IOException {
    try {
      return new TraceReader(in, columns);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** The header's column names, trimmed, in file order. */
  public List<String> header() {
    return header;
  }

  /** Whether the export has an {@code Event Class} column (then only File System rows count). */
  public boolean hasEventClass() {
    return eventClass >= 0;
  }

  /**
   * The rows after the header, in file order. Iteration throws {@link TraceFormatException} for
   * bad input and {@link UncheckedIOException} for I/O errors.
   *
   * @throws IllegalStateException when called a second time
   */
  @Override
  public Iterator<TraceRow> iterator() {
    if (iterated) {
      throw new IllegalStateException("a TraceReader can be iterated only once");
    }
    iterated = true;
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        if (!lookaheadRead) {
          lookahead = nextRecord();
          lookaheadRead = true;
        }
        return lookahead != null;
      }

      @Override
      public TraceRow next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Fields r = java.util.Objects.requireNonNull(lookahead);
        lookahead = null;
        lookaheadRead = false;
        return toRow(r);
      }
    };
  }

  /**
   * A row that counts, as {@link #forEachCounted} hands it over: valid only during the call that
   * received it.
   */
  public interface CountedRow {
    /** The 1-based line on which the record starts. */
    long line();

    /** The first UTF-16 unit of the {@code Path} column, or 0 when the path is empty. */
    char firstPathChar();

    /** The {@code Path} column as written (a new string each call). */
    String path();
  }

  /**
   * The counting pass: reads the rows as {@link #iterator()} would, with the same checks and the
   * same errors on the same lines, and hands each row that counts ({@link ReplayEngine#isCounted})
   * to {@code action}, without making a string or a {@link TraceRow} per row: an ASCII field is
   * judged on its bytes, and the path becomes a string only when the action asks for it (issue 14:
   * the rows' objects were a third of a cold counting pass's time).
   *
   * @param action called for each counted row, in file order
   * @return the number of counted rows
   * @throws TraceFormatException for bad input, naming its line
   * @throws UncheckedIOException for I/O errors
   * @throws IllegalStateException when the rows were already iterated
   */
  public long forEachCounted(Consumer<CountedRow> action) {
    if (iterated) {
      throw new IllegalStateException("a TraceReader can be iterated only once");
    }
    iterated = true;
    Utf8CsvRecords.RawFields r = bytes.newRawFields();
    int pidSlot = bytes.slotOf(pid);
    int pathSlot = bytes.slotOf(path);
    int resultSlot = bytes.slotOf(result);
    int eventClassSlot = bytes.slotOf(eventClass);
    CountedRow row =
        new CountedRow() {
          @Override
          public long line() {
            return r.line;
          }

          @Override
          public char firstPathChar() {
            if (r.length(pathSlot) == 0) {
              return 0;
            }
            byte b = r.byteAt(pathSlot, 0);
            return b >= 0 ? (char) b : r.text(pathSlot).charAt(0);
          }

          @Override
          public String path() {
            return r.text(pathSlot);
          }
        };
    long counted = 0;
    while (bytes.nextRaw(r)) {
      lastLine = r.line;
      checkFieldCount(r.line, r.count);
      checkPid(r, pidSlot);
      if (eventClassSlot >= 0 && !r.strippedEquals(eventClassSlot, ReplayEngine.FILE_SYSTEM)) {
        continue;
      }
      if (r.isBlank(resultSlot)) {
        continue;
      }
      counted++;
      action.accept(row);
    }
    return counted;
  }

  /** {@link #parsePid}'s check on a raw field: an ASCII one on its bytes, the same errors. */
  private static void checkPid(Utf8CsvRecords.RawFields r, int slot) {
    if (!r.ascii(slot)) {
      var unused = parsePid(r.line, r.text(slot));
      return;
    }
    int from = r.stripStart(slot);
    int to = r.stripEnd(slot, from);
    boolean digits = from < to && to - from <= 10;
    for (int i = from; digits && i < to; i++) {
      byte c = r.byteAt(slot, i);
      digits = c >= '0' && c <= '9';
    }
    if (!digits) {
      var unused = parsePid(r.line, r.text(slot)); // throws, with the iteration's message
    }
  }

  /** The rows as a sequential stream; see {@link #iterator()}. Closing the stream closes this. */
  public Stream<TraceRow> stream() {
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(
                iterator(), Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(
            () -> {
              try {
                close();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }

  private TraceRow toRow(Fields r) {
    long line = r.line();
    long pidValue = parsePid(line, r.get(pid));
    return new TraceRow(
        line,
        r.get(timeOfDay),
        r.get(processName),
        pidValue,
        r.get(operation),
        r.get(path),
        r.get(result),
        r.get(detail),
        r.get(eventClass));
  }

  private static long parsePid(long line, String field) {
    // The PID as written, blanks around it allowed; strip() only when there are any.
    int from = 0;
    int to = field.length();
    while (from < to && Character.isWhitespace(field.charAt(from))) {
      from++;
    }
    while (to > from && Character.isWhitespace(field.charAt(to - 1))) {
      to--;
    }
    if (from == to || to - from > 10) {
      throw new TraceFormatException(line, "PID '" + abbreviate(field.strip()) + "' is not a number");
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      char c = field.charAt(i);
      if (c < '0' || c > '9') {
        throw new TraceFormatException(line, "PID '" + abbreviate(field.strip()) + "' is not a number");
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  /** The next CSV record; the parser reports every malformed record and decoding failure itself. */
  private @Nullable Fields nextRecord() {
    Fields r = bytes.next();
    if (r == null) {
      return null;
    }
    lastLine = r.line();
    if (headerRead) {
      checkFieldCount(lastLine, r.count());
    }
    return r;
  }


  /** Every record has as many fields as the header. */
  private void checkFieldCount(long line, int count) {
    if (count != fieldCount) {
      throw new TraceFormatException(line, "the record has " + count + " fields; the header has " + fieldCount);
    }
  }

  /** Closes the underlying stream. Idempotent. */
  @Override
  public void close() throws IOException {
    bytes.close();
  }
}
