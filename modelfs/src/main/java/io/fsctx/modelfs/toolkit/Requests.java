package io.fsctx.modelfs.toolkit;

import static io.fsctx.nt.NtStatus.STATUS_END_OF_FILE;
import static io.fsctx.nt.NtStatus.STATUS_FILE_CLOSED;
import static io.fsctx.nt.NtStatus.STATUS_INVALID_DEVICE_REQUEST;
import static io.fsctx.nt.NtStatus.STATUS_INVALID_PARAMETER;
import static io.fsctx.nt.NtStatus.STATUS_NOT_SUPPORTED;
import static io.fsctx.nt.NtStatus.STATUS_NO_MORE_FILES;
import static io.fsctx.nt.NtStatus.STATUS_OBJECT_NAME_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_BUFFER_OVERFLOW;
import static io.fsctx.nt.NtStatus.STATUS_CANNOT_DELETE;
import static io.fsctx.nt.NtStatus.STATUS_INFO_LENGTH_MISMATCH;
import static io.fsctx.nt.NtStatus.STATUS_INVALID_INFO_CLASS;
import static io.fsctx.nt.NtStatus.STATUS_MEDIA_WRITE_PROTECTED;
import static io.fsctx.nt.NtStatus.STATUS_OBJECTID_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_OBJECT_NAME_COLLISION;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;

import com.google.common.base.Preconditions;
import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.io.FileId128;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileInformationClass;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileObjectIdBuffer;
import io.fsctx.io.FsControlCodes;
import io.fsctx.io.FsInformation;
import io.fsctx.io.FsInformationClass;
import io.fsctx.io.IoConstants;
import io.fsctx.io.Irp;
import io.fsctx.io.IrpParameters;
import io.fsctx.io.StorageDevice;
import io.fsctx.nt.NtStatus;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Helpers for the requests that are not about an FCB's life: reads and writes against the sizes
 * in the stream's header (the model keeps no file data), size changes, queries of a file and of
 * the volume, dispositions and object IDs, and completion. A file system finds its structure for
 * the request, then calls these.
 *
 * <h2>Buffer lengths ([X] policies where the documentation is silent)</h2>
 * A query whose buffer is shorter than the class's fixed part fails with {@code
 * STATUS_INFO_LENGTH_MISMATCH}; one that holds the fixed part but not the whole name (file name,
 * volume label, file system name) returns the name cut short with {@code STATUS_BUFFER_OVERFLOW}.
 * Information classes the models do not answer fail with {@code STATUS_INVALID_PARAMETER}, as
 * fastfat's and NTFS's dispatch do for classes they do not implement; an unknown or set-only
 * volume class with {@code STATUS_INVALID_INFO_CLASS}.
 *
 * <p>Thread safety: stateless; the header's size fields are individually atomic, and a file
 * system that needs a read-modify-write of them to be atomic holds its own lock around the call.
 */
public final class Requests {
  private Requests() {}

  /**
   * The request's file object.
   *
   * @param irp a request that carries one
   * @return the file object
   * @throws IllegalArgumentException when the request has none
   */
  public static FileObject fileObject(Irp irp) {
    FileObject fo = irp.fileObject();
    Preconditions.checkArgument(fo != null, "%s has no file object", irp);
    return fo;
  }

  /**
   * {@code IRP_MJ_READ}: completes with the bytes that lie below the end of file. Non-paging I/O
   * after cleanup fails with {@code STATUS_FILE_CLOSED}; reading a directory's default stream with
   * {@code STATUS_INVALID_DEVICE_REQUEST}; from the end of file on with {@code STATUS_END_OF_FILE}.
   *
   * @param irp the read
   * @param header the stream's header (its {@code FileSize}), or null when the file object is not
   *     open on this file system
   * @param directoryStream whether the stream is a directory's default stream
   * @return the completion status
   */
  public static NtStatus read(Irp irp, @Nullable CommonFcbHeader header, boolean directoryStream) {
    NtStatus bad = checkDataIo(irp, header, directoryStream);
    if (bad != null || header == null) {
      return irp.complete(bad == null ? STATUS_INVALID_DEVICE_REQUEST : bad, 0);
    }
    IrpParameters.Read p = irp.parameters(IrpParameters.Read.class);
    long size = header.fileSize();
    if (p.byteOffset() >= size) {
      return irp.complete(STATUS_END_OF_FILE, 0);
    }
    return irp.complete(STATUS_SUCCESS, Math.min(p.length(), size - p.byteOffset()));
  }

