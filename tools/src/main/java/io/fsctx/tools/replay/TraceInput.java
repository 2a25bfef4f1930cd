package io.fsctx.tools.replay;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;
import org.jspecify.annotations.Nullable;

/**
 * Turns the bytes of a trace into the characters FastCSV parses, in one pass over a stream that
 * may not be rewound (standard input, a pipe): it sniffs a gzip ({@code 1f 8b}) or raw zlib
 * ({@code 78 xx} with a valid header checksum) container and inflates it, then sniffs the text
 * encoding of the (inflated) bytes and decodes strictly.
 *
 * <p>Encodings: UTF-8, with or without a byte-order mark (the contract's); UTF-16 with a
 * byte-order mark ({@code FF FE} or {@code FE FF}), which Windows tools write when asked for
 * "Unicode"; and UTF-16 without one when the first two bytes are an ASCII character and a NUL in
 * either order (a CSV export starts with {@code "}, and a NUL is never text). UTF-32 is refused by
 * name. Bytes that are not UTF-8 in otherwise printable text are named as what they most likely
 * are: an ANSI (Windows code page) export.
 *
 * <p>Thread safety: confined; the reader it builds belongs to one {@link TraceReader}.
 */
final class TraceInput {
  private static final int BUFFER = 1 << 16;

  private TraceInput() {}

  /**
   * The text of a trace: its (inflated) bytes, positioned after a UTF-16 byte-order mark (a UTF-8
   * one is left for the reader to drop), and their encoding.
   *
   * @param bytes the bytes, owned by whoever reads them
   * @param charset {@code UTF_8}, {@code UTF_16LE} or {@code UTF_16BE}
   * @param encoding the encoding's name for messages ({@code UTF-8}, {@code UTF-16})
   */
  record Text(InputStream bytes, Charset charset, String encoding) {
    boolean isUtf8() {
      return charset.equals(StandardCharsets.UTF_8);
    }
  }

  /**
   * Wraps {@code raw} (which the returned reader owns and closes).
   *
   * @throws CorruptInputException when the container's header or the encoding is unusable
   * @throws IOException when {@code raw} cannot be read
   */
  static StrictTextReader open(InputStream raw) throws IOException {
    Text t = sniff(raw);
    return new StrictTextReader(t.bytes(), t.charset(), t.encoding());
  }

