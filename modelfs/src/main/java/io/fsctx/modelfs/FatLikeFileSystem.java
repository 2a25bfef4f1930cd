package io.fsctx.modelfs;

import io.fsctx.io.ClosePolicy;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.HeaderKind;
import io.fsctx.nt.NtStatus;

/**
 * A model of fastfat as filters see it: one stream per file, its advanced header set up with
 * {@code FsRtlSetupAdvancedHeader} and no per-file slot (so {@code FsRtlSupportsPerFileContexts}
 * is false and Filter Manager has to emulate file contexts per stream), and the volume's VCB
 * header set up the same way. A colon in a name fails the open with {@code
 * STATUS_OBJECT_NAME_INVALID}, as FAT has no named streams. {@code FileLinkInformation} fails with
 * {@code STATUS_NOT_SUPPORTED}: FAT has no hard links (a choice of the model; fastfat's own
 * answer to that class is not documented). Paging files get the paging-file rule, as in {@code
 * FatCreateFcb}. Names are case-insensitive and keep their case.
 *
 * <p>Thread safety: safe for concurrent requests (see {@link FileSystemDriver}).
 */
public final class FatLikeFileSystem extends FileSystemDriver {

  /**
   * Creates an unmounted FAT-like file system.
   *
   * @param closePolicy when unreferenced FCBs are freed ({@link ClosePolicy#DELAYED} mirrors
   *     fastfat's delayed close)
   */
  public FatLikeFileSystem(ClosePolicy closePolicy) {
    super("FAT-like", HeaderKind.ADVANCED, closePolicy);
  }

  /** Creates one that frees FCBs at their last close. */
  public FatLikeFileSystem() {
    this(ClosePolicy.IMMEDIATE);
  }

  /** FAT has no hard links; the link request fails with {@code STATUS_NOT_SUPPORTED}. */
  @Override
  protected NtStatus hardLinksUnsupportedStatus() {
    return NtStatus.STATUS_NOT_SUPPORTED;
  }
}