  /**
   * {@code IRP_MJ_WRITE} on a writable medium: {@link #write(Irp, CommonFcbHeader, boolean)}; on a
   * read-only one, {@code STATUS_MEDIA_WRITE_PROTECTED}.
   *
   * @param irp the write
   * @param header the stream's header, or null when the file object is not open here
   * @param directoryStream whether the stream is a directory's default stream
   * @param writable whether the volume's storage can be written
   * @return the completion status
   */
  public static NtStatus write(Irp irp, @Nullable CommonFcbHeader header, boolean directoryStream, boolean writable) {
    if (!writable && header != null) {
      return irp.complete(STATUS_MEDIA_WRITE_PROTECTED, 0);
    }
    return write(irp, header, directoryStream);
  }

  /**
   * {@code IRP_MJ_WRITE}: completes with the byte count, extending the header's sizes when the
   * write goes past the end of file. The same failures as {@link #read}.
   *
   * @param irp the write
   * @param header the stream's header, or null when the file object is not open here
   * @param directoryStream whether the stream is a directory's default stream
   * @return the completion status
   */
  public static NtStatus write(Irp irp, @Nullable CommonFcbHeader header, boolean directoryStream) {
    NtStatus bad = checkDataIo(irp, header, directoryStream);
    if (bad != null || header == null) {
      return irp.complete(bad == null ? STATUS_INVALID_DEVICE_REQUEST : bad, 0);
    }
    IrpParameters.Write p = irp.parameters(IrpParameters.Write.class);
    long end = p.byteOffset() + p.length();
    synchronized (header) {
      if (end > header.fileSize()) {
        header.setFileSize(end);
        header.setValidDataLength(end);
        header.setAllocationSize(Math.max(header.allocationSize(), end));
      }
    }
    return irp.complete(STATUS_SUCCESS, p.length());
  }

  /**
   * Applies {@code FileEndOfFileInformation} or {@code FileAllocationInformation} to a header.
   *
   * @param header the stream's header
   * @param information the buffer
   * @return whether the buffer was one of the two (and was applied)
   */
  public static boolean applySizes(CommonFcbHeader header, FileInformation information) {
    synchronized (header) {
      if (information instanceof FileInformation.EndOfFile e) {
        header.setFileSize(e.endOfFile());
        if (header.validDataLength() > e.endOfFile()) {
          header.setValidDataLength(e.endOfFile());
        }
        header.setAllocationSize(Math.max(header.allocationSize(), e.endOfFile()));
        return true;
      }
      if (information instanceof FileInformation.Allocation a) {
        header.setAllocationSize(a.allocationSize());
        return true;
      }
      return false;
    }
  }

  /** An overwrite or supersede empties the stream: its sizes go to zero. */
  public static void truncate(CommonFcbHeader header) {
    synchronized (header) {
      header.setFileSize(0);
      header.setValidDataLength(0);
    }
  }

  private static @Nullable NtStatus checkDataIo(Irp irp, @Nullable CommonFcbHeader header, boolean directoryStream) {
    FileObject fo = fileObject(irp);
    if (header == null) {
      return STATUS_INVALID_DEVICE_REQUEST;
    }
    if (!irp.isPagingIo() && fo.hasFlags(FileObject.FO_CLEANUP_COMPLETE)) {
      return STATUS_FILE_CLOSED;
    }
    if (directoryStream) {
      return STATUS_INVALID_DEVICE_REQUEST;
    }
    return null;
  }

