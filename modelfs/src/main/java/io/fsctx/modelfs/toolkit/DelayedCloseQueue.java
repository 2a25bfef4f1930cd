package io.fsctx.modelfs.toolkit;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * fastfat's delayed-close queue ({@code FatQueueClose} / {@code FatFspClose}) or cdfs's: stream
 * structures whose last file object was closed wait here instead of being freed at once, so a
 * quick reopen finds them alive. The file system removes one when it is opened again and drains
 * the queue when it decides (a timer, a flush, dismount), freeing each drained structure with its
 * teardown. The queue frees nothing itself.
 *
 * <p>Thread safety: not thread-safe; guard it with the file system's VCB lock, as the tables it
 * goes with.
 *
 * @param <S> the file system's stream structure
 */
public final class DelayedCloseQueue<S> {
  private final LinkedHashSet<S> queue = new LinkedHashSet<>();

  /** Creates an empty queue. */
  public DelayedCloseQueue() {}

  /**
   * Queues a structure whose last file object was closed.
   *
   * @param structure the structure, which must not be freed while queued
   */
  public void enqueue(S structure) {
    queue.add(structure);
  }

  /**
   * Takes a structure off the queue because it was opened again.
   *
   * @param structure the structure
   * @return whether it was queued
   */
  public boolean remove(S structure) {
    return queue.remove(structure);
  }

  /** Whether the structure waits on the queue. */
  public boolean contains(S structure) {
    return queue.contains(structure);
  }

  /**
   * Empties the queue, oldest first; the caller frees what it returns.
   *
   * @return the structures that were queued
   */
  public List<S> drain() {
    List<S> out = new ArrayList<>(queue);
    queue.clear();
    return out;
  }

  /** How many structures wait. */
  public int size() {
    return queue.size();
  }
}
