package io.fsctx.modelfs.toolkit;

import com.google.errorprone.annotations.concurrent.GuardedBy;

/**
 * fastfat's two counts of a stream structure: {@link #openCount()} file objects whose {@code
 * IRP_MJ_CLOSE} has not come yet (stream file objects included, like {@code OpenCount}) and
 * {@link #uncleanCount()} handles whose {@code IRP_MJ_CLEANUP} has not ({@code UncleanCount}).
 * The file system frees the structure, teardown first, when {@code openCount} reaches zero (or
 * queues it for a delayed close); the counts only say when.
 *
 * <p>A file system may keep the counts in an object of their own or, as fastfat keeps them in its
 * FCB, extend this class with its stream structure, which then saves an object per stream. A
 * stream structure that extends its header instead (the NTFS-like model's SCB) keeps two int
 * fields and applies the same rules through {@link #afterCleanup} and {@link #afterClose}.
 *
 * <p>Thread safety: safe for concurrent use (each method is synchronized on this object, so a
 * subclass's monitor guards the counts); a file system usually changes the counts under its own
 * VCB lock anyway, together with its tables.
 */
public class OpenCounts {
  @GuardedBy("this")
  private int openCount;

  @GuardedBy("this")
  private int uncleanCount;

  /** Creates zero counts. */
  public OpenCounts() {}

  /** A create opened the stream: both counts go up. */
  public synchronized void opened() {
    openCount++;
    uncleanCount++;
  }

  /** A stream file object was made on the stream: {@code openCount} goes up, no handle. */
  public synchronized void openedWithoutHandle() {
    openCount++;
  }

  /**
   * {@code IRP_MJ_CLEANUP} of a handle on the stream.
   *
   * @return the handles left
   * @throws IllegalStateException when no handle was open (the file system lost count)
   */
  public synchronized int cleanedUp() {
    uncleanCount = afterCleanup(uncleanCount);
    return uncleanCount;
  }

  /**
   * {@code IRP_MJ_CLOSE} of a file object on the stream.
   *
   * @return the file objects left; at zero the structure can be freed
   * @throws IllegalStateException when no file object was open (the file system lost count)
   */
  public synchronized int closed() {
    openCount = afterClose(openCount);
    return openCount;
  }

  /**
   * {@code UncleanCount} after a cleanup, for a structure that keeps the counts in fields of its
   * own because it extends another class (an SCB that begins with its header): the same rule as
   * {@link #cleanedUp()}. Pure; the caller guards its field.
   *
   * @param uncleanCount the count before the cleanup
   * @return the count after it
   * @throws IllegalStateException when it was already 0 (the file system lost count)
   */
  public static int afterCleanup(int uncleanCount) {
    if (uncleanCount == 0) {
      throw new IllegalStateException("cleanup with UncleanCount already 0");
    }
    return uncleanCount - 1;
  }

  /**
   * {@code OpenCount} after a close, as {@link #afterCleanup} is for {@link #closed()}.
   *
   * @param openCount the count before the close
   * @return the count after it
   * @throws IllegalStateException when it was already 0 (the file system lost count)
   */
  public static int afterClose(int openCount) {
    if (openCount == 0) {
      throw new IllegalStateException("close with OpenCount already 0");
    }
    return openCount - 1;
  }

  /** {@code OpenCount}. */
  public synchronized int openCount() {
    return openCount;
  }

  /** {@code UncleanCount}. */
  public synchronized int uncleanCount() {
    return uncleanCount;
  }

  @Override
  public synchronized String toString() {
    return "OpenCount=" + openCount + " UncleanCount=" + uncleanCount;
  }
}