  /**
   * Sets or clears {@code FO_DELETE_ON_CLOSE} on a file object, the I/O manager's mark of an open
   * whose handle's close deletes the file ({@code FILE_DELETE_ON_CLOSE}, or {@code
   * FILE_DISPOSITION_ON_CLOSE} later); the file system keeps its own state besides.
   *
   * @param fo the open's file object
   * @param delete the new state
   */
  public static void markDeleteOnClose(FileObject fo, boolean delete) {
    if (delete) {
      fo.setFlags(FileObject.FO_DELETE_ON_CLOSE);
    } else {
      fo.clearFlags(FileObject.FO_DELETE_ON_CLOSE);
    }
  }

  /**
   * What a delete disposition does to the file system's own bookkeeping. The one method every
   * file system has is {@link #markDeletePending}; the others answer {@code
   * FileDispositionInformationEx}'s flags and are refused unless the file system supports them.
   */
  @FunctionalInterface
  public interface Dispositions {
    /**
     * {@code FileDispositionInformation} (or the Ex class without {@code
     * FILE_DISPOSITION_ON_CLOSE}): marks the file, or for a named stream only the stream,
     * delete-pending, or clears it.
     *
     * @param delete the new state
     */
    void markDeletePending(boolean delete);

    /**
     * {@code FILE_DISPOSITION_ON_CLOSE}: sets or clears this open's delete-on-close state, as if
     * it had been opened with {@code FILE_DELETE_ON_CLOSE}.
     *
     * @param delete the new state
     * @return success, or the refusal
     */
    default NtStatus setDeleteOnClose(boolean delete) {
      return NtStatus.STATUS_NOT_SUPPORTED;
    }

    /**
     * {@code FILE_DISPOSITION_POSIX_SEMANTICS} with {@code FILE_DISPOSITION_DELETE}: the file's
     * name goes when this open's handle is closed, even if other handles are open.
     *
     * @return success, or the refusal ({@code STATUS_NOT_SUPPORTED} where POSIX deletes are not
     *     supported)
     */
    default NtStatus setPosixDelete() {
      return NtStatus.STATUS_NOT_SUPPORTED;
    }
  }

  /**
   * What a set-information or directory request needs to know of the stream a file object is
   * open on; the file system finds it from {@code FsContext}/{@code FsContext2}.
   *
   * @param header the stream's header
   * @param via the name the file object was opened through, or null (volume opens, stream file
   *     objects)
   * @param streamSuffix the stream's suffix, empty for the default stream
   * @param dispositions what a delete disposition does to the file system's bookkeeping
   */
  public record OpenStream(
      CommonFcbHeader header, Namespace.@Nullable Link via, String streamSuffix, Dispositions dispositions) {}

