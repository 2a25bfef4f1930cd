package io.fsctx.fltmgr;

import java.util.EnumSet;
import java.util.Set;

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

  /**
   * The kinds of event this listener wants: the Filter Manager builds no event of another kind
   * for it, which keeps a listener that counts allocations and frees from costing an event object
   * on every get and release. Read once, when the listener is added.
   *
   * @return the kinds; every kind unless overridden
   */
  default Set<ContextEvent.Kind> kinds() {
    return EnumSet.allOf(ContextEvent.Kind.class);
  }
}
