package io.fsctx.fltmgr;

import io.fsctx.nt.PoolType;
import org.jspecify.annotations.Nullable;

/**
 * {@code PFLT_CONTEXT_ALLOCATE_CALLBACK}: the filter's own allocator for a context type.
 */
@FunctionalInterface
public interface ContextAllocateCallback {
  /**
   * Allocates the block for a context.
   *
   * @param poolType the requested pool
   * @param size Filter Manager's header plus the requested size
   * @param contextType the type
   * @return the block (any object standing for the memory), or null on failure
   */
  @Nullable Object allocate(PoolType poolType, long size, FltContextType contextType);
}
