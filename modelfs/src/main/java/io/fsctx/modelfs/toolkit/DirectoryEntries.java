package io.fsctx.modelfs.toolkit;

import org.jspecify.annotations.Nullable;

/**
 * The names directly below one directory of the model disk: a doubly-linked list threaded through
 * their {@link Namespace.Link}s, and its length, so adding, removing and counting an entry cost
 * O(1) and a name costs its directory no set node (issue 14: a {@code HashSet} entry was 24 bytes
 * of every file, more than the two links it takes in a {@code Link}).
 *
 * <p>Thread safety: not thread-safe; guarded with the rest of the disk by its file system's VCB
 * lock.
 */
final class DirectoryEntries {
  /** The directory's key in the namespace's table of directories. */
  final String key;
  Namespace.@Nullable Link first;
  int count;

  DirectoryEntries(String key) {
    this.key = key;
  }

  /** Adds a link that is in no directory's entries. */
  void add(Namespace.Link l) {
    l.entriesIn = this;
    l.previousEntry = null;
    l.nextEntry = first;
    if (first != null) {
      first.previousEntry = l;
    }
    first = l;
    count++;
  }

  /** Takes out a link that is one of these entries. */
  void remove(Namespace.Link l) {
    if (l.previousEntry != null) {
      l.previousEntry.nextEntry = l.nextEntry;
    } else {
      first = l.nextEntry;
    }
    if (l.nextEntry != null) {
      l.nextEntry.previousEntry = l.previousEntry;
    }
    l.entriesIn = null;
    l.previousEntry = null;
    l.nextEntry = null;
    count--;
  }
}
