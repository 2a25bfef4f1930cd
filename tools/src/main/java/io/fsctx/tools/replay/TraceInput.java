package io.fsctx.tools.replay;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * Turns the bytes of a trace into the characters FastCSV parses: sniffs a gzip ({@code 1f 8b}) or
 * raw zlib ({@code 78 xx} with a valid header checksum) container and inflates it, strips a UTF-8
 * byte-order mark, and decodes strictly as UTF-8.
 *
 * <p>Thread safety: confined; the reader it builds belongs to one {@link TraceReader}.
 */
final class TraceInput {
  private TraceInput() {}

  /** Wraps {@code raw} (which the returned reader owns and closes). */
  static StrictUtf8Reader open(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    InputStream bytes = in;
    if (b0 == 0x1f && b1 == 0x8b) {
      bytes = new CorruptionMarking(openOrMark(() -> new GZIPInputStream(in, 1 << 16)), "gzip");
    } else if (isZlibHeader(b0, b1)) {
      bytes = new CorruptionMarking(new InflaterInputStream(in), "zlib");
    }
    return new StrictUtf8Reader(bytes);
  }

  /**
   * RFC 1950: CMF 0x78 is deflate with a 32 KiB window, and {@code CMF * 256 + FLG} must be a
   * multiple of 31. A text file starting with {@code x} almost never passes that check.
   */
  static boolean isZlibHeader(int cmf, int flg) {
    return cmf == 0x78 && flg >= 0 && ((cmf << 8) | flg) % 31 == 0 && (flg & 0x20) == 0;
  }

  private interface StreamOpener {
    InputStream open() throws IOException;
  }

  private static InputStream openOrMark(StreamOpener opener) throws IOException {
    try {
      return opener.open();
    } catch (CorruptInputException e) {
      throw e;
    } catch (IOException e) {
      throw new CorruptInputException(1, "corrupt gzip header: " + e.getMessage(), e);
    }
  }

  /** Reports any exception of the inflater as the input's fault. */
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
        throw mark(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        throw mark(e);
      }
    }

    private IOException mark(IOException e) {
      if (e instanceof CorruptInputException) {
        return e;
      }
      return new CorruptInputException(0, "corrupt " + kind + " stream: " + e.getMessage(), e);
    }
  }

  /**
   * A strict UTF-8 decoder that knows how many lines it has delivered, refuses malformed bytes and
   * NUL characters (binary junk) with the line they are on, drops a leading byte-order mark, and
   * counts double quotes so the reader can tell an unterminated quote at the end of the input.
   */
  static final class StrictUtf8Reader extends Reader {
    private final InputStream in;
    private final CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
    private final CharBuffer chars = CharBuffer.allocate(1 << 16).flip();
    private boolean eof;
    private boolean first = true;
    private long newlines;
    private long quotes;
    private boolean pendingCr;
    private long linesBeforeChunk;

    StrictUtf8Reader(InputStream in) {
      this.in = in;
    }

    /** Number of {@code "} characters delivered so far. */
    long quotes() {
      return quotes;
    }

    /** The line the next delivered character is on, 1-based. */
    long currentLine() {
      return newlines + 1;
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (!chars.hasRemaining()) {
        if (!fill()) {
          return -1;
        }
      }
      int n = Math.min(len, chars.remaining());
      chars.get(buf, off, n);
      for (int i = off; i < off + n; i++) {
        char c = buf[i];
        if (c == '\n') {
          if (!pendingCr) {
            newlines++;
          }
          pendingCr = false;
        } else if (c == '\r') {
          newlines++;
          pendingCr = true;
        } else {
          pendingCr = false;
          if (c == '"') {
            quotes++;
          }
        }
      }
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
            throw new CorruptInputException(
                newlines + 1, "not UTF-8 text: malformed byte sequence (is this a binary file?)");
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
      for (int i = chars.position(); i < chars.limit(); i++) {
        if (chars.get(i) == 0) {
          throw new CorruptInputException(
              lineAfter(i - chars.position()), "NUL character: this is not a text file");
        }
      }
      return true;
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