  /**
   * {@code IRP_MJ_SET_INFORMATION} on a namespace: end of file and allocation change the header's
   * sizes; disposition, rename and link change the names; the other classes are accepted and do
   * nothing. Completes the request.
   *
   * @param irp the request
   * @param disk the file system's namespace (guarded by the caller's VCB lock)
   * @param stream the stream the file object is open on, or null when it is not open here
   * @param hardLinks what a link request does when the file system has no hard links: null to
   *     allow links, else the status to fail with (fastfat's own answer is not documented; the
   *     models use {@code STATUS_NOT_SUPPORTED})
   * @param isOpen whether another file has live structures (such a rename or link target cannot be
   *     replaced)
   * @return the completion status
   */
  public static NtStatus setInformation(
      Irp irp,
      Namespace disk,
      @Nullable OpenStream stream,
      @Nullable NtStatus hardLinks,
      Predicate<Namespace.FileRecord> isOpen) {
    if (stream == null) {
      return irp.complete(STATUS_INVALID_PARAMETER, 0);
    }
    FileInformation info = irp.parameters(IrpParameters.SetInformation.class).information();
    if (applySizes(stream.header(), info)) {
      return irp.complete(STATUS_SUCCESS, 0);
    }
    Namespace.Link via = stream.via();
    if (info instanceof FileInformation.Basic b) {
      if (via != null && b.fileAttributes() != 0) {
        via.file().setFileAttributes(b.fileAttributes());
      }
      return irp.complete(STATUS_SUCCESS, 0);
    }
    if (!(info instanceof FileInformation.Disposition
        || info instanceof FileInformation.DispositionEx
        || info instanceof FileInformation.Rename
        || info instanceof FileInformation.Link)) {
      return irp.complete(STATUS_SUCCESS, 0);
    }
    if (via == null) {
      return irp.complete(STATUS_INVALID_PARAMETER, 0);
    }
    NtStatus st;
    if (info instanceof FileInformation.Disposition d) {
      st = d.delete() ? checkDelete(disk, via, stream.streamSuffix(), false) : STATUS_SUCCESS;
      if (st.isSuccess()) {
        stream.dispositions().markDeletePending(d.delete());
      }
    } else if (info instanceof FileInformation.DispositionEx x) {
      st = dispositionEx(disk, via, stream, x);
    } else if (info instanceof FileInformation.Rename r) {
      st = disk.rename(via, r.targetName(), r.replaceIfExists(), isOpen);
    } else {
      FileInformation.Link l = (FileInformation.Link) info;
      st = hardLinks != null ? hardLinks : disk.link(via, l.linkName(), l.replaceIfExists(), isOpen);
    }
    return irp.complete(st, 0);
  }

  /** A delete disposition's checks: the namespace's, then the read-only attribute. */
  private static NtStatus checkDelete(Namespace disk, Namespace.Link via, String streamSuffix, boolean ignoreReadOnly) {
    NtStatus st = disk.checkDelete(via, streamSuffix);
    if (st.isSuccess() && via.file().isReadOnly() && !ignoreReadOnly) {
      return STATUS_CANNOT_DELETE;
    }
    return st;
  }

  /**
   * {@code FileDispositionInformationEx}: {@code FILE_DISPOSITION_DELETE} (with the read-only check
   * unless {@code IGNORE_READONLY_ATTRIBUTE}); with {@code ON_CLOSE}, this open's delete-on-close
   * state instead of the file's delete-pending state; with {@code POSIX_SEMANTICS}, a POSIX
   * delete. {@code FORCE_IMAGE_SECTION_CHECK} has nothing to check (no image sections). Unknown
   * flags are {@code STATUS_INVALID_PARAMETER}.
   */
  private static NtStatus dispositionEx(Namespace disk, Namespace.Link via, OpenStream stream, FileInformation.DispositionEx x) {
    if ((x.flags() & ~FileInformation.DispositionEx.ALL_FLAGS) != 0) {
      return STATUS_INVALID_PARAMETER;
    }
    boolean delete = x.has(FileInformation.DispositionEx.FILE_DISPOSITION_DELETE);
    if (delete) {
      NtStatus st = checkDelete(disk, via, stream.streamSuffix(),
          x.has(FileInformation.DispositionEx.FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE));
      if (!st.isSuccess()) {
        return st;
      }
    }
    if (x.has(FileInformation.DispositionEx.FILE_DISPOSITION_ON_CLOSE)) {
      return stream.dispositions().setDeleteOnClose(delete);
    }
    if (delete && x.has(FileInformation.DispositionEx.FILE_DISPOSITION_POSIX_SEMANTICS)) {
      NtStatus st = stream.dispositions().setPosixDelete();
      if (!st.isSuccess()) {
        return st;
      }
    }
    stream.dispositions().markDeletePending(delete);
    return STATUS_SUCCESS;
  }

  // ---- Queries -------------------------------------------------------------------------------

