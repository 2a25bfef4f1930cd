package io.fsctx.modelfs;

import io.fsctx.modelfs.toolkit.ClosePolicy;

/**
 * A deliberately broken {@link NtfsLikeFileSystem} that frees its stream structures without
 * calling {@code FsRtlTeardownPerStreamContexts}, modelled on WinBtrfs issue 802
 * (https://github.com/maharmstone/btrfs/issues/802): Filter Manager's per-stream control block
 * stays on the dead header's {@code FilterContexts} list, so every filter's stream and
 * stream-handle contexts on that stream are never released and non-paged pool grows (fsrtl.md
 * 7.4 and 10.4, fltmgr.md 6.5). Everything else, per-file teardown included, is what {@link
 * NtfsLikeFileSystem} does. {@code fsctx check-fs no-teardown} reports the missing call.
 *
 * <p>Thread safety: safe for concurrent requests (see {@link NtfsLikeFileSystem}).
 */
public final class NoTeardownFileSystem extends NtfsLikeFileSystem {

  /**
   * Creates an unmounted file system with the given close policy.
   *
   * @param closePolicy when unreferenced streams are freed
   */
  public NoTeardownFileSystem(ClosePolicy closePolicy) {
    super("no-teardown (NTFS-like, btrfs #802)", closePolicy);
  }

  /** Creates one that frees streams at their last close. */
  public NoTeardownFileSystem() {
    this(ClosePolicy.IMMEDIATE);
  }

  /** The bug: the SCB is freed and nothing tears its filter contexts down. */
  @Override
  protected void deleteScb(Scb scb) {
    scb.block().pool().free(scb.block());
  }
}
