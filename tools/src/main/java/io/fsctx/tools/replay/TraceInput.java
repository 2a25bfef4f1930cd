package io.fsctx.tools.replay;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
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
 * Turns the bytes of a trace into the UTF-8 text {@link Utf8CsvRecords} parses, in one pass over a
 * stream that may not be rewound (standard input, a pipe): it sniffs a gzip ({@code 1f 8b}) or raw
 * zlib ({@code 78 xx} with a valid header checksum) container and inflates it, then sniffs the
 * text encoding of the (inflated) bytes; UTF-16 is decoded strictly and re-encoded ({@link
 * Utf8Reencoding}).
 *
 * <p>Encodings: UTF-8, with or without a byte-order mark (the contract's); UTF-16 with a
 * byte-order mark ({@code FF FE} or {@code FE FF}), which Windows tools write when asked for
 * "Unicode"; and UTF-16 without one when the first two bytes are an ASCII character and a NUL in
 * either order (a CSV export starts with {@code "}, and a NUL is never text). UTF-32 is refused by
 * name. Bytes that are not UTF-8 in otherwise printable text are named as what they most likely
 * are: an ANSI (Windows code page) export.
 *
 * <p>Thread safety: confined; the stream it builds belongs to one {@link TraceReader}.
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
   * @param inflated whether the bytes were inflated from a gzip or zlib container
   */
  record Text(InputStream bytes, Charset charset, String encoding, boolean inflated) {
    boolean isUtf8() {
      return charset.equals(StandardCharsets.UTF_8);
    }
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
      return new Text(text, StandardCharsets.UTF_16LE, "UTF-16", bytes != in);
    }
    if (h[0] == 0xFE && h[1] == 0xFF) {
      skip(text, 2);
      return new Text(text, StandardCharsets.UTF_16BE, "UTF-16", bytes != in);
    }
    if (isAscii(h[0]) && h[1] == 0) {
      return new Text(text, StandardCharsets.UTF_16LE, "UTF-16", bytes != in);
    }
    if (h[0] == 0 && isAscii(h[1])) {
      return new Text(text, StandardCharsets.UTF_16BE, "UTF-16", bytes != in);
    }
    return new Text(text, StandardCharsets.UTF_8, "UTF-8", bytes != in);
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
   * Re-encodes the text of a UTF-16 trace as UTF-8, so one parser ({@link Utf8CsvRecords}) reads
   * traces in either encoding and both give the same rows and refusals. The characters are decoded
   * strictly: malformed UTF-16 is refused with the line it is on (counted from the characters
   * decoded before it). A byte-order mark in the text after the one {@link TraceInput#sniff}
   * consumed, NUL characters, quoting and line ends are left to the parser, which treats them as
   * it does in UTF-8.
   *
   * <p>Why not FastCSV for these traces, as before: FastCSV 4.1.0 drops a quoted field that ends
   * with a CR before its closing quote when an LF follows the quote ({@code "x\r"\n}), joining the
   * record with the next one; {@code Utf8CsvRecordsTest} found it by comparing the two paths.
   *
   * <p>Thread safety: confined to one thread. Ownership: owns and closes the stream it decodes.
   */
  static final class Utf8Reencoding extends InputStream {
    private final InputStream in;
    private final String encoding;
    private final CharsetDecoder decoder;
    private final java.nio.charset.CharsetEncoder encoder =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER).flip();
    private final CharBuffer chars = CharBuffer.allocate(BUFFER).flip();
    /**
     * UTF-8 ready to be read: at most three bytes per UTF-16 unit. It starts with a UTF-8
     * byte-order mark standing for the UTF-16 one {@link TraceInput#sniff} consumed, so the parser
     * drops exactly that one and meets a second mark in the text as it would in a UTF-8 trace.
     */
    private final ByteBuffer out =
        ByteBuffer.allocate(3 * BUFFER).put(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}).flip();
    private boolean eof;
    /** Line ends among the characters decoded so far, for the line of a decoding error. */
    private long newlines;
    private boolean pendingCr;

    Utf8Reencoding(InputStream in, Charset charset, String encoding) {
      this.in = in;
      this.encoding = encoding;
      this.decoder =
          charset
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    @Override
    public int read() throws IOException {
      while (!out.hasRemaining()) {
        if (!fill()) {
          return -1;
        }
      }
      return out.get() & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (!out.hasRemaining()) {
        if (!fill()) {
          return -1;
        }
      }
      int n = Math.min(len, out.remaining());
      out.get(b, off, n);
      return n;
    }

    /** Decodes the next chunk and encodes it into {@link #out}; false at the end of the input. */
    private boolean fill() throws IOException {
      if (!decode()) {
        return false;
      }
      out.clear();
      // The decoder delivers whole characters (a surrogate pair stays together in chars until
      // its second half arrives), so the encoder can only underflow here.
      CoderResult cr = encoder.encode(chars, out, false);
      if (cr.isError()) {
        cr.throwException();
      }
      out.flip();
      return true;
    }

    /**
     * Decodes the next chunk into {@link #chars} (keeping a character the encoder left
     * undecoded), counting its line ends; false at the end of the input.
     */
    private boolean decode() throws IOException {
      chars.compact();
      int kept = chars.position();
      try {
        while (chars.position() == kept) {
          if (eof && !bytes.hasRemaining()) {
            return false;
          }
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
            // Deliver what decoded cleanly first; the error surfaces on the next call.
            if (chars.position() > kept) {
              break;
            }
            throw new CorruptInputException(newlines + 1, malformed(cr.length()));
          }
          if (eof) {
            decoder.flush(chars);
            if (chars.position() == kept) {
              return false;
            }
            break;
          }
        }
      } finally {
        chars.flip();
      }
      countLines(kept);
      return true;
    }

    /** Counts the line ends among the characters decoded by this call (CR LF counts once). */
    private void countLines(int from) {
      char[] a = chars.array();
      long lines = newlines;
      boolean cr = pendingCr;
      for (int i = Math.max(from, chars.position()), limit = chars.limit(); i < limit; i++) {
        char c = a[i];
        if (c == '\n') {
          if (!cr) {
            lines++;
          }
          cr = false;
        } else if (c == '\r') {
          lines++;
          cr = true;
        } else {
          cr = false;
        }
      }
      newlines = lines;
      pendingCr = cr;
    }

    /**
     * Says what the undecodable bytes at the buffer's position most likely are: UTF-16 that is
     * broken, binary data (control bytes around), or text in a Windows code page.
     */
    private String malformed(int length) {
      return describeMalformed(encoding, bytes.array(), bytes.position(), length, bytes.limit());
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
