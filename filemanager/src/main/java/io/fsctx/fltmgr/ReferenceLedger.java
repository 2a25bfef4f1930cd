package io.fsctx.fltmgr;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The verifier's record, at {@link VerifierLevel#TRACKING} and above, of the references one object
 * (a context or a name-information object) has handed out and not yet had back: who took each,
 * where and in which callback. It lives in a side structure created only at TRACKING, so a context
 * at OFF or COUNTING carries nothing for it.
 *
 * <h2>Pairing policy</h2>
 * A release does not say which reference it gives back, so the ledger pairs it:
 * <ol>
 *   <li>with the newest reference the releasing thread took itself (LIFO per thread: a callback
 *       that gets, gets again and releases once has left the first get outstanding, the usual
 *       shape of a forgotten release on an early-return path);
 *   <li>failing that, with the oldest reference any thread took: a reference handed to another
 *       thread (a worker item, a completion context) was taken before the hand-off and is given
 *       back there later, whereas another thread's newest references are most likely still in
 *       use by that thread.
 * </ol>
 * Each release retires exactly one entry, so the entries left always number the references still
 * held, whichever thread gives them back. Name-information references are also charged to a
 * holder (the filter), and a release retires one of the holder's entries by the same rules.
 *
 * <p>Thread safety: safe for concurrent use; every method holds the ledger's monitor, a leaf
 * lock taken after every framework lock.
 */
final class ReferenceLedger {
  /** One reference handed out. */
  static final class Entry {
    final String routine;
    final @Nullable String callback;
    final long threadId;
    final String threadName;
    final Throwable site;
    /** What the reference is charged to (name information: the filter), or null. */
    final @Nullable Object holder;

    Entry(String routine, @Nullable String callback, Throwable site, @Nullable Object holder) {
      Thread t = Thread.currentThread();
      this.routine = routine;
      this.callback = callback;
      this.threadId = t.getId();
      this.threadName = t.getName();
      this.site = site;
      this.holder = holder;
    }

    HeldReference toHeldReference(boolean withStack) {
      return new HeldReference(
          routine, callback, threadName, VerifierFinding.userFrame(site),
          withStack ? VerifierFinding.userStack(site) : List.of());
    }
  }

  @GuardedBy("this")
  private final ArrayDeque<Entry> entries = new ArrayDeque<>(2);

  /** Records a reference handed out. */
  synchronized void taken(Entry e) {
    entries.addLast(e);
  }

  /**
   * Retires one reference charged to {@code holder} given back by the current thread, by the
   * pairing policy above.
   *
   * @return false when there was none to retire
   */
  synchronized boolean retire(@Nullable Object holder) {
    long me = Thread.currentThread().getId();
    Iterator<Entry> newestFirst = entries.descendingIterator();
    while (newestFirst.hasNext()) {
      Entry e = newestFirst.next();
      if (e.holder == holder && e.threadId == me) {
        newestFirst.remove();
        return true;
      }
    }
    Iterator<Entry> oldestFirst = entries.iterator();
    while (oldestFirst.hasNext()) {
      if (oldestFirst.next().holder == holder) {
        oldestFirst.remove();
        return true;
      }
    }
    return false;
  }

  /** Forgets everything (the object was freed). */
  synchronized void clear() {
    entries.clear();
  }

  /** How many references are outstanding. */
  synchronized int size() {
    return entries.size();
  }

  /**
   * The outstanding references charged to {@code holder}, oldest first.
   *
   * @param holder the holder, or null for the references charged to nobody
   * @param withStack whether to keep each one's stack (verifier level FULL)
   */
  List<HeldReference> outstanding(@Nullable Object holder, boolean withStack) {
    List<Entry> mine = new ArrayList<>();
    synchronized (this) {
      for (Entry e : entries) {
        if (e.holder == holder) {
          mine.add(e);
        }
      }
    }
    // Stack frames are materialised outside the monitor: it is the expensive part.
    List<HeldReference> out = new ArrayList<>(mine.size());
    for (Entry e : mine) {
      out.add(e.toHeldReference(withStack));
    }
    return out;
  }
}