  /**
   * Finds the container and the encoding of {@code raw} (which the returned text owns): a gzip or
   * zlib stream is inflated; UTF-32 is refused; a UTF-16 byte-order mark is consumed.
   *
   * @throws CorruptInputException when the container's header or the encoding is unusable
   * @throws IOException when {@code raw} cannot be read
   */
  static Text sniff(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, BUFFER);
    int[] magic = peek(in, 2);
    InputStream bytes = in;
    if (magic[0] == 0x1f && magic[1] == 0x8b) {
      bytes = new CorruptionMarking(gzip(in), "gzip");
    } else if (isZlibHeader(magic[0], magic[1])) {
      bytes = new CorruptionMarking(new InflaterInputStream(in), "zlib");
    }
    BufferedInputStream text = bytes == in ? in : new BufferedInputStream(bytes, BUFFER);
    int[] h = peek(text, 4);
    if ((h[0] == 0xFF && h[1] == 0xFE && h[2] == 0 && h[3] == 0)
        || (h[0] == 0 && h[1] == 0 && h[2] == 0xFE && h[3] == 0xFF)) {
      throw new CorruptInputException(
          1, "UTF-32 text (byte-order mark " + hex(h) + ") is not supported: save the export as UTF-8");
    }
    if (h[0] == 0xFF && h[1] == 0xFE) {
      skip(text, 2);
      return new Text(text, StandardCharsets.UTF_16LE, "UTF-16");
    }
    if (h[0] == 0xFE && h[1] == 0xFF) {
      skip(text, 2);
      return new Text(text, StandardCharsets.UTF_16BE, "UTF-16");
    }
    if (isAscii(h[0]) && h[1] == 0) {
      return new Text(text, StandardCharsets.UTF_16LE, "UTF-16");
    }
    if (h[0] == 0 && isAscii(h[1])) {
      return new Text(text, StandardCharsets.UTF_16BE, "UTF-16");
    }
    return new Text(text, StandardCharsets.UTF_8, "UTF-8");
  }

  /**
   * RFC 1950: CMF 0x78 is deflate with a 32 KiB window, and {@code CMF * 256 + FLG} must be a
   * multiple of 31. A text file starting with {@code x} almost never passes that check.
   */
  static boolean isZlibHeader(int cmf, int flg) {
    return cmf == 0x78 && flg >= 0 && ((cmf << 8) | flg) % 31 == 0 && (flg & 0x20) == 0;
  }

  private static boolean isAscii(int b) {
    return b > 0 && b < 0x80;
  }

  /** The next {@code n} bytes without consuming them; -1 past the end. */
  private static int[] peek(BufferedInputStream in, int n) throws IOException {
    in.mark(n);
    int[] b = new int[n];
    for (int i = 0; i < n; i++) {
      b[i] = in.read();
    }
    in.reset();
    return b;
  }

  private static void skip(InputStream in, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      in.read();
    }
  }

  private static String hex(int[] bytes) {
    StringBuilder b = new StringBuilder();
    for (int v : bytes) {
      b.append(b.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%02X", v & 0xFF));
    }
    return b.toString();
  }

  private static InputStream gzip(InputStream in) throws IOException {
    try {
      return new GZIPInputStream(in, BUFFER);
    } catch (IOException e) {
      throw CorruptionMarking.mark(e, "gzip", true);
    }
  }

  /** Reports what is wrong with compressed data in words; real I/O errors stay I/O errors. */
  private static final class CorruptionMarking extends FilterInputStream {
    private final String kind;

    CorruptionMarking(InputStream in, String kind) {
      super(in);
      this.kind = kind;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw mark(e, kind, false);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        throw mark(e, kind, false);
      }
    }

    /**
     * The input's fault, said plainly: the end came too early (a truncated download or copy), the
     * checksum or length in the trailer does not match, or the data is damaged; any other
     * exception is the device's and is returned unchanged.
     */
    static IOException mark(IOException e, String kind, boolean header) {
      if (e instanceof CorruptInputException) {
        return e;
      }
      String m = e.getMessage();
      if (e instanceof EOFException || (m != null && m.startsWith("Unexpected end of"))) {
        return new CorruptInputException(0, "truncated " + kind + " stream (unexpected end of input)", e);
      }
      if (!(e instanceof ZipException)) {
        return e;
      }
      if ("Corrupt GZIP trailer".equals(m)) {
        return new CorruptInputException(
            0, "corrupt gzip trailer: the data's checksum or length does not match (a damaged file)", e);
      }
      if (m != null && m.contains("incorrect data check")) {
        return new CorruptInputException(
            0, "corrupt zlib stream: the data's checksum does not match (a damaged file)", e);
      }
      String what = m == null || m.isBlank() ? "unreadable data" : m;
      return new CorruptInputException(
          header ? 1 : 0, "corrupt " + kind + (header ? " header: " : " data: ") + what, e);
    }
  }

  /**
   * Says what the undecodable bytes at {@code at} most likely are: UTF-16 that is broken, binary
   * data (control bytes elsewhere in {@code buf[0, limit)}), or text in a Windows code page.
   */
  static String describeMalformed(String encoding, byte[] buf, int at, int length, int limit) {
    StringBuilder shown = new StringBuilder();
    for (int i = at; i < Math.min(limit, at + Math.max(1, length)); i++) {
      shown.append(shown.length() == 0 ? "" : " ")
          .append(String.format(Locale.ROOT, "0x%02X", buf[i] & 0xFF));
    }
    if (!encoding.equals("UTF-8")) {
      return "not valid " + encoding + " text: bytes " + shown + " are not a character";
    }
    boolean binary = false;
    for (int i = 0; i < limit; i++) {
      int b = buf[i] & 0xFF;
      if (b < 0x09 || (b > 0x0D && b < 0x20) || b == 0x7F) {
        binary = true;
        break;
      }
    }
    if (binary) {
      return "not UTF-8 text: byte " + shown + " is not UTF-8 and control bytes surround it"
          + " (is this a binary file?)";
    }
    return "not UTF-8 text: byte " + shown + " is not UTF-8; this looks like an ANSI (Windows"
        + " code page) export: save it as UTF-8 (or as Unicode, UTF-16)";
  }

  /**
   * A strict decoder that knows how many lines it has delivered, refuses malformed bytes and NUL
   * characters (binary junk) with the line they are on, drops a leading byte-order mark, and
   * follows the CSV quoting: a quote inside a field that did not start with one is refused on its
   * own line (Process Monitor quotes every field, so such a quote is stray), and the line where
   * the quoted field still open at the end of the input began is kept for the reader's message.
   *
   * <p>An error found inside a chunk is raised only after the characters before it have been
   * delivered, so the parser meets earlier problems first and every error carries the line where
   * it starts.
   */
  static final class StrictTextReader extends Reader {
    // The quoting states, as ints: the loop in read() runs once per character of the trace.
    private static final int FIELD_START = 0;
    private static final int UNQUOTED = 1;
    private static final int QUOTED = 2;
    private static final int QUOTE_IN_QUOTED = 3;
    private static final int AFTER_CLOSING_QUOTE = 4;

    private final InputStream in;
    private final String encoding;
    private final CharsetDecoder decoder;
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER).flip();
    private final CharBuffer chars = CharBuffer.allocate(BUFFER).flip();
    private boolean eof;
    private boolean delivered;
    private boolean first = true;
    private long newlines;
    private boolean pendingCr;
    private long linesBeforeChunk;
    private int quoting = FIELD_START;
    private long quoteLine;
    private @Nullable CorruptInputException pending;

    StrictTextReader(InputStream in, Charset charset, String encoding) {
      this.in = in;
      this.encoding = encoding;
      this.decoder =
          charset
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** The encoding read, for messages ({@code UTF-8}, {@code UTF-16}). */
    String encoding() {
      return encoding;
    }

    /** The line the next delivered character is on, 1-based. */
    long currentLine() {
      return newlines + 1;
    }

    /**
     * The line where a quoted field began that is still open after the last character was
     * delivered, or 0 when no quoted field is open.
     */
    long openQuoteLine() {
      return quoting == QUOTED ? quoteLine : 0;
    }

    /** Whether the whole input has been delivered. */
    boolean atEnd() {
      return delivered;
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
      CorruptInputException p = pending;
      if (p != null) {
        throw p;
      }
      if (len == 0) {
        return 0;
      }
      while (!chars.hasRemaining()) {
        if (!fill()) {
          delivered = true;
          return -1;
        }
      }
      int n = Math.min(len, chars.remaining());
      chars.get(buf, off, n);
      // One pass over the characters, keeping the quoting state and the line count in locals:
      // this loop sees every character of the trace (twice for a file), so it stays free of
      // calls and of per-character state writes.
      int q = quoting;
      long lines = newlines;
      boolean cr = pendingCr;
      int end = off + n;
      for (int i = off; i < end; i++) {
        char c = buf[i];
        switch (c) {
          case '"' -> {
            if (q == FIELD_START) {
              q = QUOTED;
              quoteLine = lines + 1;
            } else if (q == QUOTED) {
              q = QUOTE_IN_QUOTED;
            } else if (q == QUOTE_IN_QUOTED) {
              q = QUOTED;
            } else {
              // A quote in an unquoted field (or after a closing quote: the parser refuses the
              // character after a closing quote itself, naming the record's line).
              if (q == UNQUOTED) {
                quoting = q;
                newlines = lines;
                pendingCr = cr;
                CorruptInputException stray =
                    new CorruptInputException(
                        lines + 1,
                        "stray quote: a '\"' inside a field that does not start with one (Process"
                            + " Monitor quotes every field and doubles quotes inside it)");
                if (i == off) {
                  throw stray;
                }
                pending = stray;
                return i - off;
              }
            }
            cr = false;
          }
          case ',' -> {
            if (q != QUOTED) {
              q = FIELD_START;
            }
            cr = false;
          }
          case '\n' -> {
            if (q != QUOTED) {
              q = FIELD_START;
            }
            if (!cr) {
              lines++;
            }
            cr = false;
          }
          case '\r' -> {
            if (q != QUOTED) {
              q = FIELD_START;
            }
            lines++;
            cr = true;
          }
          default -> {
            if (q == FIELD_START) {
              q = UNQUOTED;
            } else if (q == QUOTE_IN_QUOTED) {
              // The parser refuses a character after a closing quote, naming the record's line.
              q = AFTER_CLOSING_QUOTE;
            }
            cr = false;
          }
        }
      }
      quoting = q;
      newlines = lines;
      pendingCr = cr;
      return n;
    }

    /** Decodes the next chunk into {@code chars}; false at the end of the input. */
    private boolean fill() throws IOException {
      if (eof && !bytes.hasRemaining()) {
        return false;
      }
      chars.clear();
      try {
        while (chars.position() == 0) {
          if (!eof) {
            bytes.compact();
            int r = in.read(bytes.array(), bytes.position(), bytes.remaining());
            if (r < 0) {
              eof = true;
            } else {
              bytes.position(bytes.position() + r);
            }
            bytes.flip();
          }
          CoderResult cr = decoder.decode(bytes, chars, eof);
          if (cr.isError()) {
            // Deliver what decoded cleanly first; the error surfaces on the next fill.
            if (chars.position() > 0) {
              break;
            }
            throw new CorruptInputException(newlines + 1, malformed(cr.length()));
          }
          if (eof) {
            decoder.flush(chars);
            if (!bytes.hasRemaining() && chars.position() == 0) {
              return false;
            }
            break;
          }
        }
      } finally {
        chars.flip();
      }
      if (first) {
        first = false;
        if (chars.hasRemaining() && chars.get(chars.position()) == '\uFEFF') {
          chars.get();
        }
      }
      linesBeforeChunk = newlines;
      char[] a = chars.array();
      for (int i = chars.position(), limit = chars.limit(); i < limit; i++) {
        if (a[i] == 0) {
          throw new CorruptInputException(
              lineAfter(i - chars.position()), "NUL character: this is not a text file");
        }
      }
      return true;
    }

    /**
     * Says what the undecodable bytes at the buffer's position most likely are: UTF-16 that is
     * broken, binary data (control bytes around), or text in a Windows code page.
     */
    private String malformed(int length) {
      return describeMalformed(encoding, bytes.array(), bytes.position(), length, bytes.limit());
    }

    /** The line of the character {@code offset} chars into the current chunk. */
    private long lineAfter(int offset) {
      long line = linesBeforeChunk + 1;
      boolean cr = pendingCr;
      for (int i = chars.position(); i < chars.position() + offset && i < chars.limit(); i++) {
        char c = chars.get(i);
        if (c == '\n') {
          if (!cr) {
            line++;
          }
          cr = false;
        } else if (c == '\r') {
          line++;
          cr = true;
        } else {
          cr = false;
        }
      }
      return line;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
