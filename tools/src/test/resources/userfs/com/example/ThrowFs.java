package com.example;

/** A method throws while check-fs runs it. */
public final class ThrowFs extends io.fsctx.modelfs.FatLikeFileSystem {
  public ThrowFs() {
    super("throw", io.fsctx.modelfs.toolkit.ClosePolicy.DELAYED);
  }

  @Override
  public boolean supportsNamedStreams() {
    throw new UnsupportedOperationException("named streams: not written yet");
  }
}
