package io.fsctx.tools.replay;

import static io.fsctx.io.IoConstants.FILE_DIRECTORY_FILE;
import static io.fsctx.io.IoConstants.FILE_NON_DIRECTORY_FILE;

import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileNames;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.Irp;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.IrpParameters;
import io.fsctx.io.Volume;
import io.fsctx.nt.NtStatus;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Shapes the disk of a file system replay knows nothing about (the user's own) with ordinary
 * requests sent straight to it, below every filter: creates with {@code
 * IoCreateFileSpecifyDeviceObjectHint} and the file system's own device (so their cleanup and close
 * start there too), and set-information requests on file objects the file system opened.
 *
 * <ul>
 *   <li>A missing parent directory is created ({@code FILE_OPEN_IF}, {@code FILE_DIRECTORY_FILE}),
 *       top down.
 *   <li>A plain file where the trace has a directory is deleted (opened, {@code
 *       FileDispositionInformation} with {@code DeleteFile}, closed) and created again as a
 *       directory, but only when no file object is open on it: an open file keeps its type.
 *   <li>A delete-pending file or parent is un-marked with {@code FileDispositionInformation}
 *       ({@code DeleteFile} false) on a file object open on its default stream, when there is one.
 *   <li>A rename or link is retried with {@code ReplaceIfExists}.
 * </ul>
 *
 * <p>Thread safety: confined to the replay thread.
 */
final class RequestDiskShaper implements DiskShaper {
  private final FileSystemDriver fileSystem;
  private final Volume volume;
  private final Collection<FileObject> openFileObjects;

  /**
   * @param fileSystem the file system below the wrapper (requests on open file objects go to it)
   * @param volume its volume
   * @param openFileObjects the file objects the file system has opened and not yet closed, kept
   *     by the wrapper
   */
  RequestDiskShaper(FileSystemDriver fileSystem, Volume volume, Collection<FileObject> openFileObjects) {
    this.fileSystem = fileSystem;
    this.volume = volume;
    this.openFileObjects = openFileObjects;
  }

  @Override
  public void shapeForOpen(String path, boolean directory) {
    String file = DiskShaper.filePart(path);
    if (file.isEmpty() || file.equals("\\")) {
      return;
    }
    String parent = DiskShaper.parentOf(path);
    clearDeletePending(parent);
    if (makeDirectories(parent)) {
      clearDeletePending(file);
      if (directory && file.equals(path)) {
        CreateResult r = create(file, CreateParameters.open().withOptions(FILE_DIRECTORY_FILE));
        close(r);
        if (r.status().equals(NtStatus.STATUS_NOT_A_DIRECTORY)) {
          replaceWithDirectory(file);
        }
      }
    }
  }

  @Override
  public FileInformation shapeForTarget(String target, FileInformation information) {
    makeDirectories(DiskShaper.parentOf(target));
    return information instanceof FileInformation.Rename r
        ? new FileInformation.Rename(r.targetName(), true)
        : new FileInformation.Link(((FileInformation.Link) information).linkName(), true);
  }

  /** Creates every missing directory of {@code dir}, top down; whether it is a directory now. */
  private boolean makeDirectories(String dir) {
    if (dir.equals("\\")) {
      return true;
    }
    if (!makeDirectories(DiskShaper.parentOf(dir))) {
      return false;
    }
    CreateResult r = create(dir, CreateParameters.openIf().withOptions(FILE_DIRECTORY_FILE));
    close(r);
    if (r.isOpened()) {
      return true;
    }
    return r.status().equals(NtStatus.STATUS_NOT_A_DIRECTORY) && replaceWithDirectory(dir);
  }

  /** Deletes the plain file at {@code path} and creates a directory there, if nothing has it open. */
  private boolean replaceWithDirectory(String path) {
    if (openOn(path, false) != null) {
      return false;
    }
    CreateResult plain = create(path, CreateParameters.open().withOptions(FILE_NON_DIRECTORY_FILE));
    FileObject fo = plain.fileObject();
    if (fo == null) {
      return false;
    }
    volume.ioManager().setInformation(fo, new FileInformation.Disposition(true));
    volume.ioManager().closeHandle(fo);
    CreateResult dir = create(path, CreateParameters.create().withOptions(FILE_DIRECTORY_FILE));
    close(dir);
    return dir.isOpened();
  }

  /** Un-marks a delete-pending file through a file object open on its default stream. */
  private void clearDeletePending(String path) {
    FileObject fo = path.equals("\\") ? null : openOn(path, true);
    if (fo != null) {
      FileInformation undo = new FileInformation.Disposition(false);
      fileSystem.dispatch(new Irp(volume.ioManager().ids().next("Irp"), IrpMajorFunction.SET_INFORMATION, 0, fo,
          new IrpParameters.SetInformation(undo.defaultClass(), undo), 0));
    }
  }

  /**
   * A file object the file system has open on {@code path}: on its default stream only, or on any
   * of its streams; null when there is none.
   */
  private @Nullable FileObject openOn(String path, boolean defaultStreamOnly) {
    for (FileObject fo : List.copyOf(openFileObjects)) {
      FileNames names = fileSystem.queryFileNames(fo);
      if (names == null) {
        continue;
      }
      String name = defaultStreamOnly ? names.normalizedName() : DiskShaper.filePart(names.normalizedName());
      if (name.equalsIgnoreCase(path)) {
        return fo;
      }
    }
    return null;
  }

  private CreateResult create(String path, CreateParameters parameters) {
    return volume.ioManager().createFile(volume, path, parameters, volume.deviceStack().bottom());
  }

  private void close(CreateResult r) {
    FileObject fo = r.fileObject();
    if (fo != null) {
      volume.ioManager().closeHandle(fo);
    }
  }
}