  /**
   * What a query needs to know of the file a file object is open on.
   *
   * @param header the stream's header (its sizes)
   * @param file the file on the disk, or null for a volume open
   * @param via the name the file object was opened through, or null
   * @param streamSuffix the opened stream's suffix, empty for the default stream
   * @param deletePending whether the file (or the opened named stream) is delete-pending as this
   *     open sees it (a delete pending in another transaction is not visible)
   * @param volumeSerialNumber the volume's serial number
   */
  public record OpenFile(
      CommonFcbHeader header,
      Namespace.@Nullable FileRecord file,
      Namespace.@Nullable Link via,
      String streamSuffix,
      boolean deletePending,
      long volumeSerialNumber) {}

  /**
   * {@code IRP_MJ_QUERY_INFORMATION}: answers {@code FileBasicInformation} (the kept attributes),
   * {@code FileStandardInformation} (sizes from the header, the file's names as its link count,
   * {@code DeletePending}, {@code Directory}), {@code FileInternalInformation} and {@code
   * FileIdInformation} (the file's ID), and {@code FileNameInformation}; completes the request with
   * the record as output.
   *
   * @param irp the query
   * @param disk the namespace (guarded by the caller's VCB lock)
   * @param open the open file, or null when the file object is not open here
   * @return the completion status
   */
  public static NtStatus queryInformation(Irp irp, Namespace disk, @Nullable OpenFile open) {
    if (open == null || !(irp.parameters() instanceof IrpParameters.QueryInformation q)) {
      return irp.complete(STATUS_INVALID_PARAMETER, 0);
    }
    FileInformationClass c = q.informationClass();
    int fixed = c.fixedSize();
    if (fixed > 0 && q.length() < fixed) {
      return irp.complete(STATUS_INFO_LENGTH_MISMATCH, 0);
    }
    Namespace.FileRecord f = open.file();
    boolean defaultStream = open.streamSuffix().isEmpty();
    switch (c) {
      case FILE_BASIC_INFORMATION -> {
        int attributes = f == null ? 0 : f.fileAttributes();
        if (f != null && f.isDirectory() && defaultStream) {
          attributes |= IoConstants.FILE_ATTRIBUTE_DIRECTORY;
        }
        if (attributes == 0) {
          attributes = IoConstants.FILE_ATTRIBUTE_NORMAL;
        }
        return irp.complete(STATUS_SUCCESS, fixed, new FileInformation.Basic(0, 0, 0, 0, attributes));
      }
      case FILE_STANDARD_INFORMATION -> {
        CommonFcbHeader h = open.header();
        return irp.complete(STATUS_SUCCESS, fixed, new FileInformation.Standard(h.allocationSize(), h.fileSize(),
            f == null ? 1 : f.links().size(), open.deletePending(), f != null && f.isDirectory() && defaultStream));
      }
      case FILE_INTERNAL_INFORMATION -> {
        return f == null
            ? irp.complete(STATUS_INVALID_PARAMETER, 0)
            : irp.complete(STATUS_SUCCESS, fixed, new FileInformation.Internal(f.fileId()));
      }
      case FILE_ID_INFORMATION -> {
        return f == null
            ? irp.complete(STATUS_INVALID_PARAMETER, 0)
            : irp.complete(STATUS_SUCCESS, fixed,
                new FileInformation.Id(open.volumeSerialNumber(), FileId128.of64(f.fileId())));
      }
      case FILE_NAME_INFORMATION -> {
        String name = f == null ? "\\" : disk.nameOf(f, open.via(), open.streamSuffix());
        if (q.length() < 4) {
          return irp.complete(STATUS_INFO_LENGTH_MISMATCH, 0);
        }
        int room = (q.length() - 4) / 2;
        if (room < name.length()) {
          return irp.complete(STATUS_BUFFER_OVERFLOW, q.length(), new FileInformation.Name(name.substring(0, room)));
        }
        return irp.complete(STATUS_SUCCESS, 4 + 2L * name.length(), new FileInformation.Name(name));
      }
      default -> {
        return irp.complete(STATUS_INVALID_PARAMETER, 0);
      }
    }
  }

