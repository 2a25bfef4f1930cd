package io.fsctx.modelfs;

import io.fsctx.fsrtl.FastMutex;
import io.fsctx.modelfs.toolkit.ClosePolicy;

/**
 * A deliberately broken {@link NtfsLikeFileSystem} that sets every stream header up correctly
 * with {@code FsRtlSetupAdvancedHeaderEx} and then clears {@code Flags} and {@code Flags2}, as a
 * {@code memset} of the surrounding structure after setup would, modelled on Ext4Fsd issue 88
 * (https://github.com/bobranten/Ext4Fsd/issues/88). With {@code FSRTL_FLAG_ADVANCED_HEADER} and
 * {@code FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS} gone, {@code FsRtlSupportsPerStreamContexts} is
 * false and minifilters can set no stream, stream-handle or file context (fsrtl.md 3.2 and 5):
 * they get {@code STATUS_NOT_SUPPORTED}. {@code fsctx check-fs flags-wiped} names the cleared
 * bits.
 *
 * <p>Thread safety: safe for concurrent requests (see {@link NtfsLikeFileSystem}).
 */
public final class FlagsWipedFileSystem extends NtfsLikeFileSystem {

  /**
   * Creates an unmounted file system with the given close policy.
   *
   * @param closePolicy when unreferenced streams are freed
   */
  public FlagsWipedFileSystem(ClosePolicy closePolicy) {
    super("flags-wiped (NTFS-like, Ext4Fsd #88)", closePolicy);
  }

  /** Creates one that frees streams at their last close. */
  public FlagsWipedFileSystem() {
    this(ClosePolicy.IMMEDIATE);
  }

  /** The bug: set up as NTFS does, then {@code Flags} and {@code Flags2} are zeroed. */
  @Override
  protected void initializeScbHeader(Scb scb, FastMutex mutex, boolean pagingFile) {
    super.initializeScbHeader(scb, mutex, pagingFile);
    scb.setFlags(0);
    scb.setFlags2(0);
  }
}
