package io.fsctx.io;

/**
 * Receives {@link IoEvent}s from an {@link IoManager}. Events are delivered synchronously on the
 * thread that caused them, in the order they happened on that thread, and never while a lock of
 * the I/O manager or of a model file system is held, so a listener may call back into the I/O
 * path. Events of different threads interleave.
 *
 * <p>Thread safety: implementations must tolerate calls from many threads at once.
 */
@FunctionalInterface
public interface IoEventListener {
  /**
   * Handles one event.
   *
   * @param event the event
   */
  void onEvent(IoEvent event);
}
