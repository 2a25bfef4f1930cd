package io.fsctx.tools.replay;

import io.fsctx.io.FileSystemDriver;
import io.fsctx.modelfs.NtfsLikeFileSystem;

/**
 * A user's own file system as {@code --fs-class} loads it: a {@link FileSystemDriver} with a
 * public no-arg constructor that is not one of the bundled models' {@code ModelFileSystem}s, so
 * replay can only shape its disk with ordinary requests. It hands every call to an NTFS-like
 * model it keeps to itself.
 *
 * <p>Thread safety: as the NTFS-like model.
 */
public final class DelegatingUserFileSystem extends ForwardingFileSystem {
  private final FileSystemDriver inner = new NtfsLikeFileSystem();

  /** The constructor {@code --fs-class} calls. */
  public DelegatingUserFileSystem() {}

  @Override
  protected FileSystemDriver delegate() {
    return inner;
  }

  @Override
  public String fileSystemName() {
    return "delegating-user-fs";
  }
}
