package io.fsctx.tools.replay;

import java.io.IOException;

/**
 * Marks an {@link IOException} that is the input's fault (corrupt compressed data, bytes that are
 * not UTF-8, a NUL character) rather than the device's, so the reader can turn it into a {@link
 * TraceFormatException} while real I/O errors stay I/O errors.
 *
 * <p>Thread safety: immutable.
 */
final class CorruptInputException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The physical line being decoded when the problem was found, 1-based; 0 when unknown. */
  final long line;

  CorruptInputException(long line, String message, Throwable cause) {
    super(message, cause);
    this.line = line;
  }

  CorruptInputException(long line, String message) {
    super(message);
    this.line = line;
  }
}