  /**
   * What a volume query needs to know of the volume.
   *
   * @param serialNumber the volume serial number
   * @param label the volume label
   * @param fileSystemName the name {@code FileFsAttributeInformation} reports, such as {@code NTFS}
   * @param attributes {@code FILE_*} file-system attribute flags ({@link FsInformation})
   * @param maximumComponentNameLength the longest name component, in characters
   * @param storage the storage the volume is on (sector size, device type, writability)
   * @param totalClusters clusters on the volume
   * @param freeClusters free clusters
   * @param sectorsPerCluster sectors per cluster
   */
  public record VolumeFacts(
      int serialNumber,
      String label,
      String fileSystemName,
      int attributes,
      int maximumComponentNameLength,
      StorageDevice storage,
      long totalClusters,
      long freeClusters,
      int sectorsPerCluster) {}

  /**
   * {@code IRP_MJ_QUERY_VOLUME_INFORMATION}: answers the volume, size, full-size, device,
   * attribute, object-ID (when the attributes include {@code FILE_SUPPORTS_OBJECT_IDS}; the
   * volume's object ID is its GUID) and sector-size classes; completes the request with the record
   * as output.
   *
   * @param irp the query
   * @param facts the volume's description
   * @return the completion status
   */
  public static NtStatus queryVolumeInformation(Irp irp, VolumeFacts facts) {
    if (!(irp.parameters() instanceof IrpParameters.QueryVolumeInformation q)) {
      return irp.complete(STATUS_INVALID_PARAMETER, 0);
    }
    FsInformationClass c = q.fsInformationClass();
    if (c == FsInformationClass.OTHER || c == FsInformationClass.FILE_FS_LABEL_INFORMATION) {
      return irp.complete(STATUS_INVALID_INFO_CLASS, 0);
    }
    if (q.length() < c.size()) {
      return irp.complete(STATUS_INFO_LENGTH_MISMATCH, 0);
    }
    StorageDevice s = facts.storage();
    int bytesPerSector = s.sectorSize();
    int attributes = facts.attributes() | (s.writable() ? 0 : FsInformation.FILE_READ_ONLY_VOLUME);
    switch (c) {
      case FILE_FS_VOLUME_INFORMATION -> {
        // VolumeLabel starts 18 bytes into FILE_FS_VOLUME_INFORMATION.
        String label = cut(facts.label(), q.length() - 18);
        FsInformation.Volume v = new FsInformation.Volume(0, facts.serialNumber(), label,
            (attributes & FsInformation.FILE_SUPPORTS_OBJECT_IDS) != 0);
        return label.length() < facts.label().length()
            ? irp.complete(STATUS_BUFFER_OVERFLOW, q.length(), v)
            : irp.complete(STATUS_SUCCESS, 18 + 2L * label.length(), v);
      }
      case FILE_FS_SIZE_INFORMATION -> {
        return irp.complete(STATUS_SUCCESS, c.size(), new FsInformation.Size(
            facts.totalClusters(), facts.freeClusters(), facts.sectorsPerCluster(), bytesPerSector));
      }
      case FILE_FS_FULL_SIZE_INFORMATION -> {
        return irp.complete(STATUS_SUCCESS, c.size(), new FsInformation.FullSize(facts.totalClusters(),
            facts.freeClusters(), facts.freeClusters(), facts.sectorsPerCluster(), bytesPerSector));
      }
      case FILE_FS_DEVICE_INFORMATION -> {
        return irp.complete(STATUS_SUCCESS, c.size(), new FsInformation.Device(s.deviceType(), s.characteristics()));
      }
      case FILE_FS_ATTRIBUTE_INFORMATION -> {
        // FileSystemName starts 12 bytes into FILE_FS_ATTRIBUTE_INFORMATION.
        String name = cut(facts.fileSystemName(), q.length() - 12);
        FsInformation.Attribute a = new FsInformation.Attribute(attributes, facts.maximumComponentNameLength(), name);
        return name.length() < facts.fileSystemName().length()
            ? irp.complete(STATUS_BUFFER_OVERFLOW, q.length(), a)
            : irp.complete(STATUS_SUCCESS, 12 + 2L * name.length(), a);
      }
      case FILE_FS_OBJECT_ID_INFORMATION -> {
        // MS-FSA 2.1.5.13.8: a file system without object IDs fails with STATUS_INVALID_PARAMETER.
        return (attributes & FsInformation.FILE_SUPPORTS_OBJECT_IDS) == 0
            ? irp.complete(STATUS_INVALID_PARAMETER, 0)
            : irp.complete(STATUS_SUCCESS, c.size(), new FsInformation.ObjectId(s.volumeGuid()));
      }
      case FILE_FS_SECTOR_SIZE_INFORMATION -> {
        return irp.complete(STATUS_SUCCESS, c.size(),
            new FsInformation.SectorSize(bytesPerSector, bytesPerSector, bytesPerSector));
      }
      default -> {
        return irp.complete(STATUS_INVALID_PARAMETER, 0);
      }
    }
  }

