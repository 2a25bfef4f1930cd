package io.fsctx.fltmgr;

/**
 * {@code PFLT_CONTEXT_CLEANUP_CALLBACK}: called exactly once for a context, just before it is
 * freed, with no Filter Manager lock held. It may call back into the API. It frees what the
 * payload owns, never the context itself.
 */
@FunctionalInterface
public interface ContextCleanupCallback {
  /**
   * Cleans up a context.
   *
   * @param context the context being freed; its payload is intact
   * @param contextType its type
   */
  void cleanup(FltContext context, FltContextType contextType);
}
