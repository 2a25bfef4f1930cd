package io.fsctx.fltmgr;

/**
 * Receives {@link ContextEvent}s synchronously, in the thread that caused them, with no framework
 * lock held. Listeners must be safe for concurrent use and should be quick.
 */
@FunctionalInterface
public interface ContextEventListener {
  /**
   * Called for each event.
   *
   * @param event the event
   */
  void onEvent(ContextEvent event);
}
