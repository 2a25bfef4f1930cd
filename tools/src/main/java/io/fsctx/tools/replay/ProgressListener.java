package io.fsctx.tools.replay;

/**
 * Told how far a replay has got. The engine calls {@link #started} once, {@link #advanced} after
 * every counted row, and {@link #finished} once (also when the replay fails), all from the replay
 * thread; implementations must be cheap and must never write to standard output.
 *
 * <p>Thread safety: called from one thread.
 */
public interface ProgressListener {

  /** A listener that does nothing. */
  ProgressListener NONE = new ProgressListener() {};

  /**
   * The replay starts.
   *
   * @param totalRows the number of counted rows that will be judged, or -1 when it is not known
   *     (a trace read once from a stream)
   */
  default void started(long totalRows) {}

  /**
   * Rows have been judged.
   *
   * @param doneRows counted rows judged so far
   */
  default void advanced(long doneRows) {}

  /** The replay ended, normally or not. */
  default void finished() {}
}
