package com.example;

/** A method recurses without end: a StackOverflowError in the user's code. */
public final class DeepFs extends io.fsctx.modelfs.FatLikeFileSystem {
  public DeepFs() {
    super("deep", io.fsctx.modelfs.toolkit.ClosePolicy.DELAYED);
  }

  @Override
  public boolean supportsNamedStreams() {
    return depth(0) > 0;
  }

  private int depth(int n) {
    return depth(n + 1) + 1;
  }
}
