package com.example;

/** A user's file system that passes: advanced headers, delayed close. */
public final class GoodFs extends io.fsctx.io.FileSystemDriver {
  public GoodFs() {
    super("good", io.fsctx.io.HeaderKind.ADVANCED, io.fsctx.io.ClosePolicy.DELAYED);
  }
}
