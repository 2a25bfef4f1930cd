package io.fsctx.examples.ctx;

import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.nt.EResource;
import io.fsctx.nt.UnicodeString;
import org.jspecify.annotations.Nullable;

/**
 * {@code CTX_STREAM_CONTEXT}: the payload of CTX's stream context: the stream's latest normalized
 * name and how many creates, cleanups and closes CTX saw on it, guarded by an {@code ERESOURCE}
 * allocated separately (nonpaged in the sample). The counts are per stream, not per handle, and
 * {@code CloseCount} can exceed {@code CreateCount} when the file system opens stream file objects
 * of its own (ctx-sample §1.11.8).
 *
 * <p>Thread safety: the name and the counters are guarded by {@link #resource}, taken exclusively
 * by CTX ({@link CtxSupport#ctxAcquireResourceExclusive}); the accessors below read without the
 * lock and are meant for tests and reports once the stream is quiet.
 */
public final class CtxStreamContext {
  /** {@code CTX_STREAM_CONTEXT_SIZE}: {@code sizeof} on x64. */
  public static final int SIZE = 40;
  /** {@code CTX_STREAM_CONTEXT_TAG}, shown by pool tools as {@code CxSc}. */
  public static final int TAG = FltContextRegistration.tag("CxSc");

  volatile UnicodeString fileName = new UnicodeString();
  int createCount;
  int cleanupCount;
  int closeCount;
  @Nullable EResource resource;

  CtxStreamContext(int size) {
    if (size != SIZE) {
      throw new IllegalArgumentException("CTX_STREAM_CONTEXT is " + SIZE + " bytes, asked for " + size);
    }
  }

  /** {@code FileName} as {@code %wZ} prints it. */
  public String fileName() {
    return fileName.toString();
  }

  /** {@code CreateCount}. */
  public int createCount() {
    return createCount;
  }

  /** {@code CleanupCount}. */
  public int cleanupCount() {
    return cleanupCount;
  }

  /** {@code CloseCount}. */
  public int closeCount() {
    return closeCount;
  }
}
