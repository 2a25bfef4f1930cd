package io.fsctx.fsrtl;

/**
 * {@code PFREE_FUNCTION}: called by the teardown routines with the context being freed. It runs
 * with no FsRtl lock held, after the context has been unlinked; it must not call into the file
 * system and must not assume the stream's file object is still alive.
 *
 * @param <C> the context type it is registered for
 */
@FunctionalInterface
public interface FreeCallback<C extends FsRtlContext> {
  /**
   * Frees the context.
   *
   * @param context the context, already off its list; the callback owns it now
   */
  void free(C context);
}
