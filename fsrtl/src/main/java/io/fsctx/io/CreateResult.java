package io.fsctx.io;

import io.fsctx.nt.NtStatus;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of {@link IoManager#createFile}: the completion status and, when a file object was
 * opened, that file object. The caller then owns its handle and its one reference, released
 * together by {@link IoManager#closeHandle}.
 *
 * <p>Thread safety: immutable.
 *
 * @param ioStatus how the create completed ({@code Information} is {@code FILE_OPENED}, …)
 * @param fileObject the opened file object, or null when none was opened (failure or {@code
 *     STATUS_REPARSE})
 */
public record CreateResult(IoStatus ioStatus, @Nullable FileObject fileObject) {

  /** The completion status. */
  public NtStatus status() {
    return ioStatus.status();
  }

  /** Whether a file object was opened. */
  public boolean isOpened() {
    return fileObject != null;
  }

  /**
   * The opened file object.
   *
   * @throws IllegalStateException when the create opened nothing
   */
  public FileObject openedFileObject() {
    FileObject fo = fileObject;
    if (fo == null) {
      throw new IllegalStateException("the create opened nothing: " + ioStatus.status());
    }
    return fo;
  }
}
