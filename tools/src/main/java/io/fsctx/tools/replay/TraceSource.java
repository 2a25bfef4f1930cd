package io.fsctx.tools.replay;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where a trace's bytes come from. A source that can be read again ({@link #rereadable()}: a
 * file, bytes in memory) is read twice by the engine: once to validate it and find its volumes,
 * once to replay it, so a bad trace is refused before anything reaches the filters. A stream
 * (standard input, a pipe) is read once, in a single pass: volumes are mounted as their drive
 * letters first appear, and a bad row ends the replay where it is found. Either way memory stays
 * constant and nothing is copied to disk.
 *
 * <p>Thread safety: the file and memory sources are immutable; a stream source is confined.
 */
public interface TraceSource {

  /** A name for messages, such as the file name. */
  String name();

  /**
   * Opens the trace from its beginning; the caller owns and closes the stream.
   *
   * @return a new stream of the trace's bytes (possibly compressed)
   * @throws IOException when it cannot be opened
   * @throws IllegalStateException when a source that is not {@link #rereadable()} is opened twice
   */
  InputStream open() throws IOException;

  /** Whether {@link #open()} may be called more than once. */
  default boolean rereadable() {
    return true;
  }

  /**
   * The size of the input in bytes, as stored (compressed or not), or -1 when it is not known
   * without reading it.
   *
   * @throws IOException when the size cannot be found
   */
  default long size() throws IOException {
    return -1;
  }

  /**
   * Opens the input at a byte offset of its stored bytes (a {@link #rereadable()} source only);
   * the caller owns the stream.
   *
   * @throws IOException when the input cannot be opened or read up to the offset
   */
  default InputStream openAt(long offset) throws IOException {
    InputStream in = open();
    try {
      in.skipNBytes(offset);
      return in;
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /**
   * A trace read once from a stream, such as standard input or a pipe.
   *
   * @param name a name for messages
   * @param in the stream; the replay reads it to its end and closes it
   * @return a source that opens once
   */
  static TraceSource stream(String name, InputStream in) {
    return new TraceSource() {
      private boolean opened;

      @Override
      public String name() {
        return name;
      }

      @Override
      public InputStream open() {
        if (opened) {
          throw new IllegalStateException(name + " can be read only once");
        }
        opened = true;
        return in;
      }

      @Override
      public boolean rereadable() {
        return false;
      }
    };
  }

  /**
   * A trace file.
   *
   * @param file the file
   * @return a source that opens the file each time
   */
  static TraceSource of(Path file) {
    return new TraceSource() {
      @Override
      public String name() {
        return file.toString();
      }

      @Override
      public InputStream open() throws IOException {
        return Files.newInputStream(file);
      }

      @Override
      public long size() throws IOException {
        return Files.size(file);
      }

      @Override
      public InputStream openAt(long offset) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
          channel.position(offset);
        } catch (IOException | RuntimeException e) {
          channel.close();
          throw e;
        }
        return Channels.newInputStream(channel);
      }
    };
  }

  /**
   * A trace held in memory (tests, small inputs).
   *
   * @param name a name for messages
   * @param bytes the bytes; not copied, must not change
   * @return a source that reads the bytes each time
   */
  static TraceSource of(String name, byte[] bytes) {
    return new TraceSource() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public InputStream open() {
        return new java.io.ByteArrayInputStream(bytes);
      }

      @Override
      public long size() {
        return bytes.length;
      }

      @Override
      public InputStream openAt(long offset) {
        int from = (int) Math.min(offset, bytes.length);
        return new java.io.ByteArrayInputStream(bytes, from, bytes.length - from);
      }
    };
  }
}
