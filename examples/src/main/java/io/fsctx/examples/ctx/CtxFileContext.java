package io.fsctx.examples.ctx;

import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.nt.UnicodeString;

/**
 * {@code CTX_FILE_CONTEXT}: CTX's file context: the file's normalized name without
 * any stream suffix, captured by the first opener and never renamed (ctx-sample §1.9). It has no
 * lock: the name is written once before the context is attached and freed in the cleanup
 * callback.
 *
 * <p>Thread safety: effectively immutable while attached (written before publication).
 * Filter Manager's part, the {@link FltContext} this class extends ({@code FltAllocateContext}
 * builds it through {@link FltContextRegistration#embedded}), is safe for concurrent use.
 */
public final class CtxFileContext extends FltContext {
  /** {@code CTX_FILE_CONTEXT_SIZE}: {@code sizeof} on x64 (one UNICODE_STRING). */
  public static final int SIZE = 16;
  /** {@code CTX_FILE_CONTEXT_TAG}, shown by pool tools as {@code CxFc}. */
  public static final int TAG = FltContextRegistration.tag("CxFc");

  volatile UnicodeString fileName = new UnicodeString();

  /**
   * Built by {@code FltAllocateContext} through the registration's factory: the context is this
   * object, as in C, where Filter Manager's header sits in front of the filter's structure.
   *
   * @throws IllegalArgumentException when the size asked for is not {@link #SIZE}
   */
  CtxFileContext(FltContext.Allocation allocation) {
    super(CtxContexts.sized(allocation, SIZE, "CTX_FILE_CONTEXT"));
  }

  /** {@code FileName} as {@code %wZ} prints it. */
  public String fileName() {
    return fileName.toString();
  }
}
