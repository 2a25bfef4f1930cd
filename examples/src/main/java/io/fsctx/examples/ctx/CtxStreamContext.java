package io.fsctx.examples.ctx;

import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.nt.EResource;
import io.fsctx.nt.UnicodeString;
import org.jspecify.annotations.Nullable;

/**
 * {@code CTX_STREAM_CONTEXT}: CTX's stream context: the stream's latest normalized
 * name and how many creates, cleanups and closes CTX saw on it, guarded by an {@code ERESOURCE}
 * allocated separately (nonpaged in the sample). The counts are per stream, not per handle, and
 * {@code CloseCount} can exceed {@code CreateCount} when the file system opens stream file objects
 * of its own (ctx-sample §1.11.8).
 *
 * <p>Thread safety: the name and the counters are guarded by {@link #resource}, taken exclusively
 * by CTX ({@link CtxSupport#ctxAcquireResourceExclusive}); the accessors below read without the
 * lock and are meant for tests and reports once the stream is quiet.
 * Filter Manager's part, the {@link FltContext} this class extends ({@code FltAllocateContext}
 * builds it through {@link FltContextRegistration#embedded}), is safe for concurrent use.
 */
public final class CtxStreamContext extends FltContext {
  /** {@code CTX_STREAM_CONTEXT_SIZE}: {@code sizeof} on x64. */
  public static final int SIZE = 40;
  /** {@code CTX_STREAM_CONTEXT_TAG}, shown by pool tools as {@code CxSc}. */
  public static final int TAG = FltContextRegistration.tag("CxSc");

  volatile UnicodeString fileName = new UnicodeString();
  int createCount;
  int cleanupCount;
  int closeCount;
  @Nullable EResource resource;

  /**
   * Built by {@code FltAllocateContext} through the registration's factory: the context is this
   * object, as in C, where Filter Manager's header sits in front of the filter's structure.
   *
   * @throws IllegalArgumentException when the size asked for is not {@link #SIZE}
   */
  CtxStreamContext(FltContext.Allocation allocation) {
    super(CtxContexts.sized(allocation, SIZE, "CTX_STREAM_CONTEXT"));
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
