package io.fsctx.modelfs;

import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;

/**
 * What the bundled model file systems offer beyond {@link FileSystemDriver}, for workloads and
 * tests that want to drive their caching: look a name up on the disk, flush the delayed-close
 * queue, and make an internal stream file object as fastfat does for a directory.
 *
 * <p>Thread safety: implementations are safe for concurrent use.
 */
public interface ModelFileSystem extends FileSystemDriver {

  /**
   * Whether a path names an existing file and stream on the disk.
   *
   * @param path such as {@code \dir\file} or {@code \file:ads}
   * @return whether it exists
   */
  boolean exists(String path);

  /**
   * Frees every structure waiting on the delayed-close queue that no file object references,
   * each after its teardown (fastfat's {@code FatFspClose} working through its queue).
   *
   * @return how many stream structures were freed
   */
  int flushDelayedCloses();

  /** How many stream structures wait on the delayed-close queue. */
  int delayedCloseCount();

  /**
   * {@code IoCreateStreamFileObject} on the stream a file object is open on: an internal file
   * object with {@code FO_STREAM_FILE} and no {@code FsContext2} that keeps the stream open
   * without any create; its last dereference sends {@code IRP_MJ_CLOSE} down the whole stack.
   *
   * @param openOn a file object open on one of this file system's streams
   * @return the stream file object; the caller owns its one reference and releases it with
   *     {@code IoManager.dereferenceObject}
   * @throws IllegalStateException when the file object is not open on this file system
   */
  FileObject createStreamFileObject(FileObject openOn);
}
