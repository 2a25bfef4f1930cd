package io.fsctx.modelfs;

import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.modelfs.toolkit.Namespace;
import java.util.function.Predicate;

/**
 * What the bundled model file systems offer beyond {@link FileSystemDriver}, for workloads and
 * tests that want to drive their caching: look a name up on the disk, flush the delayed-close
 * queue, make an internal stream file object as fastfat does for a directory, and edit the disk
 * under the file system's own lock.
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

  /**
   * Runs an edit of the disk under the file system's own lock (its VCB lock, the one its requests
   * take), as if the disk had been that way before the volume was mounted. No request path uses
   * this; it is for tools that must make the disk hold what a trace says was there (replay does,
   * when the trace says a request succeeded that this disk would refuse), using the {@link
   * Namespace}'s disk edits. Nothing of the file system's in-memory structures changes.
   *
   * @param edit the edit; it runs on the calling thread with the lock held, so it must not send
   *     requests or wait for other threads
   * @param <T> what the edit returns
   * @return what the edit returned
   */
  <T> T editDisk(DiskEdit<T> edit);

  /**
   * An edit of a model file system's disk, run by {@link #editDisk} with the lock held.
   *
   * @param <T> what the edit returns
   */
  @FunctionalInterface
  interface DiskEdit<T> {
    /**
     * Edits the disk.
     *
     * @param disk the namespace; usable only during this call
     * @param inUse tells whether a file has live in-memory structures (an FCB, open or waiting on
     *     the delayed-close queue); the namespace's edits leave the type of such files alone
     * @return anything
     */
    T apply(Namespace disk, Predicate<Namespace.FileRecord> inUse);
  }
}
