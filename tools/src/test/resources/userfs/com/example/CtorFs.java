package com.example;

/** Its constructor throws. */
public final class CtorFs extends io.fsctx.modelfs.FatLikeFileSystem {
  public CtorFs() {
    super("ctor", io.fsctx.modelfs.toolkit.ClosePolicy.DELAYED);
    throw new IllegalArgumentException("volume label missing");
  }
}
