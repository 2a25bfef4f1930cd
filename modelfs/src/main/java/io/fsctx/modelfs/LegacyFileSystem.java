package io.fsctx.modelfs;

import io.fsctx.io.ClosePolicy;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.HeaderKind;

/**
 * A file system from before the advanced header: every FCB (and the VCB) has only an {@code
 * FSRTL_COMMON_FCB_HEADER}. {@code FsRtlSupportsPerStreamContexts} is therefore false for all its
 * file objects and Filter Manager answers {@code STATUS_NOT_SUPPORTED} for file, stream and
 * stream-handle contexts. Single stream per file (a colon makes a name invalid), no hard links;
 * there is no paging-file rule to apply, as there are no filter-context flags to clear.
 *
 * <p>Thread safety: safe for concurrent requests (see {@link FileSystemDriver}).
 */
public final class LegacyFileSystem extends FileSystemDriver {

  /**
   * Creates an unmounted legacy file system.
   *
   * @param closePolicy when unreferenced FCBs are freed
   */
  public LegacyFileSystem(ClosePolicy closePolicy) {
    super("legacy", HeaderKind.COMMON, closePolicy);
  }

  /** Creates one that frees FCBs at their last close. */
  public LegacyFileSystem() {
    this(ClosePolicy.IMMEDIATE);
  }

  /** The legacy model does not mark paging files: it has no filter-context flags to clear. */
  @Override
  protected boolean isPagingFileName(String filePath) {
    return false;
  }
}
