package io.fsctx.tools.replay;

import com.google.common.collect.ImmutableList;
import de.siegmar.fastcsv.reader.CommentStrategy;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
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
 * <p>A row is handed out only after the next one has been read, so an unterminated quote at the
 * end of the input is reported before the row that swallowed the rest of the file is used.
 *
 * <p>Thread safety: confined to one thread. Ownership: the reader owns the stream it was opened
 * on and closes it in {@link #close()}; it can be iterated once.
 */
public final class TraceReader implements Closeable, Iterable<TraceRow> {
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

  private final TraceInput.StrictTextReader chars;
  private final CsvReader<CsvRecord> csv;
  private final Iterator<CsvRecord> records;
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
  private @Nullable CsvRecord lookahead;
  private boolean iterated;
  private boolean headerRead;
  private long lastLine = 1;

  private TraceReader(InputStream raw) throws IOException {
    this.chars = openText(raw);
    this.csv =
        CsvReader.builder()
            .fieldSeparator(',')
            .quoteCharacter('"')
            .commentStrategy(CommentStrategy.NONE)
            .skipEmptyLines(true)
            // The field count is checked here, against the header, on the record's own line:
            // FastCSV's check names the record's number, which is not its line.
            .allowExtraFields(true)
            .allowMissingFields(true)
            .allowExtraCharsAfterClosingQuote(false)
            .detectBomHeader(false)
            .ofCsvRecord(chars);
    this.records = csv.iterator();
    CsvRecord head = nextRecord();
    if (head == null) {
      throw new TraceFormatException(1, "empty input: no header row");
    }
    List<String> names = new ArrayList<>();
    for (String f : head.getFields()) {
      names.add(f.strip());
    }
    this.header = ImmutableList.copyOf(names);
    refuseDuplicates(head.getStartingLineNumber(), header);
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
          head.getStartingLineNumber(),
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
    this.lookahead = nextRecord();
  }

  private static TraceInput.StrictTextReader openText(InputStream raw) throws IOException {
    try {
      return TraceInput.open(raw);
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
      return new TraceReader(in);
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
    try {
      return new TraceReader(in);
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
        return lookahead != null;
      }

      @Override
      public TraceRow next() {
        CsvRecord r = lookahead;
        if (r == null) {
          throw new NoSuchElementException();
        }
        lookahead = nextRecord();
        return toRow(r);
      }
    };
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

  private TraceRow toRow(CsvRecord r) {
    long line = r.getStartingLineNumber();
    String pidText = r.getField(pid).strip();
    long pidValue = parsePid(line, pidText);
    return new TraceRow(
        line,
        timeOfDay >= 0 ? r.getField(timeOfDay) : "",
        r.getField(processName),
        pidValue,
        r.getField(operation),
        r.getField(path),
        r.getField(result),
        r.getField(detail),
        eventClass >= 0 ? r.getField(eventClass) : "");
  }

  private static long parsePid(long line, String text) {
    if (text.isEmpty() || text.length() > 10) {
      throw new TraceFormatException(line, "PID '" + abbreviate(text) + "' is not a number");
    }
    long v = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw new TraceFormatException(line, "PID '" + abbreviate(text) + "' is not a number");
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  /** The next CSV record, translating every parse or decode failure to a format error. */
  private @Nullable CsvRecord nextRecord() {
    try {
      if (!records.hasNext()) {
        refuseOpenQuote();
        return null;
      }
      CsvRecord r = records.next();
      lastLine = r.getStartingLineNumber();
      if (headerRead && r.getFieldCount() != fieldCount) {
        refuseOpenQuote();
        throw new TraceFormatException(
            lastLine,
            "the record has " + r.getFieldCount() + " fields; the header has " + fieldCount);
      }
      return r;
    } catch (CsvParseException e) {
      throw fromParse(e);
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof CorruptInputException c) {
        throw fromCorrupt(c);
      }
      throw e;
    }
  }

  /** At the end of the input, a quoted field still open is reported on the line it opened. */
  private void refuseOpenQuote() {
    long opened = chars.openQuoteLine();
    if (chars.atEnd() && opened > 0) {
      throw new TraceFormatException(
          opened,
          "unterminated quote: the quoted field that opens on this line runs to the end of the"
              + " input");
    }
  }

  private TraceFormatException fromParse(CsvParseException e) {
    Throwable cause = e.getCause();
    if (cause instanceof UncheckedIOException u && u.getCause() instanceof CorruptInputException c) {
      return fromCorrupt(c);
    }
    if (cause instanceof CorruptInputException c) {
      return fromCorrupt(c);
    }
    long line = lineOf(e.getMessage(), chars.currentLine());
    String why = cause != null && cause.getMessage() != null ? cause.getMessage() : e.getMessage();
    return new TraceFormatException(line, "not valid CSV: " + why, e);
  }

  private TraceFormatException fromCorrupt(CorruptInputException c) {
    long line = c.line > 0 ? c.line : chars.currentLine();
    return new TraceFormatException(line, c.getMessage(), c);
  }

  /** FastCSV says "...record that started in line N"; fall back when it does not. */
  private static long lineOf(@Nullable String message, long fallback) {
    if (message != null) {
      int i = message.lastIndexOf("line ");
      if (i >= 0) {
        int j = i + 5;
        long v = 0;
        boolean any = false;
        while (j < message.length() && Character.isDigit(message.charAt(j)) && j < i + 20) {
          v = v * 10 + (message.charAt(j) - '0');
          any = true;
          j++;
        }
        if (any) {
          return v;
        }
      }
    }
    return fallback;
  }

  /** Closes the underlying stream. Idempotent. */
  @Override
  public void close() throws IOException {
    csv.close();
  }
}
