package io.fsctx.tools.replay;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The records of a trace, parsed from its UTF-8 bytes in one pass: quoting, line ends, field
 * boundaries and UTF-8 validity are checked on every byte (runs of plain ASCII eight bytes at a
 * time, {@link #skipPlain}), and only the columns kept become
 * strings (an ASCII field without a decoder). A UTF-16 trace reaches it re-encoded ({@link
 * TraceInput.Utf8Reencoding}). Issue 14: a decoder, a quoting pass and FastCSV each walked every
 * character, three passes where one does; FastCSV, kept for UTF-16 traces until then, is gone
 * (it misread a quoted field ending in a CR followed by an LF after the quote).
 *
 * <p>Rules: fields separated by commas, records by CR, LF or CRLF; a field that starts with a
 * quote runs to the next lone quote (a doubled quote is one quote; line ends inside count as
 * lines); after a closing quote only a comma, a line end or the end of the input may follow
 * ("not valid CSV", on the record's first line); a quote inside a field that does not start with
 * one is a stray quote (on its own line); a quoted field still open at the end of the input is an
 * unterminated quote (on the line it opens); empty lines are skipped; a byte-order mark at the
 * start is dropped; bytes that are not UTF-8, and NUL characters, are refused on their line.
 *
 * <p>Thread safety: confined to the {@link TraceReader} that owns it. It owns the stream.
 */
final class Utf8CsvRecords {
  private static final int BUFFER = 1 << 16;
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long QUOTES = ONES * '"';
  private static final long COMMAS = ONES * ',';
  /**
   * Bytes below this stop {@link #skipPlain}: CR (13), LF (10) and NUL are the ones that matter;
   * the other control bytes below it are plain characters, looked at one by one.
   */
  private static final byte LOW_STOP = 14;
  private static final int MAX_FIELDS = 1 << 12;
  /** The longest field kept whole, as FastCSV's buffer limit on the UTF-16 path. */
  static final int MAX_FIELD = 16 << 20;

  private final InputStream in;
  private byte[] buf = new byte[BUFFER];
  /**
   * {@link #buf} read eight bytes at a time, as little-endian words. A heap buffer's {@code
   * getLong} is the same unaligned load as a byte-array view {@code VarHandle}, without the method
   * handle forms the JVM spins on a view handle's first uses: about 140 classes, and the JIT's
   * compilation of the bytecode library that spins them, at the start of every replay (issue 14).
   */
  private ByteBuffer words = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
  /** The next byte to look at. */
  private int pos;
  /** The end of the bytes read into {@link #buf}. */
  private int limit;
  private boolean eof;
  /** Line ends seen before {@link #pos}; the byte at {@code pos} is on line {@code lines + 1}. */
  private long lines;
  /** The byte before {@link #pos} was a CR, so an LF at {@code pos} ends no further line. */
  private boolean afterCr;
  private boolean started;
  private boolean delivered;
  private boolean @Nullable [] keep;
  /**
   * Where each kept column goes in a record's values (-1: not kept): the values hold the kept
   * columns only, so a record of thirty columns of which four are kept makes an array of four.
   */
  private int @Nullable [] slots;
  private int keptCount;
  /** The start of the field being parsed, which a refill must keep in the buffer. */
  private int mark = -1;
  /** The field being parsed outgrew {@link #MAX_FIELD}: its bytes are no longer kept. */
  private boolean fieldTooLong;
  /**
   * Where {@link #read} copies the kept fields' bytes instead of making strings ({@link
   * #nextRaw}); null when it makes strings.
   */
  private @Nullable RawFields raw;
  /** The columns whose strings are shared between records ({@link #share}), or null. */
  private boolean @Nullable [] shared;
  private final SharedStrings sharedStrings = new SharedStrings();
  /** The field being parsed is of a shared column. */
  private boolean sharing;

  /** What {@link #read} returns for a record read into {@link #raw}. */
  private static final TraceReader.Fields RAW_RECORD = new TraceReader.Fields(0, 0, new String[0], null);

  Utf8CsvRecords(InputStream in) {
    this.in = in;
  }

  /** From the next record on, only these columns become strings (null: every column). */
  void keep(boolean[] columns) {
    int[] s = new int[columns.length];
    int n = 0;
    for (int c = 0; c < columns.length; c++) {
      s[c] = columns[c] ? n++ : -1;
    }
    keep = columns;
    slots = s;
    keptCount = n;
  }

  /**
   * From the next record on, the values of these columns (of those kept) that repeat bytes seen
   * recently are the same string objects ({@link SharedStrings}): for columns whose values recur,
   * not for one unique on every row such as a time stamp, which would only evict the others.
   */
  void share(boolean[] columns) {
    shared = columns.clone();
  }

  /** The columns kept (see {@link #keep}), or null when every column is. */
  boolean @Nullable [] kept() {
    return keep;
  }

  /** Where a column's value goes in a record's kept values, or -1 when it is not kept. */
  int slotOf(int column) {
    int[] s = slots;
    return s != null && column >= 0 && column < s.length ? s[column] : -1;
  }

  /** A holder for the kept fields of one record at a time, for {@link #nextRaw}. */
  RawFields newRawFields() {
    return new RawFields(keptCount);
  }

  /**
   * The next record, its kept fields copied into {@code into} as bytes rather than made into
   * strings: for a pass that looks at a few bytes of a few fields per row, such as the counting
   * pass, which then allocates nothing per row. Every check of {@link #next} is made.
   *
   * @return false at the end of the input
   * @throws TraceFormatException for malformed input, naming its line
   * @throws UncheckedIOException when the stream cannot be read
   */
  boolean nextRaw(RawFields into) {
    if (slots == null) {
      throw new IllegalStateException("nextRaw reads the kept columns: call keep first");
    }
    raw = into;
    try {
      return next() != null;
    } finally {
      raw = null;
    }
  }

  /** Whether the whole input has been read. */
  boolean atEnd() {
    return delivered;
  }

  /** The line of the next byte, 1-based. */
  long currentLine() {
    return lines + 1;
  }

  /**
   * The next record, or null at the end of the input.
   *
   * @throws TraceFormatException for malformed input, naming its line
   * @throws UncheckedIOException when the stream cannot be read
   */
  TraceReader.@Nullable Fields next() {
    try {
      return read();
    } catch (CorruptInputException c) {
      throw new TraceFormatException(c.line > 0 ? c.line : lines + 1, c.getMessage(), c);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private TraceReader.@Nullable Fields read() throws IOException {
    if (!started) {
      started = true;
      if (available(3) >= 3 && buf[pos] == (byte) 0xEF && buf[pos + 1] == (byte) 0xBB && buf[pos + 2] == (byte) 0xBF) {
        pos += 3;
      }
    }
    // Empty lines are skipped.
    while (true) {
      if (pos == limit && !fill()) {
        delivered = true;
        return null;
      }
      byte b = buf[pos];
      if (b != '\n' && b != '\r') {
        break;
      }
      lineEnd(b);
    }
    long recordLine = lines + 1;
    boolean[] k = keep;
    int[] slot = slots;
    RawFields r = raw;
    boolean[] sh = shared;
    @Nullable String[] values = r != null ? RAW_RECORD.values() : new String[k == null ? 32 : keptCount];
    int field = 0;
    while (true) {
      boolean wanted = k == null || (field < k.length && k[field]);
      sharing = sh != null && field < sh.length && sh[field];
      @Nullable String value = parseField(recordLine, wanted, wanted && slot != null ? slot[field] : -1);
      if (k == null) {
        if (field >= values.length) {
          if (field >= MAX_FIELDS) {
            throw new TraceFormatException(recordLine, "not valid CSV: more than " + MAX_FIELDS + " fields in one record");
          }
          values = Arrays.copyOf(values, values.length * 2);
        }
        values[field] = value;
      } else if (value != null && slot != null) {
        values[slot[field]] = value; // a value is made only for a kept column
      }
      field++;
      if (pos == limit && !fill()) {
        break; // the last record of an input without a final line end
      }
      byte b = buf[pos];
      if (b == ',') {
        pos++;
        afterCr = false;
        continue;
      }
      // A line end: the record ends (the line is counted when the next record skips it).
      break;
    }
    if (r != null) {
      r.line = recordLine;
      r.count = field;
      return RAW_RECORD;
    }
    @Nullable String[] kept = k == null ? Arrays.copyOf(values, field) : values;
    return new TraceReader.Fields(recordLine, field, kept, k == null ? null : slot);
  }

  /**
   * Parses one field, leaving {@link #pos} on the comma or line end after it (or at the end of
   * the input); returns its text when {@code wanted}, else null. In raw mode a wanted field's
   * bytes go to {@code rawSlot} of {@link #raw} instead, and null is returned.
   */
  private @Nullable String parseField(long recordLine, boolean wanted, int rawSlot) throws IOException {
    if (pos == limit && !fill()) {
      return wanted ? keepText(pos, pos, true, false, rawSlot) : null;
    }
    if (buf[pos] != '"') {
      return unquoted(recordLine, wanted, rawSlot);
    }
    long quoteLine = lines + 1;
    afterCr = false;
    pos++;
    mark = pos;
    boolean doubled = false;
    boolean ascii = true;
    try {
      while (true) {
        skipPlain(false);
        if (pos == limit && !fill()) {
          throw new TraceFormatException(
              quoteLine,
              "unterminated quote: the quoted field that opens on this line runs to the end of the input");
        }
        byte b = buf[pos];
        if (b == '"') {
          if (pos + 1 == limit) {
            fill();
          }
          if (pos + 1 < limit && buf[pos + 1] == '"') {
            doubled = true;
            afterCr = false;
            pos += 2;
            continue;
          }
          break;
        }
        if (b == '\n' || b == '\r') {
          lineEnd(b);
        } else {
          afterCr = false;
          ascii &= skipCharacter(b);
        }
      }
      int end = pos;
      pos++; // the closing quote
      afterCr = false; // a CR before it and an LF after it are two line ends, not one CRLF
      refuseTooLong(recordLine);
      String value = wanted ? keepText(mark, end, ascii, doubled, rawSlot) : null;
      mark = -1;
      if (pos == limit && !fill()) {
        return value;
      }
      byte after = buf[pos];
      if (after != ',' && after != '\n' && after != '\r') {
        throw new TraceFormatException(
            recordLine,
            "not valid CSV: unexpected character '" + printable(after) + "' after the closing quote of a"
                + " field (a quote inside a quoted field must be doubled)");
      }
      return value;
    } finally {
      mark = -1;
    }
  }

  private void refuseTooLong(long recordLine) {
    if (fieldTooLong) {
      fieldTooLong = false;
      throw new TraceFormatException(
          recordLine, "not valid CSV: a field of the record is longer than " + (MAX_FIELD >> 20) + " MiB");
    }
  }

  private @Nullable String unquoted(long recordLine, boolean wanted, int rawSlot) throws IOException {
    mark = pos;
    boolean ascii = true;
    try {
      while (true) {
        skipPlain(true);
        if (pos == limit && !fill()) {
          break;
        }
        byte b = buf[pos];
        if (b == ',' || b == '\n' || b == '\r') {
          break;
        }
        afterCr = false;
        if (b == '"') {
          throw new TraceFormatException(
              lines + 1,
              "stray quote: a '\"' inside a field that does not start with one (Process"
                  + " Monitor quotes every field and doubles quotes inside it)");
        }
        ascii &= skipCharacter(b);
      }
      refuseTooLong(recordLine);
      return wanted ? keepText(mark, pos, ascii, false, rawSlot) : null;
    } finally {
      mark = -1;
    }
  }

  /**
   * Steps over the character starting with {@code b} (not a line end or a quote): one byte, or a
   * whole UTF-8 sequence, checked. Returns whether it was ASCII.
   */
  private boolean skipCharacter(byte b) throws IOException {
    if (b < 0) {
      int length = utf8Sequence(); // may move the buffer: pos is read after the call
      pos += length;
      return false;
    }
    if (b == 0) {
      throw nul();
    }
    pos++;
    return true;
  }

  /** Steps over a CR or LF at {@link #pos}, counting a line (CR LF counts once). */
  private void lineEnd(byte b) {
    if (b == '\r' || !afterCr) {
      lines++;
    }
    afterCr = b == '\r';
    pos++;
  }

  /**
   * Skips the bytes that mean nothing to the parser, eight at a time: in a quoted field
   * everything but a quote, a line end, a NUL and the bytes of a non-ASCII character; in an
   * unquoted one a comma too. Each word of eight bytes is tested at once ({@link #stops}), which
   * also says where in the word the first stop is. Round 8 of issue 14: a byte loop that stopped
   * at every space was two thirds of the counting pass.
   *
   * @param comma whether a comma stops it too (an unquoted field)
   */
  private void skipPlain(boolean comma) {
    int p = pos;
    byte[] a = buf;
    ByteBuffer w = words;
    int end = limit;
    while (true) {
      if (p > end - 8) {
        byte b; // the last bytes of the buffer, fewer than a word
        while (p < end && (b = a[p]) >= LOW_STOP && b != '"' && !(comma && b == ',')) {
          p++;
        }
        break;
      }
      long found = stops(w.getLong(p), comma);
      if (found != 0) {
        p += Long.numberOfTrailingZeros(found) >>> 3;
        break;
      }
      p += 8;
    }
    if (p != pos) {
      afterCr = false;
      pos = p;
    }
  }

  /**
   * The bytes of the little-endian word {@code w} that stop {@link #skipPlain}, as their high
   * bits: a byte below {@link #LOW_STOP} (line ends and NUL among them), a non-ASCII byte, a
   * quote, or (when {@code comma}) a comma. These are the classic word tests
   * ("has a zero byte", "has a byte less than n"): a borrow can raise a false flag only above a
   * true one, so the lowest flag, the first stop in memory order, is always exact, and no flag
   * is raised when no byte stops. A tab or another control byte below {@link #LOW_STOP} also
   * stops the skip; the caller steps over it as a plain character.
   */
  private static long stops(long w, boolean comma) {
    long low = (w - ONES * LOW_STOP) & ~w;
    long q = w ^ QUOTES;
    long found = low | ((q - ONES) & ~q) | w;
    if (comma) {
      long c = w ^ COMMAS;
      found |= (c - ONES) & ~c;
    }
    return found & HIGHS;
  }

  private CorruptInputException nul() {
    return new CorruptInputException(lines + 1, "NUL character: this is not a text file");
  }

  /** The length of the valid UTF-8 sequence at {@link #pos} (a non-ASCII lead byte). */
  private int utf8Sequence() throws IOException {
    int lead = buf[pos] & 0xFF;
    int n;
    int lo = 0x80;
    int hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      n = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      n = 3;
      if (lead == 0xE0) {
        lo = 0xA0; // no overlong forms
      } else if (lead == 0xED) {
        hi = 0x9F; // no surrogates
      }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      n = 4;
      if (lead == 0xF0) {
        lo = 0x90;
      } else if (lead == 0xF4) {
        hi = 0x8F; // nothing above U+10FFFF
      }
    } else {
      throw malformed(1);
    }
    int have = available(n);
    for (int i = 1; i < n; i++) {
      if (i >= have) {
        throw malformed(i);
      }
      int c = buf[pos + i] & 0xFF;
      int min = i == 1 ? lo : 0x80;
      int max = i == 1 ? hi : 0xBF;
      if (c < min || c > max) {
        throw malformed(i);
      }
    }
    return n;
  }

  private CorruptInputException malformed(int length) {
    return new CorruptInputException(
        lines + 1, TraceInput.describeMalformed("UTF-8", buf, pos, length, limit));
  }

  private static String printable(byte b) {
    int v = b & 0xFF;
    return v >= 0x20 && v < 0x7F ? String.valueOf((char) v) : String.format(java.util.Locale.ROOT, "\\x%02X", v);
  }

  private static String text(byte[] buf, int from, int to, boolean ascii) {
    return new String(buf, from, to - from, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
  }

  /** A wanted field's value: its text, or, in raw mode, null once its bytes are in {@link #raw}. */
  private @Nullable String keepText(int from, int to, boolean ascii, boolean doubled, int rawSlot) {
    RawFields r = raw;
    if (r != null) {
      r.set(rawSlot, buf, from, to, ascii, doubled);
      return null;
    }
    return text(from, to, ascii, doubled);
  }

  private String text(int from, int to, boolean ascii, boolean doubled) {
    if (!doubled) {
      return sharing ? sharedStrings.of(buf, from, to, ascii) : text(buf, from, to, ascii);
    }
    byte[] out = new byte[to - from];
    return text(out, 0, copyUnquoting(buf, from, to, out), ascii);
  }

  /** Copies {@code src[from, to)} to the start of {@code dst}, a doubled quote as one; returns the bytes written. */
  private static int copyUnquoting(byte[] src, int from, int to, byte[] dst) {
    int n = 0;
    for (int i = from; i < to; i++) {
      dst[n++] = src[i];
      if (src[i] == '"') {
        i++; // a doubled quote is one quote
      }
    }
    return n;
  }

  /** Makes at least {@code n} bytes available from {@link #pos} if the input has them; returns how many are. */
  private int available(int n) throws IOException {
    while (limit - pos < n && fill()) {
      // fill() moves the buffer's contents; pos and limit stay consistent
    }
    return limit - pos;
  }

  /**
   * Reads more input after {@link #limit}, first moving the bytes still needed (from the start
   * of the field being parsed, or from {@link #pos}) to the front, and growing the buffer when a
   * field fills it; false at the end of the input.
   */
  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    int keepFrom = mark >= 0 ? mark : pos;
    if (keepFrom > 0) {
      System.arraycopy(buf, keepFrom, buf, 0, limit - keepFrom);
      limit -= keepFrom;
      pos -= keepFrom;
      if (mark >= 0) {
        mark = 0;
      }
    }
    if (limit == buf.length) {
      if (mark >= 0 && buf.length >= MAX_FIELD) {
        // A field this long is refused once it ends (an unterminated quote, found at the end of
        // the input, is reported as such first); meanwhile its bytes are dropped, not kept.
        fieldTooLong = true;
        int keep = limit - pos;
        System.arraycopy(buf, pos, buf, 0, keep);
        limit = keep;
        pos = 0;
        mark = 0;
      } else {
        buf = Arrays.copyOf(buf, buf.length * 2);
        words = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
      }
    }
    int r = in.read(buf, limit, buf.length - limit);
    if (r < 0) {
      eof = true;
      return false;
    }
    limit += r;
    return true;
  }

  void close() throws IOException {
    in.close();
  }

  /**
   * The kept fields of the record {@link #nextRaw} read last, as UTF-8 bytes (a doubled quote
   * already one quote), in arrays reused from record to record: valid until the next record.
   *
   * <p>Thread safety: confined to the reader's thread.
   */
  static final class RawFields {
    long line;
    int count;
    private final byte[][] bytes;
    private final int[] lengths;
    private final boolean[] ascii;

    RawFields(int slots) {
      bytes = new byte[slots][];
      for (int i = 0; i < slots; i++) {
        bytes[i] = new byte[32];
      }
      lengths = new int[slots];
      ascii = new boolean[slots];
    }

    void set(int slot, byte[] src, int from, int to, boolean isAscii, boolean doubled) {
      byte[] dst = bytes[slot];
      if (dst.length < to - from) {
        dst = new byte[Math.max(to - from, dst.length * 2)];
        bytes[slot] = dst;
      }
      int n;
      if (doubled) {
        n = copyUnquoting(src, from, to, dst);
      } else {
        n = to - from;
        System.arraycopy(src, from, dst, 0, n);
      }
      lengths[slot] = n;
      ascii[slot] = isAscii;
    }

    /** The field's length in bytes. */
    int length(int slot) {
      return lengths[slot];
    }

    /** Whether every byte of the field is ASCII (then a byte is a character). */
    boolean ascii(int slot) {
      return ascii[slot];
    }

    byte byteAt(int slot, int i) {
      return bytes[slot][i];
    }

    /** The field as a string. */
    String text(int slot) {
      return Utf8CsvRecords.text(bytes[slot], 0, lengths[slot], ascii[slot]);
    }

    /** {@link String#isBlank} of the field, without making the string when it is ASCII. */
    boolean isBlank(int slot) {
      return ascii[slot] ? stripStart(slot) == lengths[slot] : text(slot).isBlank();
    }

    /**
     * Where an ASCII field's text starts once {@link String#strip} has dropped its leading
     * whitespace (the field's length when it is all whitespace).
     */
    int stripStart(int slot) {
      byte[] b = bytes[slot];
      int from = 0;
      int to = lengths[slot];
      while (from < to && Character.isWhitespace((char) b[from])) {
        from++;
      }
      return from;
    }

    /** Where an ASCII field's text ends once its trailing whitespace is dropped (at least {@code from}). */
    int stripEnd(int slot, int from) {
      byte[] b = bytes[slot];
      int to = lengths[slot];
      while (to > from && Character.isWhitespace((char) b[to - 1])) {
        to--;
      }
      return to;
    }

    /** {@code text(slot).strip().equals(ascii)}, without making the string when the field is ASCII. */
    boolean strippedEquals(int slot, String asciiValue) {
      if (!ascii[slot]) {
        return text(slot).strip().equals(asciiValue);
      }
      byte[] b = bytes[slot];
      int from = stripStart(slot);
      int to = stripEnd(slot, from);
      if (to - from != asciiValue.length()) {
        return false;
      }
      for (int i = from; i < to; i++) {
        if (b[i] != asciiValue.charAt(i - from)) {
          return false;
        }
      }
      return true;
    }
  }
}
