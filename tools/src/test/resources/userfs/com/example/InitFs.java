package com.example;

/** Its static initializer throws: check-fs meets an ExceptionInInitializerError. */
public final class InitFs extends io.fsctx.modelfs.FatLikeFileSystem {
  static final int SECTORS = readConfiguration();

  private static int readConfiguration() {
    throw new IllegalStateException("no configuration file");
  }

  public InitFs() {
    super("init", io.fsctx.modelfs.toolkit.ClosePolicy.DELAYED);
  }
}
