package io.fsctx.tools.checkfs;

import io.fsctx.modelfs.FatLikeFileSystem;
import io.fsctx.modelfs.toolkit.ClosePolicy;

/** A file system {@code check-fs --class} must refuse: it has no public no-arg constructor. */
public final class NoDefaultConstructorFileSystem extends FatLikeFileSystem {
  /**
   * Needs a name.
   *
   * @param name the file system's name
   */
  public NoDefaultConstructorFileSystem(String name) {
    super(name, ClosePolicy.IMMEDIATE);
  }
}
