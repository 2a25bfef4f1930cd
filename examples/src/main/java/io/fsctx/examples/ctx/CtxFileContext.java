package io.fsctx.examples.ctx;

import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.nt.UnicodeString;

/**
 * {@code CTX_FILE_CONTEXT}: the payload of CTX's file context: the file's normalized name without
 * any stream suffix, captured by the first opener and never renamed (ctx-sample §1.9). It has no
 * lock: the name is written once before the context is attached and freed in the cleanup
 * callback.
 *
 * <p>Thread safety: effectively immutable while attached (written before publication).
 */
public final class CtxFileContext {
  /** {@code CTX_FILE_CONTEXT_SIZE}: {@code sizeof} on x64 (one UNICODE_STRING). */
  public static final int SIZE = 16;
  /** {@code CTX_FILE_CONTEXT_TAG}, shown by pool tools as {@code CxFc}. */
  public static final int TAG = FltContextRegistration.tag("CxFc");

  volatile UnicodeString fileName = new UnicodeString();

  CtxFileContext(int size) {
    if (size != SIZE) {
      throw new IllegalArgumentException("CTX_FILE_CONTEXT is " + SIZE + " bytes, asked for " + size);
    }
  }

  /** {@code FileName} as {@code %wZ} prints it. */
  public String fileName() {
    return fileName.toString();
  }
}
