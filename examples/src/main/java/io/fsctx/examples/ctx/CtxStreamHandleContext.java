package io.fsctx.examples.ctx;

import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.nt.EResource;
import io.fsctx.nt.UnicodeString;
import org.jspecify.annotations.Nullable;

/**
 * {@code CTX_STREAMHANDLE_CONTEXT}: CTX's stream-handle context: the name the
 * stream had when this file object was opened (or last renamed through it), guarded by its own
 * {@code ERESOURCE}. A rename replaces the whole context rather than updating it.
 *
 * <p>Thread safety: the name is guarded by {@link #resource}; {@link #fileName()} reads without
 * it, for tests.
 * Filter Manager's part, the {@link FltContext} this class extends ({@code FltAllocateContext}
 * builds it through {@link FltContextRegistration#embedded}), is safe for concurrent use.
 */
public final class CtxStreamHandleContext extends FltContext {
  /** {@code CTX_STREAMHANDLE_CONTEXT_SIZE}: {@code sizeof} on x64. */
  public static final int SIZE = 24;
  /** {@code CTX_STREAMHANDLE_CONTEXT_TAG}, shown by pool tools as {@code CxHc}. */
  public static final int TAG = FltContextRegistration.tag("CxHc");

  volatile UnicodeString fileName = new UnicodeString();
  @Nullable EResource resource;

  /**
   * Built by {@code FltAllocateContext} through the registration's factory: the context is this
   * object, as in C, where Filter Manager's header sits in front of the filter's structure.
   *
   * @throws IllegalArgumentException when the size asked for is not {@link #SIZE}
   */
  CtxStreamHandleContext(FltContext.Allocation allocation) {
    super(CtxContexts.sized(allocation, SIZE, "CTX_STREAMHANDLE_CONTEXT"));
  }

  /** {@code FileName} as {@code %wZ} prints it. */
  public String fileName() {
    return fileName.toString();
  }
}
