package io.fsctx.io;

import io.fsctx.fsrtl.PerFileObjectContext;
import io.fsctx.nt.NtStatus;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A lifecycle event of the I/O path, delivered to every {@link IoEventListener} of the {@link
 * IoManager}. For one file object the order is {@link CreateStarted} → {@link FileObjectCreated} →
 * {@link Cleanup} → {@link Close} → {@link FileObjectDeleted}; a create that fails goes from {@link
 * CreateStarted} straight to {@link FileObjectDeleted}, and a stream file object starts at {@link
 * FileObjectCreated}. The file system's own structures (FCBs, SCBs and
 * their headers) die when the file system decides, and are seen through the volume's {@link
 * io.fsctx.nt.Pool} (their pool blocks) and the headers' audits, not here.
 *
 * <p>Thread safety: immutable records (lists are copies).
 */
public sealed interface IoEvent {

  /** The volume the event happened on. */
  Volume volume();

  /**
   * A volume was mounted.
   *
   * @param volume the new volume
   */
  record VolumeMounted(Volume volume) implements IoEvent {}

  /**
   * A volume was dismounted: delayed closes were flushed and every unreferenced structure freed.
   *
   * @param volume the volume
   */
  record VolumeDismounted(Volume volume) implements IoEvent {}

  /**
   * {@code IRP_MJ_CREATE} is about to be sent for a new file object: while it is in flight the
   * file system may hold structures for it (an FCB found or made, a CCB), so the volume has one
   * more file object in the making. {@link FileObjectCreated} follows on success, {@link
   * FileObjectDeleted} on failure.
   *
   * @param volume the volume
   * @param fileObject the file object being opened
   */
  record CreateStarted(Volume volume, FileObject fileObject) implements IoEvent {}

  /**
   * A file object was opened: a successful create (with a handle), or a stream file object made
   * by the file system itself (no create, no handle).
   *
   * @param volume the volume
   * @param fileObject the new file object
   * @param streamFileObject true for {@code IoCreateStreamFileObject}
   * @param parameters the create's parameters, or null for a stream file object
   */
  record FileObjectCreated(
      Volume volume, FileObject fileObject, boolean streamFileObject, @Nullable CreateParameters parameters)
      implements IoEvent {}

  /**
   * {@code IRP_MJ_CLEANUP} completed: the handle was closed.
   *
   * @param volume the volume
   * @param fileObject the file object
   * @param status the cleanup status
   */
  record Cleanup(Volume volume, FileObject fileObject, NtStatus status) implements IoEvent {}

  /**
   * {@code IRP_MJ_CLOSE} completed: the last reference was dropped.
   *
   * @param volume the volume
   * @param fileObject the file object
   * @param status the close status
   */
  record Close(Volume volume, FileObject fileObject, NtStatus status) implements IoEvent {}

  /**
   * The I/O manager deleted the file object: after its close, or after its create failed (then
   * without {@link Close}). Per-file-object contexts still linked to it leaked (their owners
   * should have removed them in close).
   *
   * @param volume the volume
   * @param fileObject the deleted file object
   * @param leakedContexts per-file-object contexts still linked, head first
   */
  record FileObjectDeleted(Volume volume, FileObject fileObject, List<PerFileObjectContext> leakedContexts)
      implements IoEvent {
    /** Copies the list. */
    public FileObjectDeleted {
      leakedContexts = List.copyOf(leakedContexts);
    }
  }
}
