package io.fsctx.tools.checkfs;

import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.HeaderKind;

/** A file system {@code check-fs --class} must refuse: it has no public no-arg constructor. */
public final class NoDefaultConstructorFileSystem extends FileSystemDriver {
  /**
   * Needs a name.
   *
   * @param name the file system's name
   */
  public NoDefaultConstructorFileSystem(String name) {
    super(name, HeaderKind.ADVANCED, ClosePolicy.IMMEDIATE);
  }
}
