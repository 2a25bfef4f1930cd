package io.fsctx.fsrtl;

import io.fsctx.nt.PoolBlock;
import org.jspecify.annotations.Nullable;

/**
 * {@code FAST_MUTEX}: an exclusive, non-recursive lock. In an advanced header it guards the size
 * fields and, on a {@code V0} header (no push lock), the {@code FilterContexts} list; shared
 * requests acquire it exclusively. The file system owns its storage and must keep it alive until
 * after {@code FsRtlTeardownPerStreamContexts}, as fastfat and cdfs do.
 *
 * <p>FsRtl's per-file tracking block is a fast mutex too ({@code LazyContextList.Block}), built on
 * the same lock without this class's pool block, which it never has.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class FastMutex extends ExclusiveHeaderLock {
  private final @Nullable PoolBlock memory;

  /** Creates an initialised fast mutex ({@code ExInitializeFastMutex}) outside any allocation. */
  public FastMutex() {
    this(null);
  }

  /**
   * Creates an initialised fast mutex ({@code ExInitializeFastMutex}) embedded in a pool block,
   * such as fastfat's {@code NON_PAGED_FCB.AdvancedFcbHeaderMutex}: freeing the block frees the
   * mutex, which must not happen before the header's teardown.
   *
   * @param memory the block it lives in, or null
   */
  public FastMutex(@Nullable PoolBlock memory) {
    this.memory = memory;
    checkBuiltIn(memory, this);
  }

  @Override
  public @Nullable PoolBlock memory() {
    return memory;
  }
}
