package io.fsctx.fsrtl;

import static com.google.common.base.Preconditions.checkArgument;

import org.jspecify.annotations.Nullable;

/**
 * {@code FSRTL_PER_FILEOBJECT_CONTEXT}: a legacy filter's context on one file object. It has no
 * free callback and no public teardown: the filter must remove and free its entries before the
 * file object's {@code IRP_MJ_CLOSE} completes, or they leak. Minifilters use stream-handle
 * contexts instead.
 *
 * <p>Thread safety: initialise before inserting; afterwards safe for concurrent use.
 */
public class PerFileObjectContext extends FsRtlContext {
  /** Creates an uninitialised context; call {@link #init} before inserting it. */
  public PerFileObjectContext() {}

  /**
   * Creates and initialises a context ({@code FsRtlInitPerFileObjectContext}).
   *
   * @param ownerId non-null
   * @param instanceId may be null
   */
  public PerFileObjectContext(Object ownerId, @Nullable Object instanceId) {
    init(ownerId, instanceId);
  }

  /**
   * {@code FsRtlInitPerFileObjectContext}.
   *
   * @param ownerId non-null
   * @param instanceId may be null
   */
  public final void init(Object ownerId, @Nullable Object instanceId) {
    checkArgument(ownerId != null, "OwnerId must be non-null (FsRtlInitPerFileObjectContext)");
    setIds(new Ids<PerFileObjectContext>(ownerId, instanceId, null));
  }
}