  private static String cut(String s, int bytes) {
    int chars = Math.max(0, bytes / 2);
    return chars >= s.length() ? s : s.substring(0, chars);
  }

  // ---- Object IDs ----------------------------------------------------------------------------

  /**
   * The object-ID controls as MS-FSA 2.1.5.10 describes them for a file system that supports object
   * IDs: {@code FSCTL_GET_OBJECT_ID} ({@code STATUS_OBJECTID_NOT_FOUND} without one), {@code
   * FSCTL_CREATE_OR_GET_OBJECT_ID} (makes one, birth volume the volume's GUID, birth object the
   * new ID; {@code STATUS_MEDIA_WRITE_PROTECTED} on a read-only volume), {@code
   * FSCTL_SET_OBJECT_ID} ({@code STATUS_OBJECT_NAME_COLLISION} when the file has one), {@code
   * FSCTL_DELETE_OBJECT_ID}. An output buffer shorter than {@code FILE_OBJECTID_BUFFER} is {@code
   * STATUS_INVALID_PARAMETER}; other codes are {@code STATUS_INVALID_DEVICE_REQUEST}. New IDs are
   * derived from the volume GUID and the file ID, so runs are reproducible.
   *
   * @param irp the file-system control
   * @param file the file, or null for a volume open
   * @param storage the volume's storage (GUID, writability)
   * @return the completion status
   */
  public static NtStatus objectIdControl(Irp irp, Namespace.@Nullable FileRecord file, StorageDevice storage) {
    IrpParameters.FileSystemControl p = irp.parameters(IrpParameters.FileSystemControl.class);
    int code = p.fsControlCode();
    boolean known = code == FsControlCodes.FSCTL_GET_OBJECT_ID || code == FsControlCodes.FSCTL_CREATE_OR_GET_OBJECT_ID
        || code == FsControlCodes.FSCTL_SET_OBJECT_ID || code == FsControlCodes.FSCTL_DELETE_OBJECT_ID;
    if (!known) {
      return irp.complete(STATUS_INVALID_DEVICE_REQUEST, 0);
    }
    if (file == null) {
      return irp.complete(STATUS_INVALID_PARAMETER, 0);
    }
    FileObjectIdBuffer id = file.objectId();
    if (code == FsControlCodes.FSCTL_GET_OBJECT_ID || code == FsControlCodes.FSCTL_CREATE_OR_GET_OBJECT_ID) {
      if (p.outputBufferLength() < FileObjectIdBuffer.SIZE) {
        return irp.complete(STATUS_INVALID_PARAMETER, 0);
      }
      if (id == null) {
        if (code == FsControlCodes.FSCTL_GET_OBJECT_ID) {
          return irp.complete(STATUS_OBJECTID_NOT_FOUND, 0);
        }
        if (!storage.writable()) {
          return irp.complete(STATUS_MEDIA_WRITE_PROTECTED, 0);
        }
        UUID objectId = UUID.nameUUIDFromBytes(
            (storage.volumeGuid() + "/" + file.fileId()).getBytes(StandardCharsets.UTF_8));
        id = new FileObjectIdBuffer(objectId, storage.volumeGuid(), objectId, FileObjectIdBuffer.EMPTY);
        file.setObjectId(id);
      }
      return irp.complete(STATUS_SUCCESS, FileObjectIdBuffer.SIZE, id);
    }
    if (!storage.writable()) {
      return irp.complete(STATUS_MEDIA_WRITE_PROTECTED, 0);
    }
    if (code == FsControlCodes.FSCTL_SET_OBJECT_ID) {
      if (!(p.inputBuffer() instanceof FileObjectIdBuffer in)) {
        return irp.complete(STATUS_INVALID_PARAMETER, 0);
      }
      if (id != null) {
        return irp.complete(STATUS_OBJECT_NAME_COLLISION, 0);
      }
      file.setObjectId(in);
      return irp.complete(STATUS_SUCCESS, 0);
    }
    file.setObjectId(null);
    return irp.complete(STATUS_SUCCESS, 0);
  }

