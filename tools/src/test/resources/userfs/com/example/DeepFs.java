package com.example;

/** A method recurses without end: a StackOverflowError in the user's code. */
public final class DeepFs extends io.fsctx.io.FileSystemDriver {
  public DeepFs() {
    super("deep", io.fsctx.io.HeaderKind.ADVANCED, io.fsctx.io.ClosePolicy.DELAYED);
  }

  @Override
  public boolean supportsNamedStreams() {
    return depth(0) > 0;
  }

  private int depth(int n) {
    return depth(n + 1) + 1;
  }
}
