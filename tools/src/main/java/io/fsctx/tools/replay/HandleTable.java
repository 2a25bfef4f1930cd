package io.fsctx.tools.replay;

import static com.google.common.base.Preconditions.checkArgument;

import io.fsctx.nt.ProbingTable;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Pairs trace rows with open file objects, since a Process Monitor export has no handle column.
 *
 * <p>The key is (PID, path as written, compared case-insensitively), so {@code x} and {@code
 * x::$DATA} are different keys for one stream. Each key has a stack of open file objects; a row
 * uses the top one, {@code CloseFile} pops it. Within a key, file objects are kept in the order
 * they were opened, so the top is always the most recently opened one, also after a rename merged
 * two stacks.
 *
 * <p>Files. A successful rename moves every open file object of the renamed <em>file</em>,
 * whatever its PID, to the key with the new name, keeping its PID and the stream part of its key.
 * The table knows files by how the trace opened them: the file objects opened through one name
 * (the path's file part, case-insensitively, on one volume) while any of them is still open are one
 * file, which holds that name. A rename moves the name of the file of the file object it was sent
 * on (the top of the row's key), and with it only that file's objects. A file the rename displaces
 * from the new name (a replace, or POSIX semantics, while it is still open) lives on nameless: its
 * file objects keep their keys, so later rows of those keys still find them, and a later open of
 * the name opens the renamed file. The name is never used to find what moves, since after a
 * replace two files' objects can sit under one key. Names opened through another hard link of the
 * same file, and files below a renamed directory, are other files here and keep their keys.
 *
 * <p>Cost. Push, peek and pop cost O(1) (a hash lookup of the key, the path as folded once when
 * the row was parsed, in a {@link ProbingTable} that keeps no node per key, and O(1) list edits);
 * draining the table costs O(1) per file object, most recently opened first, through a list of
 * the open file objects in open order. A rename costs O(k log k + m) for k file objects of the
 * renamed file and m file objects opened later under the keys they move to: never work proportional to everything that is open. Memory is proportional to the open
 * file objects: a key disappears with its last file object and a file with its last open one.
 *
 * <p>Thread safety: confined to the replay thread. Ownership: the table holds the file objects
 * between their open and their close but never ends them; whoever pops or drains one owns it.
 *
 * @param <H> the file-object type
 */
public final class HandleTable<H> {

  /** One open file object, linked into its key's stack, its file's list and the open order. */
  private static final class Entry<H> {
    final H fileObject;
    final long sequence;
    Stack<H> stack;
    File<H> file;
    /** The next older and newer file object of the same key (a stack in open order). */
    @Nullable Entry<H> below;
    @Nullable Entry<H> above;
    /** The file's other open file objects, in no particular order. */
    @Nullable Entry<H> previousOfFile;
    @Nullable Entry<H> nextOfFile;
    /** Every open file object, in open order. */
    @Nullable Entry<H> older;
    @Nullable Entry<H> newer;

    Entry(H fileObject, long sequence, Stack<H> stack, File<H> file) {
      this.fileObject = fileObject;
      this.sequence = sequence;
      this.stack = stack;
      this.file = file;
    }
  }

  /** A key, (PID, path folded to upper case), and its open file objects. */
  private static final class Stack<H> {
    final long pid;
    /** The path as written, folded one UTF-16 unit at a time ({@link TracePath#fold}). */
    final String folded;
    @Nullable Entry<H> top;

    Stack(long pid, String folded) {
      this.pid = pid;
      this.folded = folded;
    }
  }

  /** The keys with open file objects, each found by (folded path, PID) without a node or key copy. */
  private static final class Stacks<H> extends ProbingTable<Stack<H>> {
    @Override
    protected int hashOf(Stack<H> s) {
      return hash(s.pid, s.folded);
    }

    @Override
    protected boolean matches(Stack<H> s, Object folded, long pid) {
      return s.pid == pid && s.folded.equals(folded);
    }

    @Nullable Stack<H> get(long pid, String folded) {
      return get(hash(pid, folded), folded, pid);
    }

    void add(Stack<H> s) {
      put(hash(s.pid, s.folded), s.folded, s.pid, s);
    }

    void remove(Stack<H> s) {
      remove(hash(s.pid, s.folded), s.folded, s.pid, s);
    }
  }

  /** The files that hold a name, by that name, found without a node. */
  private static final class Named<H> extends ProbingTable<File<H>> {
    @Override
    protected int hashOf(File<H> f) {
      return java.util.Objects.requireNonNull(f.name).hashCode(); // a file in the table has its name
    }

    @Override
    protected boolean matches(File<H> f, Object name, long unused) {
      return name.equals(f.name);
    }

    @Nullable File<H> get(String name) {
      return get(name.hashCode(), name, 0);
    }

    /** Puts a file under its name, returning the file that held the name. */
    @Nullable File<H> put(File<H> f) {
      String name = java.util.Objects.requireNonNull(f.name);
      return put(name.hashCode(), name, 0, f);
    }

    void remove(String name, File<H> f) {
      remove(name.hashCode(), name, 0, f);
    }
  }

  /** A file: the file objects opened through one name, and that name while the file holds it. */
  private static final class File<H> {
    /** The name ({@link TracePath#fileKey()}), or null once a rename displaced the file from it. */
    @Nullable String name;
    @Nullable Entry<H> first;

    File(String name) {
      this.name = name;
    }
  }

  private static int hash(long pid, String folded) {
    return 31 * Long.hashCode(pid) + folded.hashCode();
  }

  private final Stacks<H> stacks = new Stacks<>();
  /** The files that hold a name, by name ({@link TracePath#fileKey()}). */
  private final Named<H> named = new Named<>();
  private @Nullable Entry<H> newest;
  private long nextSequence;
  private int size;
  private int files;

  /** Creates an empty table. */
  public HandleTable() {}

  private @Nullable Stack<H> find(long pid, TracePath path) {
    return stacks.get(pid, path.foldedWritten());
  }

  /**
   * Pushes a newly opened file object on its key's stack; it belongs to the file that holds the
   * path's name, or to a new file that takes the name when none does.
   *
   * @param pid the process that opened it
   * @param path the path as written in the {@code CreateFile} row
   * @param fileObject the file object; the table holds it until it is popped or drained
   */
  public void push(long pid, TracePath path, H fileObject) {
    Stack<H> stack = find(pid, path);
    if (stack == null) {
      stack = new Stack<>(pid, path.foldedWritten());
      stacks.add(stack);
    }
    File<H> file = named.get(path.fileKey());
    if (file == null) {
      file = new File<>(path.fileKey());
      named.put(file);
      files++;
    }
    Entry<H> e = new Entry<>(fileObject, nextSequence++, stack, file);
    e.below = stack.top;
    if (stack.top != null) {
      stack.top.above = e;
    }
    stack.top = e;
    e.nextOfFile = file.first;
    if (file.first != null) {
      file.first.previousOfFile = e;
    }
    file.first = e;
    e.older = newest;
    if (newest != null) {
      newest.newer = e;
    }
    newest = e;
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
    Stack<H> s = find(pid, path);
    return s == null || s.top == null ? null : s.top.fileObject;
  }

  /**
   * Removes the top file object of a key; the caller now owns it.
   *
   * @param pid the row's PID
   * @param path the row's path
   * @return the file object, or null when the key has none open
   */
  public @Nullable H pop(long pid, TracePath path) {
    Stack<H> s = find(pid, path);
    Entry<H> e = s == null ? null : s.top;
    if (e == null) {
      return null;
    }
    remove(e);
    return e.fileObject;
  }

  /** Unlinks an entry from everything; drops its key and its file when they become empty. */
  private void remove(Entry<H> e) {
    unlinkFromStack(e);
    File<H> f = e.file;
    if (e.previousOfFile != null) {
      e.previousOfFile.nextOfFile = e.nextOfFile;
    } else {
      f.first = e.nextOfFile;
    }
    if (e.nextOfFile != null) {
      e.nextOfFile.previousOfFile = e.previousOfFile;
    }
    if (f.first == null) {
      String name = f.name;
      if (name != null) {
        named.remove(name, f);
      }
      files--;
    }
    if (e.newer != null) {
      e.newer.older = e.older;
    } else {
      newest = e.older;
    }
    if (e.older != null) {
      e.older.newer = e.newer;
    }
    size--;
  }

  private void unlinkFromStack(Entry<H> e) {
    Stack<H> s = e.stack;
    if (e.above != null) {
      e.above.below = e.below;
    } else {
      s.top = e.below;
    }
    if (e.below != null) {
      e.below.above = e.above;
    }
    e.above = null;
    e.below = null;
    if (s.top == null) {
      stacks.remove(s);
    }
  }

  /**
   * Renames the file of a key's top file object (the one the rename row was sent on): the file
   * takes the new name (a file that held it lives on nameless) and every open file object of the
   * file moves to the key with the new name: same PID, the new name followed by the stream part of
   * its old key ({@code :stream[:type]}). File objects of other files stay where they are.
   *
   * @param pid the rename row's PID
   * @param path the rename row's path; its key must have an open file object
   * @param newName the new name on the same volume, without a stream part
   * @return how many file objects moved
   * @throws IllegalArgumentException when the key has no open file object
   */
  public int moveFile(long pid, TracePath path, TracePath newName) {
    Stack<H> from = find(pid, path);
    Entry<H> top = from == null ? null : from.top;
    checkArgument(top != null, "no file object is open under %s for PID %s", path, pid);
    File<H> file = top.file;
    String newKey = newName.fileKey();
    String oldName = file.name;
    if (oldName != null) {
      named.remove(oldName, file);
    }
    file.name = newKey; // before the put: the table finds an element's hash from its name
    File<H> displaced = named.put(file);
    if (displaced != null && displaced != file) {
      displaced.name = null;
    }

    // Take the file's objects out of their stacks, then put them back under the new keys, newest
    // first, so that each target stack is walked at most once from its top (a merge).
    List<Entry<H>> moving = new ArrayList<>();
    for (Entry<H> e = file.first; e != null; e = e.nextOfFile) {
      moving.add(e);
      unlinkFromStack(e);
    }
    moving.sort((a, b) -> Long.compare(b.sequence, a.sequence));
    String newBase = TracePath.fold(newName.written().substring(0, 2) + newName.name());
    Map<Stack<H>, @Nullable Entry<H>> lowestInserted = new IdentityHashMap<>();
    for (Entry<H> e : moving) {
      String oldFolded = e.stack.folded;
      int colon = oldFolded.indexOf(':', 2);
      String folded = colon < 0 ? newBase : newBase + oldFolded.substring(colon);
      if (folded.equals(newKey)) {
        folded = newKey;
      }
      Stack<H> target = stacks.get(e.stack.pid, folded);
      if (target == null) {
        target = new Stack<>(e.stack.pid, folded);
        stacks.add(target);
      }
      e.stack = target;
      // Insert below the newest entries opened after it; the next (older) one goes lower still.
      Entry<H> above = lowestInserted.get(target);
      Entry<H> below = above == null ? target.top : above.below;
      while (below != null && below.sequence > e.sequence) {
        above = below;
        below = below.below;
      }
      e.above = above;
      e.below = below;
      if (above == null) {
        target.top = e;
      } else {
        above.below = e;
      }
      if (below != null) {
        below.above = e;
      }
      lowestInserted.put(target, e);
    }
    return moving.size();
  }

  /**
   * Removes the most recently opened file object still open; the caller now owns it. Called until
   * it returns null, it drains the table in the order the end of a trace closes file objects.
   *
   * @return the file object, or null when none is open
   */
  public @Nullable H popMostRecent() {
    Entry<H> e = newest;
    if (e == null) {
      return null;
    }
    remove(e);
    return e.fileObject;
  }

  /** The number of open file objects. */
  public int size() {
    return size;
  }

  /** The number of keys with at least one open file object. */
  public int keyCount() {
    return stacks.size();
  }

  /** The number of files with at least one open file object, named or not. */
  public int fileCount() {
    return files;
  }
}
