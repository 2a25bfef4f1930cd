package io.fsctx.io;

import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.fsrtl.PerFileContext;
import io.fsctx.fsrtl.PerFileContextSlot;
import io.fsctx.fsrtl.PerFileObjectContext;
import io.fsctx.fsrtl.PerStreamContext;
import io.fsctx.nt.NtStatus;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A lifecycle event of the I/O path, delivered to every {@link IoEventListener} of the {@link
 * IoManager}. For one file object the order is {@link FileObjectCreated} → {@link Cleanup} →
 * {@link Close} → {@link FileObjectDeleted}; the stream structure that owns the header ({@link
 * FcbFreed}) and the per-file structure ({@link PerFileFreed}) die when the file system decides:
 * inside the close of the last file object (immediate close policy, so before that {@link Close}
 * event), at {@link FileSystemDriver#flushDelayedCloses()}, or at dismount.
 *
 * <p>"FCB" in these names means whatever structure owns the {@code FsContext} header: the FCB of a
 * single-stream file system, the SCB of a multi-stream one, or the volume's VCB header.
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
   * A file object was opened: a successful create (with a handle), or a stream file object made
   * by the file system itself (no create, no handle).
   *
   * @param volume the volume
   * @param fileObject the new file object
   * @param streamFileObject true for {@code IoCreateStreamFileObject}
   */
  record FileObjectCreated(Volume volume, FileObject fileObject, boolean streamFileObject) implements IoEvent {}

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
   * The I/O manager deleted the file object. Per-file-object contexts still linked to it leaked
   * (their owners should have removed them in close).
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

  /**
   * The file system created a stream structure that owns a header.
   *
   * @param volume the volume
   * @param fcbId the structure's id (also the header's id)
   * @param header the header file objects will point at
   * @param name the stream's normalized name when it was created ({@code \dir\file:ads}; empty
   *     for the volume)
   */
  record FcbCreated(Volume volume, String fcbId, CommonFcbHeader header, String name) implements IoEvent {}

  /**
   * The file system freed a stream structure.
   *
   * @param volume the volume
   * @param fcbId the structure's id
   * @param header its header
   * @param name the stream's normalized name when it was freed
   * @param teardownCalled whether {@code FsRtlTeardownPerStreamContexts} ran on the header while
   *     it was freed (always false for a common-only header, which has no list)
   * @param leftOnFilterContexts per-stream contexts still on {@code FilterContexts} afterwards:
   *     non-empty means they leaked
   */
  record FcbFreed(
      Volume volume,
      String fcbId,
      CommonFcbHeader header,
      String name,
      boolean teardownCalled,
      List<PerStreamContext> leftOnFilterContexts)
      implements IoEvent {
    /** Copies the list. */
    public FcbFreed {
      leftOnFilterContexts = List.copyOf(leftOnFilterContexts);
    }
  }

  /**
   * The file system freed a per-file structure (after its last stream).
   *
   * @param volume the volume
   * @param fileId the per-file structure's id
   * @param slot its per-file context slot, null when file contexts are not native
   * @param teardownCalled whether {@code FsRtlTeardownPerFileContexts} ran on the slot
   * @param leftInSlot per-file contexts still linked afterwards: non-empty means they leaked
   */
  record PerFileFreed(
      Volume volume,
      String fileId,
      @Nullable PerFileContextSlot slot,
      boolean teardownCalled,
      List<PerFileContext> leftInSlot)
      implements IoEvent {
    /** Copies the list. */
    public PerFileFreed {
      leftInSlot = List.copyOf(leftInSlot);
    }
  }
}
