package io.fsctx.io;

import io.fsctx.fsrtl.CommonFcbHeader;

/**
 * A model file system's per-stream structure, which owns the header that {@code FsContext} of
 * every file object on the stream points at (NTFS's SCB; on a single-stream file system, the FCB
 * of Windows terms). It mirrors fastfat's counts: {@link #openCount()} counts file objects whose
 * {@code IRP_MJ_CLOSE} has not arrived (stream file objects included, like {@code OpenCount}),
 * {@link #uncleanCount()} handles whose {@code IRP_MJ_CLEANUP} has not ({@code UncleanCount}).
 * When {@code openCount} drops to zero the file system frees it at once or queues it, by its
 * {@link ClosePolicy}; freeing calls {@code FsRtlTeardownPerStreamContexts} on the header.
 *
 * <p>Created and freed only by {@link FileSystemDriver}.
 *
 * <p>Thread safety: counts and state change under the file system's volume lock; the getters
 * are volatile reads, safe from any thread.
 */
public final class Scb {
  /** Where the structure is in its life. */
  public enum State {
    /** Referenced by at least one file object, or just created. */
    IN_USE,
    /** Unreferenced and waiting on the delayed-close queue. */
    DELAYED_CLOSE,
    /** Freed: torn down and unreachable. */
    FREED
  }

  private final String id;
  private final Fcb fcb;
  private final String streamKey;
  private final String streamSuffix;
  private final CommonFcbHeader header;
  private volatile int openCount;
  private volatile int uncleanCount;
  private volatile State state = State.IN_USE;
  private volatile boolean deletePending;

  Scb(String id, Fcb fcb, String streamKey, String streamSuffix, CommonFcbHeader header) {
    this.id = id;
    this.fcb = fcb;
    this.streamKey = streamKey;
    this.streamSuffix = streamSuffix;
    this.header = header;
  }

  /** The identity, such as {@code Scb#4}; also the header's id. */
  public String id() {
    return id;
  }

  /** The per-file structure this stream belongs to. */
  public Fcb fcb() {
    return fcb;
  }

  /**
   * The stream's name as a suffix of the file's path: empty for the default stream, {@code :ads}
   * for a named stream, {@code ::$BITMAP} for a stream named by its type.
   */
  public String streamSuffix() {
    return streamSuffix;
  }

  String streamKey() {
    return streamKey;
  }

  /** The header file objects point at ({@code FsContext}); an {@code AdvancedFcbHeader} unless the file system is legacy. */
  public CommonFcbHeader header() {
    return header;
  }

  /** File objects on this stream not yet closed ({@code OpenCount}). */
  public int openCount() {
    return openCount;
  }

  /** Handles on this stream not yet cleaned up ({@code UncleanCount}). */
  public int uncleanCount() {
    return uncleanCount;
  }

  /** The life-cycle state. */
  public State state() {
    return state;
  }

  /** Whether the structure has been freed. */
  public boolean isFreed() {
    return state == State.FREED;
  }

  /** Whether this named stream is delete-pending (a default stream's deletion is the file's, see {@link Fcb}). */
  public boolean isDeletePending() {
    return deletePending;
  }

  void setDeletePending(boolean value) {
    deletePending = value;
  }

  void setState(State s) {
    state = s;
  }

  // Both counts change only under the file system's volume lock; volatile is for readers.
  @SuppressWarnings("NonAtomicVolatileUpdate")
  void addOpen(int delta) {
    openCount += delta;
  }

  @SuppressWarnings("NonAtomicVolatileUpdate")
  void addUnclean(int delta) {
    uncleanCount += delta;
  }

  @Override
  public String toString() {
    return id;
  }
}
