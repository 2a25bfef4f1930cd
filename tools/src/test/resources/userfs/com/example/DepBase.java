package com.example;

/** A base class the test deletes after compiling, so NeedsDepFs cannot be loaded. */
public abstract class DepBase extends io.fsctx.io.FileSystemDriver {
  protected DepBase() {
    super("dep", io.fsctx.io.HeaderKind.ADVANCED, io.fsctx.io.ClosePolicy.DELAYED);
  }
}
