package io.fsctx.fsrtl;

/**
 * {@code FAST_MUTEX}: an exclusive, non-recursive lock. In an advanced header it guards the size
 * fields and, on a {@code V0} header (no push lock), the {@code FilterContexts} list; shared
 * requests acquire it exclusively. The file system owns its storage and must keep it alive until
 * after {@code FsRtlTeardownPerStreamContexts}, as fastfat and cdfs do.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class FastMutex extends AbstractHeaderLock {
  /** Creates an initialised fast mutex ({@code ExInitializeFastMutex}). */
  public FastMutex() {
    super("FastMutex");
  }

  @Override
  boolean sharedIsShared() {
    return false;
  }
}
