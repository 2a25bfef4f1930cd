package io.fsctx.modelfs.toolkit;

/**
 * When a model file system frees a stream structure whose last file object was closed.
 *
 * <p>Thread safety: immutable.
 */
public enum ClosePolicy {
  /** Free it inside that {@code IRP_MJ_CLOSE} (so stream contexts die before stream-handle contexts). */
  IMMEDIATE,
  /**
   * Queue it, like fastfat's delayed close or cdfs's delayed-close queue ({@link
   * DelayedCloseQueue}); the file system's flush or its dismount frees it later, and a new open
   * before that takes it off the queue. Delete-pending streams are never delayed.
   */
  DELAYED
}
