package io.fsctx.nt;

import org.jspecify.annotations.Nullable;

/**
 * Told of a {@link Pool}'s allocations and frees, on the allocating or freeing thread, with no
 * pool lock held. The file-system verifier listens here to see FCBs go.
 *
 * <p>Thread safety: implementations must be safe for calls from many threads at once.
 */
public interface PoolListener {

  /**
   * A block was allocated.
   *
   * @param block the new block (no members yet)
   */
  default void onAllocate(PoolBlock block) {}

  /**
   * A block was freed; its members still show their state at the free.
   *
   * @param block the block, now freed
   */
  default void onFree(PoolBlock block) {}

  /**
   * A block was freed again; the bug check is raised right after the listeners return.
   *
   * @param block the block
   * @param where the request being served by the second free, or null outside any request
   */
  default void onDoubleFree(PoolBlock block, @Nullable Object where) {}
}
