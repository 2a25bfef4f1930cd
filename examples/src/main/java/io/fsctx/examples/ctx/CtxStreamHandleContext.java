package io.fsctx.examples.ctx;

import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.nt.EResource;
import io.fsctx.nt.UnicodeString;
import org.jspecify.annotations.Nullable;

/**
 * {@code CTX_STREAMHANDLE_CONTEXT}: the payload of CTX's stream-handle context: the name the
 * stream had when this file object was opened (or last renamed through it), guarded by its own
 * {@code ERESOURCE}. A rename replaces the whole context rather than updating it.
 *
 * <p>Thread safety: the name is guarded by {@link #resource}; {@link #fileName()} reads without
 * it, for tests.
 */
public final class CtxStreamHandleContext {
  /** {@code CTX_STREAMHANDLE_CONTEXT_SIZE}: {@code sizeof} on x64. */
  public static final int SIZE = 24;
  /** {@code CTX_STREAMHANDLE_CONTEXT_TAG}, shown by pool tools as {@code CxHc}. */
  public static final int TAG = FltContextRegistration.tag("CxHc");

  volatile UnicodeString fileName = new UnicodeString();
  @Nullable EResource resource;

  CtxStreamHandleContext(int size) {
    if (size != SIZE) {
      throw new IllegalArgumentException("CTX_STREAMHANDLE_CONTEXT is " + SIZE + " bytes, asked for " + size);
    }
  }

  /** {@code FileName} as {@code %wZ} prints it. */
  public String fileName() {
    return fileName.toString();
  }
}
