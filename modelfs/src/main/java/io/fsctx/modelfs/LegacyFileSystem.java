package io.fsctx.modelfs;

import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.nt.PoolBlock;

/**
 * A file system from before the advanced header: {@link FatLikeFileSystem} in every respect but
 * one, its FCBs (and its VCB) embed only {@code FSRTL_COMMON_FCB_HEADER}. {@code
 * FsRtlSupportsPerStreamContexts} is therefore false for all its file objects and Filter Manager
 * answers {@code STATUS_NOT_SUPPORTED} for file, stream and stream-handle contexts. There is no
 * setup to call, no teardown that could matter, and no paging-file rule to apply: a common header
 * has no filter-context flags.
 *
 * <p>Thread safety: safe for concurrent requests (see {@link FatLikeFileSystem}).
 */
public final class LegacyFileSystem extends FatLikeFileSystem {

  /**
   * Creates an unmounted legacy file system.
   *
   * @param closePolicy when unreferenced FCBs are freed
   */
  public LegacyFileSystem(ClosePolicy closePolicy) {
    super("legacy", closePolicy);
  }

  /** Creates one that frees FCBs at their last close. */
  public LegacyFileSystem() {
    this(ClosePolicy.IMMEDIATE);
  }

  /** The difference: a common header, which has nothing to set up. */
  @Override
  protected CommonFcbHeader initializeHeader(
      NodeType type, PoolBlock memory, String id, NonPagedFcb nonPaged, boolean pagingFile) {
    return new CommonFcbHeader(memory, id);
  }
}
