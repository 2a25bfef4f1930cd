package com.example;

/** A user's file system that passes: the FAT-like model under another name, delayed close. */
public final class GoodFs extends io.fsctx.modelfs.FatLikeFileSystem {
  public GoodFs() {
    super("good", io.fsctx.modelfs.toolkit.ClosePolicy.DELAYED);
  }
}
