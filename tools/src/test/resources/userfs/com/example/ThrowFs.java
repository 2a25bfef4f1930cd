package com.example;

/** A method throws while check-fs runs it. */
public final class ThrowFs extends io.fsctx.io.FileSystemDriver {
  public ThrowFs() {
    super("throw", io.fsctx.io.HeaderKind.ADVANCED, io.fsctx.io.ClosePolicy.DELAYED);
  }

  @Override
  public boolean supportsNamedStreams() {
    throw new UnsupportedOperationException("named streams: not written yet");
  }
}
