package io.fsctx.tools.replay;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A trace that can be opened more than once. The engine reads a trace twice: once to validate it
 * and find its volumes (which must be mounted before the first row is replayed), once to replay
 * it; so a bad trace is refused before anything reaches the filters, and memory stays constant.
 *
 * <p>Thread safety: implementations returned here are immutable.
 */
public interface TraceSource {

  /** A name for messages, such as the file name. */
  String name();

  /**
   * Opens the trace from its beginning; the caller owns and closes the stream.
   *
   * @return a new stream of the trace's bytes (possibly compressed)
   * @throws IOException when it cannot be opened
   */
  InputStream open() throws IOException;

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
    };
  }
}
