package io.fsctx.fsrtl;

import static com.google.common.base.Preconditions.checkArgument;

import org.jspecify.annotations.Nullable;

/**
 * {@code FSRTL_PER_FILE_CONTEXT}: a filter's context on a file (all its streams), linked through
 * the file system's per-file slot ({@link PerFileContextSlot}). Same fields and ownership rules as
 * {@link PerStreamContext}; torn down by {@link FsRtl#teardownPerFileContexts}.
 *
 * <p>Thread safety: initialise before inserting; afterwards safe for concurrent use.
 */
public class PerFileContext extends FsRtlContext {
  private volatile @Nullable FreeCallback<? super PerFileContext> freeCallback;

  /** Creates an uninitialised context; call {@link #init} before inserting it. */
  public PerFileContext() {}

  /**
   * Creates and initialises a context ({@code FsRtlInitPerFileContext}).
   *
   * @param ownerId non-null
   * @param instanceId may be null (the page that says otherwise is a copy error, fsrtl.md 8)
   * @param freeCallback non-null
   */
  public PerFileContext(
      Object ownerId, @Nullable Object instanceId, FreeCallback<? super PerFileContext> freeCallback) {
    init(ownerId, instanceId, freeCallback);
  }

  /**
   * {@code FsRtlInitPerFileContext}.
   *
   * @param ownerId non-null
   * @param instanceId may be null
   * @param freeCallback non-null
   */
  public final void init(
      Object ownerId, @Nullable Object instanceId, FreeCallback<? super PerFileContext> freeCallback) {
    checkArgument(ownerId != null, "OwnerId must be non-null (FsRtlInitPerFileContext)");
    checkArgument(freeCallback != null, "FreeCallback must be non-null (FsRtlInitPerFileContext)");
    setIds(ownerId, instanceId);
    this.freeCallback = freeCallback;
  }

  /** The free callback, or null before {@link #init}. */
  public final @Nullable FreeCallback<? super PerFileContext> freeCallback() {
    return freeCallback;
  }

  void callFree() {
    FreeCallback<? super PerFileContext> cb = freeCallback;
    if (cb != null) {
      cb.free(this);
    }
  }
}
