package io.fsctx.io;

import io.fsctx.nt.NtStatus;
import org.jspecify.annotations.Nullable;

/**
 * A file system as the I/O manager and Filter Manager see it: the driver behind one mounted
 * volume's device. The I/O manager builds the volume and its device stack and calls {@link
 * #mount}; after that every request that reaches the bottom of the stack is handed to {@link
 * #dispatch}, and {@link IoManager#dismount} calls {@link #dismount}.
 *
 * <p>The file system owns everything behind {@code FsContext}: it allocates its FCBs, SCBs, CCBs
 * and VCB from the volume's pool ({@link Volume#pool()}), sets their headers up with {@code
 * FsRtlSetupAdvancedHeader(Ex)}, keeps its own open and cleanup counts, and when it frees a
 * structure calls {@code FsRtlTeardownPerStreamContexts} (and {@code
 * FsRtlTeardownPerFileContexts} for a per-file structure) first, exactly as fastfat's {@code
 * FatCreateFcb} and {@code FatDeleteFcb} do. Nothing in the kernel does that on its behalf; the
 * file-system verifier ({@code io.fsctx.verifier}) only watches. The {@code modelfs} module has
 * helpers for everything that is not about contexts (namespace, names, counts, completion) and
 * worked examples.
 *
 * <p>One instance serves one volume, as a VCB does.
 *
 * <p>Thread safety: implementations must accept concurrent requests from many threads; requests
 * arrive with no lock of the I/O manager held. FsRtl teardowns run filters' free callbacks, so a
 * file system should call them with none of its own locks held that a filter's callback could
 * need.
 */
public interface FileSystemDriver {

  /**
   * The file system's name for messages and for Filter Manager's volume properties, such as
   * {@code NTFS-like}.
   */
  String fileSystemName();

  /**
   * The name of the file system's driver object, such as {@code \FileSystem\Ntfs}; Filter
   * Manager derives the volume's {@code FLT_FILESYSTEM_TYPE} from it, as fltmgr.sys does from the
   * file system's namespace. The default, {@code \FileSystem\} followed by {@link
   * #fileSystemName()}, maps to {@code FLT_FSTYPE_UNKNOWN} unless the name is one Windows knows.
   */
  default String driverName() {
    return "\\FileSystem\\" + fileSystemName();
  }

  /**
   * Whether the file system has named streams ({@code FILE_NAMED_STREAMS} in its attributes).
   * Filter Manager emulates file contexts on volumes without them.
   */
  boolean supportsNamedStreams();

  /**
   * {@code IRP_MN_MOUNT_VOLUME} succeeding: build the VCB (and its header, for volume opens) for
   * {@code volume}, whose device stack already has this file system's volume device at the
   * bottom. Called once, before any request.
   *
   * @param volume the new volume
   */
  void mount(Volume volume);

  /**
   * The volume device's dispatch routine: handles one request ({@code IRP_MJ_CREATE}, {@code
   * IRP_MJ_CLEANUP}, {@code IRP_MJ_CLOSE}, reads, writes, queries...) and completes it with {@link
   * Irp#complete}. Cleanup and close cannot fail on Windows; they must always do their
   * bookkeeping.
   *
   * @param irp the request; the sender owns it
   * @return the completion status
   */
  NtStatus dispatch(Irp irp);

  /**
   * {@code FSCTL_DISMOUNT_VOLUME}: free every structure no file object references any more
   * (delayed closes included, each with its teardown) and fail later requests other than cleanup
   * and close with {@code STATUS_VOLUME_DISMOUNTED}. Structures still referenced by open file
   * objects are freed at their last close.
   */
  void dismount();

  /**
   * The names of an opened file object, from which Filter Manager builds {@code
   * FltGetFileNameInformation}: the stream's current normalized path (it follows renames) and the
   * name it was opened by. Models the {@code FileNormalizedNameInformation} and {@code
   * FileNameInformation} queries Filter Manager sends.
   *
   * @param fileObject a file object of this volume
   * @return the names, or null when the file object is not open on this file system
   */
  @Nullable FileNames queryFileNames(FileObject fileObject);

  /**
   * The normalized form of a path that need not be open, from which Filter Manager builds a
   * normalized name before a create has reached the file system (Windows does this by opening
   * the parent directories and querying their entries): every component that exists with the case
   * it was created with, the rest as given, and the stream suffix normalized.
   *
   * @param path a path on the volume, such as {@code \DIR\file.txt::$DATA}
   * @return the normalized path, or null when the path is not valid on this file system
   */
  @Nullable String normalizePath(String path);
}
