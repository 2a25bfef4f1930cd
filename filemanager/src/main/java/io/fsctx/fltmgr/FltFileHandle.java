package io.fsctx.fltmgr;

import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code HANDLE} a filter-initiated create returns ({@code FltCreateFile} and its Ex forms): a
 * kernel handle on the opened file object, released by {@link Flt#close} ({@code FltClose}) or
 * {@link #close()}, which sends {@code IRP_MJ_CLEANUP} (and, unless the file object is still
 * referenced, {@code IRP_MJ_CLOSE}) below the instance that opened it.
 *
 * <p>Thread safety: safe for concurrent use; exactly one close succeeds.
 */
public final class FltFileHandle implements AutoCloseable {
  private final String id;
  private final FileObject fileObject;
  private final AtomicBoolean closed = new AtomicBoolean();

  FltFileHandle(String id, FileObject fileObject) {
    this.id = id;
    this.fileObject = fileObject;
  }

  /** The identity for messages, such as {@code Handle#3}. */
  public String id() {
    return id;
  }

  /** The file object the handle refers to (valid while the handle or a reference is held). */
  public FileObject fileObject() {
    return fileObject;
  }

  /** Whether the handle has been closed. */
  public boolean isClosed() {
    return closed.get();
  }

  /** {@code FltClose}: closes the handle; a second close is {@code STATUS_INVALID_HANDLE}. */
  @Override
  public void close() {
    closeHandle();
  }

  /**
   * {@code FltClose} with its status.
   *
   * @return success, or {@code STATUS_INVALID_HANDLE} when the handle was already closed
   */
  NtStatus closeHandle() {
    if (!closed.compareAndSet(false, true)) {
      return NtStatus.STATUS_INVALID_HANDLE;
    }
    io.fsctx.io.Volume v = java.util.Objects.requireNonNull(fileObject.volume(), "the handle's file object has a volume");
    v.ioManager().closeHandle(fileObject);
    return NtStatus.STATUS_SUCCESS;
  }

  @Override
  public String toString() {
    return id + "(" + fileObject + ")";
  }
}
