package io.fsctx.tools.replay;

import io.fsctx.io.FileInformation;
import io.fsctx.modelfs.ModelFileSystem;
import io.fsctx.modelfs.toolkit.Namespace;

/**
 * Shapes a bundled model's disk by editing its {@link Namespace} under the file system's own lock
 * ({@link ModelFileSystem#editDisk}), as if the disk had been that way before the mount: missing
 * parents are made, a plain file in the way with no live FCB is turned into a directory,
 * delete-pending marks are cleared, a rename or link target's name is freed. Nothing of the file
 * system's in-memory structures changes, so an FCB never describes a file of another type.
 *
 * <p>Thread safety: confined to the replay thread; the edits themselves run under the file
 * system's lock.
 */
final class ModelDiskShaper implements DiskShaper {
  private final ModelFileSystem model;

  ModelDiskShaper(ModelFileSystem model) {
    this.model = model;
  }

  @Override
  public void shapeForOpen(String path, boolean directory) {
    String file = DiskShaper.filePart(path);
    String parent = DiskShaper.parentOf(path);
    model.editDisk((disk, inUse) -> {
      if (!isValidFilePath(disk, file) || file.equals("\\")) {
        return false;
      }
      disk.ensureDirectory(parent, inUse);
      disk.clearDeletePending(parent);
      disk.clearDeletePending(file);
      if (directory && file.equals(path)) {
        disk.turnIntoDirectory(file, inUse);
      }
      return true;
    });
  }

  @Override
  public FileInformation shapeForTarget(String target, FileInformation information) {
    model.editDisk((disk, inUse) -> {
      if (!isValidFilePath(disk, target) || target.equals("\\")) {
        return false;
      }
      disk.ensureDirectory(DiskShaper.parentOf(target), inUse);
      disk.freeName(target);
      return true;
    });
    return information;
  }

  /** Whether the disk can spell a path that has no stream part. */
  private static boolean isValidFilePath(Namespace disk, String path) {
    return path.startsWith("\\") && path.indexOf(':') < 0 && disk.normalizePath(path) != null;
  }
}
