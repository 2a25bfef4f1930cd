package com.example;

/** Its constructor throws. */
public final class CtorFs extends io.fsctx.io.FileSystemDriver {
  public CtorFs() {
    super("ctor", io.fsctx.io.HeaderKind.ADVANCED, io.fsctx.io.ClosePolicy.DELAYED);
    throw new IllegalArgumentException("volume label missing");
  }
}
