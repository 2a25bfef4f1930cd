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
    init(new Ids<PerFileContext>(ownerId, instanceId, freeCallback));
  }

  /**
   * {@code FsRtlInitPerFileContext} with ids built once and shared: for a component that builds
   * many contexts with the same owner, instance and callback (Filter Manager's control blocks,
   * one per open stream or file, all with their volume's ids), so that each context keeps one
   * reference to them ({@link FsRtlContext.Ids}).
   *
   * @param ids the ids; its free callback must be non-null
   */
  public final void init(Ids<PerFileContext> ids) {
    checkArgument(ids.freeCallback() != null, "FreeCallback must be non-null (FsRtlInitPerFileContext)");
    setIds(ids);
  }

  /** The free callback, or null before {@link #init}. */
  @SuppressWarnings("unchecked") // init stores only Ids<PerFileContext>
  public final @Nullable FreeCallback<? super PerFileContext> freeCallback() {
    Ids<?> i = ids();
    return i == null ? null : ((Ids<PerFileContext>) i).freeCallback();
  }

  void callFree() {
    FreeCallback<? super PerFileContext> cb = freeCallback();
    if (cb != null) {
      cb.free(this);
    }
  }
}
