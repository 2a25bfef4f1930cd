package com.example;

/** A base class the test deletes after compiling, so NeedsDepFs cannot be loaded. */
public abstract class DepBase extends io.fsctx.modelfs.FatLikeFileSystem {
  protected DepBase() {
    super("dep", io.fsctx.modelfs.toolkit.ClosePolicy.DELAYED);
  }
}
