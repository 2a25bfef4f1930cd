package io.fsctx.fsrtl;

import static com.google.common.base.Preconditions.checkArgument;

import org.jspecify.annotations.Nullable;

/**
 * {@code FSRTL_PER_STREAM_CONTEXT}: a filter's context on one stream, linked into the stream's
 * advanced header ({@code FilterContexts}). Use it as is or extend it, as C code embeds it in a
 * larger structure; Filter Manager's own per-stream control block is such an extension.
 *
 * <p>Ownership: after a successful insert the file system owns the context and frees it through
 * {@link FsRtl#teardownPerStreamContexts}; if the insert failed or it was removed, the filter owns
 * it again.
 *
 * <p>Thread safety: initialise before inserting; afterwards safe for concurrent use.
 */
public class PerStreamContext extends FsRtlContext {
  /** Creates an uninitialised context; call {@link #init} before inserting it. */
  public PerStreamContext() {}

  /**
   * Creates and initialises a context ({@code FsRtlInitPerStreamContext}).
   *
   * @param ownerId the owner, non-null
   * @param instanceId the instance, may be null
   * @param freeCallback called once when the stream is torn down with the context still linked
   */
  public PerStreamContext(
      Object ownerId, @Nullable Object instanceId, FreeCallback<? super PerStreamContext> freeCallback) {
    init(ownerId, instanceId, freeCallback);
  }

  /**
   * {@code FsRtlInitPerStreamContext}: assigns the ids and the free callback; leaves the link alone.
   *
   * @param ownerId the owner, non-null (a documented obligation, checked here)
   * @param instanceId the instance, may be null
   * @param freeCallback non-null
   */
  public final void init(
      Object ownerId, @Nullable Object instanceId, FreeCallback<? super PerStreamContext> freeCallback) {
    checkArgument(ownerId != null, "OwnerId must be non-null (FsRtlInitPerStreamContext)");
    init(new Ids<PerStreamContext>(ownerId, instanceId, freeCallback));
  }

  /**
   * {@code FsRtlInitPerStreamContext} with ids built once and shared: for a component that builds
   * many contexts with the same owner, instance and callback (Filter Manager's control blocks,
   * one per open stream or file, all with their volume's ids), so that each context keeps one
   * reference to them ({@link FsRtlContext.Ids}).
   *
   * @param ids the ids; its free callback must be non-null
   */
  public final void init(Ids<PerStreamContext> ids) {
    checkArgument(ids.freeCallback() != null, "FreeCallback must be non-null (FsRtlInitPerStreamContext)");
    setIds(ids);
  }

  /** The free callback, or null before {@link #init}. */
  @SuppressWarnings("unchecked") // init stores only Ids<PerStreamContext>
  public final @Nullable FreeCallback<? super PerStreamContext> freeCallback() {
    Ids<?> i = ids();
    return i == null ? null : ((Ids<PerStreamContext>) i).freeCallback();
  }

  void callFree() {
    FreeCallback<? super PerStreamContext> cb = freeCallback();
    if (cb != null) {
      cb.free(this);
    }
  }
}
