package io.fsctx.tools.replay;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Pairs trace rows with open file objects, since a Process Monitor export has no handle column.
 *
 * <p>The key is (PID, path as written, compared case-insensitively), so {@code x} and {@code
 * x::$DATA} are different keys for one stream. Each key has a stack of open file objects; a row
 * uses the top one, {@code CloseFile} pops it. A successful rename moves every open file object of
 * the renamed file, whatever its PID, to the key with the new name, keeping its PID and the stream
 * part of its path. Within a key, file objects are kept in the order they were opened, so the top
 * is always the most recently opened one, also after a rename merged two stacks.
 *
 * <p>Memory is proportional to the number of open file objects: a key disappears with its last
 * file object.
 *
 * <p>Thread safety: confined to the replay thread. Ownership: the table holds the file objects
 * between their open and their close but never ends them; whoever pops or drains one owns it.
 *
 * @param <H> the file-object type
 */
public final class HandleTable<H> {

  private record Key(long pid, String foldedPath) {}

  private static final class Entry<H> {
    final H fileObject;
    final long sequence;
    TracePath path;

    Entry(H fileObject, long sequence, TracePath path) {
      this.fileObject = fileObject;
      this.sequence = sequence;
      this.path = path;
    }
  }

  private final Map<Key, ArrayDeque<Entry<H>>> stacks = new HashMap<>();
  private long nextSequence;
  private int size;

  /** Creates an empty table. */
  public HandleTable() {}

  private static Key key(long pid, TracePath path) {
    return new Key(pid, TracePath.fold(path.written()));
  }

  /**
   * Pushes a newly opened file object on its key's stack.
   *
   * @param pid the process that opened it
   * @param path the path as written in the {@code CreateFile} row
   * @param fileObject the file object; the table holds it until it is popped or drained
   */
  public void push(long pid, TracePath path, H fileObject) {
    stacks
        .computeIfAbsent(key(pid, path), k -> new ArrayDeque<>())
        .addLast(new Entry<>(fileObject, nextSequence++, path));
    size++;
  }

  /**
   * The top file object of a key, left in place.
   *
   * @param pid the row's PID
   * @param path the row's path
   * @return the most recently opened file object of the key still open, or null
   */
  public @Nullable H peek(long pid, TracePath path) {
    ArrayDeque<Entry<H>> s = stacks.get(key(pid, path));
    return s == null ? null : s.getLast().fileObject;
  }

  /**
   * Removes the top file object of a key; the caller now owns it.
   *
   * @param pid the row's PID
   * @param path the row's path
   * @return the file object, or null when the key has none open
   */
  public @Nullable H pop(long pid, TracePath path) {
    Key k = key(pid, path);
    ArrayDeque<Entry<H>> s = stacks.get(k);
    if (s == null) {
      return null;
    }
    Entry<H> e = s.removeLast();
    if (s.isEmpty()) {
      stacks.remove(k);
    }
    size--;
    return e.fileObject;
  }

  /**
   * Moves every open file object of a renamed file to the key with its new name: same PID, the
   * new name followed by the stream part the old key was written with ({@code :stream[:type]}).
   *
   * @param renamed any path of the renamed file (its file key decides what moves)
   * @param newName the new name on the same volume, without a stream part
   * @return how many file objects moved
   */
  public int moveFile(TracePath renamed, TracePath newName) {
    String fileKey = renamed.fileKey();
    List<Entry<H>> moved = new ArrayList<>();
    List<Long> pids = new ArrayList<>();
    for (Iterator<Map.Entry<Key, ArrayDeque<Entry<H>>>> it = stacks.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<Key, ArrayDeque<Entry<H>>> e = it.next();
      ArrayDeque<Entry<H>> s = e.getValue();
      if (!s.getFirst().path.fileKey().equals(fileKey)) {
        continue;
      }
      it.remove();
      for (Entry<H> entry : s) {
        moved.add(entry);
        pids.add(e.getKey().pid());
      }
    }
    String newBase = newName.written().substring(0, 2) + newName.name();
    for (int i = 0; i < moved.size(); i++) {
      Entry<H> entry = moved.get(i);
      TracePath np = TracePath.parse(newBase + entry.path.streamSuffix());
      if (np == null) {
        np = newName;
      }
      entry.path = np;
      ArrayDeque<Entry<H>> target = stacks.computeIfAbsent(key(pids.get(i), np), k -> new ArrayDeque<>());
      insertInOpenOrder(target, entry);
    }
    return moved.size();
  }

  private static <H> void insertInOpenOrder(ArrayDeque<Entry<H>> stack, Entry<H> entry) {
    if (stack.isEmpty() || stack.getLast().sequence < entry.sequence) {
      stack.addLast(entry);
      return;
    }
    List<Entry<H>> all = new ArrayList<>(stack);
    all.add(entry);
    all.sort(Comparator.comparingLong(x -> x.sequence));
    stack.clear();
    stack.addAll(all);
  }

  /**
   * Removes every open file object, most recently opened first; the caller now owns them.
   *
   * @return the file objects in the order they must be cleaned up and closed
   */
  public List<H> drainMostRecentFirst() {
    List<Entry<H>> all = new ArrayList<>(size);
    for (ArrayDeque<Entry<H>> s : stacks.values()) {
      all.addAll(s);
    }
    stacks.clear();
    size = 0;
    all.sort(Comparator.comparingLong((Entry<H> x) -> x.sequence).reversed());
    List<H> out = new ArrayList<>(all.size());
    for (Entry<H> e : all) {
      out.add(e.fileObject);
    }
    return out;
  }

  /** The number of open file objects. */
  public int size() {
    return size;
  }

  /** The number of keys with at least one open file object. */
  public int keyCount() {
    return stacks.size();
  }
}
