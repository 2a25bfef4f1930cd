package io.fsctx.fltmgr;

/**
 * {@code PFLT_CONTEXT_FREE_CALLBACK}: frees a block returned by the filter's allocate routine;
 * runs after the cleanup callback.
 */
@FunctionalInterface
public interface ContextFreeCallback {
  /**
   * Frees a block.
   *
   * @param pool the block the allocate routine returned
   * @param contextType the type
   */
  void free(Object pool, FltContextType contextType);
}
