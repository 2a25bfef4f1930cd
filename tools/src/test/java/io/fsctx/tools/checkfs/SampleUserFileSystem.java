package io.fsctx.tools.checkfs;

import io.fsctx.modelfs.FatLikeFileSystem;
import io.fsctx.modelfs.toolkit.ClosePolicy;

/**
 * A user's own file system as {@code check-fs --class} loads it: a {@link
 * io.fsctx.io.FileSystemDriver} with a public no-arg constructor; here the FAT-like model under
 * another name (single-stream, advanced headers without a per-file slot, delayed close).
 */
public final class SampleUserFileSystem extends FatLikeFileSystem {
  /** The constructor {@code check-fs} calls. */
  public SampleUserFileSystem() {
    super("sample-user-fs", ClosePolicy.DELAYED);
  }
}
