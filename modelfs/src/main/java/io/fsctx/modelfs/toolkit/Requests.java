package io.fsctx.modelfs.toolkit;

import static io.fsctx.nt.NtStatus.STATUS_END_OF_FILE;
import static io.fsctx.nt.NtStatus.STATUS_FILE_CLOSED;
import static io.fsctx.nt.NtStatus.STATUS_INVALID_DEVICE_REQUEST;
import static io.fsctx.nt.NtStatus.STATUS_INVALID_PARAMETER;
import static io.fsctx.nt.NtStatus.STATUS_NOT_SUPPORTED;
import static io.fsctx.nt.NtStatus.STATUS_NO_MORE_FILES;
import static io.fsctx.nt.NtStatus.STATUS_OBJECT_NAME_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;

import com.google.common.base.Preconditions;
import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileObject;
import io.fsctx.io.Irp;
import io.fsctx.io.IrpParameters;
import io.fsctx.nt.NtStatus;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Helpers for the requests that are not about an FCB's life: reads and writes against the sizes
 * in the stream's header (the model keeps no file data), size changes, and completion. A file
 * system finds its structure for the request, then calls these.
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
   * What a set-information or directory request needs to know of the stream a file object is
   * open on; the file system finds it from {@code FsContext}/{@code FsContext2}.
   *
   * @param header the stream's header
   * @param via the name the file object was opened through, or null (volume opens, stream file
   *     objects)
   * @param streamSuffix the stream's suffix, empty for the default stream
   * @param markDeletePending what a delete disposition does: marks the file, or for a named
   *     stream only the stream, delete-pending (the file system's own bookkeeping)
   */
  public record OpenStream(
      CommonFcbHeader header, Namespace.@Nullable Link via, String streamSuffix, Consumer<Boolean> markDeletePending) {}

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
    if (!(info instanceof FileInformation.Disposition
        || info instanceof FileInformation.Rename
        || info instanceof FileInformation.Link)) {
      return irp.complete(STATUS_SUCCESS, 0);
    }
    Namespace.Link via = stream.via();
    if (via == null) {
      return irp.complete(STATUS_INVALID_PARAMETER, 0);
    }
    NtStatus st;
    if (info instanceof FileInformation.Disposition d) {
      st = d.delete() ? disk.checkDelete(via, stream.streamSuffix()) : STATUS_SUCCESS;
      if (st.isSuccess()) {
        stream.markDeletePending().accept(d.delete());
      }
    } else if (info instanceof FileInformation.Rename r) {
      st = disk.rename(via, r.targetName(), r.replaceIfExists(), isOpen);
    } else {
      FileInformation.Link l = (FileInformation.Link) info;
      st = hardLinks != null ? hardLinks : disk.link(via, l.linkName(), l.replaceIfExists(), isOpen);
    }
    return irp.complete(st, 0);
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