  /**
   * {@code IRP_MJ_DIRECTORY_CONTROL} / {@code IRP_MN_QUERY_DIRECTORY}: counts the entries of the
   * opened directory that match the pattern. Completes the request.
   *
   * @param irp the request
   * @param disk the namespace (guarded by the caller's VCB lock)
   * @param directory the directory's name the file object was opened through, or null when it is
   *     not an open directory
   * @return {@code STATUS_SUCCESS} with the count, {@code STATUS_NO_MORE_FILES}, or {@code
   *     STATUS_INVALID_PARAMETER}
   */
  public static NtStatus queryDirectory(Irp irp, Namespace disk, Namespace.@Nullable Link directory) {
    if (directory == null || !directory.file().isDirectory()) {
      return irp.complete(STATUS_INVALID_PARAMETER, 0);
    }
    String pattern = irp.parameters(IrpParameters.DirectoryControl.class).pattern();
    long n = disk.countEntries(directory, pattern);
    return irp.complete(n == 0 ? STATUS_NO_MORE_FILES : STATUS_SUCCESS, n);
  }

  /**
   * {@code IRP_MJ_NETWORK_QUERY_OPEN}: succeeds when the named stream exists, opening nothing.
   *
   * @param irp the request
   * @param disk the namespace (guarded by the caller's VCB lock)
   * @return the completion status
   */
  public static NtStatus networkQueryOpen(Irp irp, Namespace disk) {
    String path = irp.parameters(IrpParameters.Create.class).fileName();
    boolean found = path.isEmpty() || disk.exists(path);
    return irp.complete(found ? STATUS_SUCCESS : STATUS_OBJECT_NAME_NOT_FOUND, 0);
  }

  /**
   * The requests a model answers without looking at its structures: byte-range locks (not kept),
   * flushes (nothing cached) and security (no descriptors) succeed; file-system controls and
   * anything else fail with {@code STATUS_INVALID_DEVICE_REQUEST}. Completes the request.
   *
   * @param irp the request
   * @return the completion status
   */
  public static NtStatus simple(Irp irp) {
    return switch (irp.majorFunction()) {
      case LOCK_CONTROL, FLUSH_BUFFERS, QUERY_SECURITY, SET_SECURITY -> irp.complete(STATUS_SUCCESS, 0);
      default -> irp.complete(STATUS_INVALID_DEVICE_REQUEST, 0);
    };
  }

  /** {@code STATUS_NOT_SUPPORTED}, the models' answer to a hard-link request without hard links. */
  public static final NtStatus NO_HARD_LINKS = STATUS_NOT_SUPPORTED;
}
