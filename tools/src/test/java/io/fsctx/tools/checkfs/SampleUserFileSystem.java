package io.fsctx.tools.checkfs;

import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.HeaderKind;

/**
 * A user's own file system as {@code check-fs --class} loads it: a {@link FileSystemDriver}
 * subclass with a public no-arg constructor, single-stream, advanced headers set up with {@code
 * FsRtlSetupAdvancedHeader} (so file contexts are emulated), delayed close.
 */
public final class SampleUserFileSystem extends FileSystemDriver {
  /** The constructor {@code check-fs} calls. */
  public SampleUserFileSystem() {
    super("sample-user-fs", HeaderKind.ADVANCED, ClosePolicy.DELAYED);
  }
}
