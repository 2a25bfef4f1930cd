package io.fsctx.tools.checkfs;

import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.modelfs.FatLikeFileSystem;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.nt.PoolBlock;

/**
 * A user's file system as {@code check-fs --class} loads it (public, public no-arg constructor)
 * whose only flaw is a warning: its paging file's header keeps filter-context support, which
 * Microsoft only strongly encourages third-party file systems to clear.
 */
public final class PagingFileClaimsSupportFileSystem extends FatLikeFileSystem {
  /** The constructor {@code check-fs} calls. */
  public PagingFileClaimsSupportFileSystem() {
    super("paging-file-claims-support", ClosePolicy.DELAYED);
  }

  @Override
  protected CommonFcbHeader initializeHeader(
      NodeType type, PoolBlock memory, String id, NonPagedFcb nonPaged, boolean pagingFile) {
    return super.initializeHeader(type, memory, id, nonPaged, false);
  }
}
