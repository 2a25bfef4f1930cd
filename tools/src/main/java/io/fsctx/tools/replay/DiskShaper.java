package io.fsctx.tools.replay;

import io.fsctx.io.FileInformation;

/**
 * How a {@link TraceAnsweringFileSystem} makes the disk below it look as a trace implies, before it
 * retries a request the file system refused: {@link ModelDiskShaper} edits a bundled model's disk
 * under its lock, {@link RequestDiskShaper} sends ordinary requests to any other file system.
 * Shaping never fails loudly: what cannot be done is left undone, and the retry says so.
 *
 * <p>Thread safety: confined to the replay thread.
 */
sealed interface DiskShaper permits ModelDiskShaper, RequestDiskShaper {

  /**
   * Makes the disk able to open {@code path} with {@code FILE_OPEN_IF}: its parent a directory,
   * the parent and the file not delete-pending, and, for a directory open, the file a directory.
   *
   * @param path the path on the volume, valid for the file system ({@code \dir\file[:stream]})
   * @param directory whether the open asks for a directory ({@code FILE_DIRECTORY_FILE})
   */
  void shapeForOpen(String path, boolean directory);

  /**
   * Makes the disk able to give a file the new name {@code target} (a rename or a link): its
   * parent a directory and the name free or replaceable.
   *
   * @param target the absolute new name, without a stream part
   * @param information the rename or link buffer the file system refused
   * @return the buffer to retry with
   */
  FileInformation shapeForTarget(String target, FileInformation information);

  /** The file part of a path on the volume: everything before the stream's colon. */
  static String filePart(String path) {
    int colon = path.indexOf(':');
    return colon >= 0 ? path.substring(0, colon) : path;
  }

  /** The parent directory of a path's file part; {@code \} for a name at the root. */
  static String parentOf(String path) {
    String file = filePart(path);
    int i = file.lastIndexOf('\\');
    return i <= 0 ? "\\" : file.substring(0, i);
  }
}
