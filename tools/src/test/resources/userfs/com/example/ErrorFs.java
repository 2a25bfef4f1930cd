package com.example;

/** A method throws an Error (an assertion of the author's) while check-fs runs it. */
public final class ErrorFs extends io.fsctx.modelfs.FatLikeFileSystem {
  public ErrorFs() {
    super("error", io.fsctx.modelfs.toolkit.ClosePolicy.DELAYED);
  }

  @Override
  public boolean supportsNamedStreams() {
    throw new AssertionError("stream table corrupt");
  }
}
