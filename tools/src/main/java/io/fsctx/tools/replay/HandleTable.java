package io.fsctx.tools.replay;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import io.fsctx.nt.ProbingTable;
import java.util.ArrayList;
import java.util.HashMap;
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
 * <p>Cost. Push, peek and pop cost O(1) (a hash lookup of the key in its volume's {@link
 * ProbingTable}, which keeps no node per key, by the hash of the path as folded once when the row
 * was parsed, and O(1) list edits);
 * draining the table, most recently opened first, sorts the open file objects by open order once
 * (O(n log n) for n open, at the end of a trace) and then costs O(1) per file object. A rename costs O(k log k + m) for k file objects of the
 * renamed file and m file objects opened later under the keys they move to: never work proportional to everything that is open. Memory is proportional to the open
 * file objects: a key disappears with its last file object and a file with its last open one. A
 * key or a file keeps the path as written, which is the very string the file system keeps as the
 * file object's name, and is compared with the row's folded path one unit at a time.
 *
 * <p>Thread safety: confined to the replay thread. Ownership: the table holds the file objects
 * between their open and their close but never ends them; whoever pops or drains one owns it.
 *
 * @param <H> the file-object type
 */
public final class HandleTable<H> {
  /** Bits of an entry's {@code pidAndLetter} that hold the drive letter (26 letters). */
  private static final int LETTER_BITS = 5;
  /** The largest PID an entry holds: a trace's PID has at most ten digits, well below this. */
  static final long MAX_PID = Long.MAX_VALUE >>> LETTER_BITS;

  /**
   * One open file object, linked into its key's stack; of this class itself, the only open object
   * of a file that is the entry alone, otherwise a {@link Joined} in its file's list. It is not linked into a
   * list of every open file object in open order: that list cost eight bytes per open (issue 14),
   * and only the end of a trace needs the order ({@link #popMostRecent}), which sorts once.
   *
   * <p>A key has no object of its own: each entry carries its key, (PID, path), and the volume's
   * table holds the top entry of each key's stack. A stack object per key cost 24 bytes per file
   * opened, for the common key with one open file object (issue 14).
   */
  private static sealed class Entry<H> permits Joined {
    final H fileObject;
    /**
     * Its place in open order. An int rather than a long, and the PID and drive letter in one
     * long: the entry fits 40 bytes (48 joined) rather than 56, one per open file object (issue 14). The
     * table renumbers its entries before the count runs out ({@link #renumber}).
     */
    int sequence;
    /** The PID of its key, shifted left five bits, with the drive letter ({@code A}=0) below. */
    private final long pidAndLetter;
    /**
     * The path of its key after {@code X:}, as written ({@link StackReplayTarget#volumePath}). For a
     * path without a stream part that is the string the file system keeps as the file object's
     * name, so a key keeps no string of its own (issue 14: a folded copy was 70 bytes per file).
     * Entries of one key may spell it differently; they fold to the same path.
     */
    String rest;
    /** The next older and newer file object of the same key (a stack in open order). */
    @Nullable Entry<H> below;
    @Nullable Entry<H> above;

    Entry(H fileObject, int sequence, long pid, char letter, String rest) {
      this(fileObject, sequence, pid << LETTER_BITS | (letter - 'A'), rest);
    }

    private Entry(H fileObject, int sequence, long pidAndLetter, String rest) {
      this.fileObject = fileObject;
      this.sequence = sequence;
      this.pidAndLetter = pidAndLetter;
      this.rest = rest;
    }

    /** The PID of its key. */
    long pid() {
      return pidAndLetter >>> LETTER_BITS;
    }

    /** The drive letter: which volume's tables hold its key and file. */
    char letter() {
      return (char) ('A' + (pidAndLetter & ((1 << LETTER_BITS) - 1)));
    }
  }

  /**
   * An entry that belongs to a {@link File} object: a file opened more than once at a time,
   * through a name with a stream part, renamed, or displaced from its name. An entry of the
   * plain {@link Entry} class is its file alone, whose name is its {@link Entry#rest} ({@link
   * Named} holds the entry): the file object and the three fields here cost 24 bytes per open of
   * a new file (issue 14), and most files of a trace are opened once at a time through their
   * plain name. Made when the file is opened, or in place of a lone entry ({@link #join}).
   */
  private static final class Joined<H> extends Entry<H> {
    File<H> file;
    /** The file's other open file objects, in no particular order. */
    @Nullable Joined<H> previousOfFile;
    @Nullable Joined<H> nextOfFile;

    Joined(H fileObject, int sequence, long pid, char letter, String rest, File<H> file) {
      super(fileObject, sequence, pid, letter, rest);
      this.file = file;
    }

    /** The joined copy of a lone entry, for {@link #join}. */
    Joined(Entry<H> lone, File<H> file) {
      super(lone.fileObject, lone.sequence, lone.pidAndLetter, lone.rest);
      this.file = file;
    }
  }

  /**
   * The keys with open file objects on one volume, each by the top entry of its stack, found by
   * (path, PID) without a node or key copy.
   * A lookup's key is the row's {@link TracePath} (or a path folded with its drive, for a rename's
   * targets), and its hash the folded path's, which the read-ahead thread computed; an element's
   * hash is found again by folding its written path, so the table compares keys rather than
   * hashes ({@link ProbingTable#ProbingTable(boolean)}).
   */
  private static final class Stacks<H> extends ProbingTable<Entry<H>> {
    private final char letter;

    Stacks(char letter) {
      super(true);
      this.letter = letter;
    }

    @Override
    protected int hashOf(Entry<H> top) {
      return hash(top.pid(), foldedHash(letter, top.rest));
    }

    @Override
    protected boolean matches(Entry<H> s, Object key, long pid) {
      if (s.pid() != pid) {
        return false;
      }
      if (key instanceof TracePath p) {
        // The string the key was made from (the common case: the read-ahead thread splits a
        // repeated path once), or the same path in another spelling.
        String name = p.name();
        return (s.rest == name && name.length() + 2 == p.written().length())
            || sameFolded(s.rest, p.foldedWritten());
      }
      return key instanceof Entry<?> ? s == key : sameFolded(s.rest, (String) key);
    }

    @Nullable Entry<H> get(long pid, TracePath path) {
      return get(hashOf(pid, path), path, pid);
    }

    /** The hash of a row's key, from the folded path the read-ahead thread hashed once. */
    static int hashOf(long pid, TracePath path) {
      return hash(pid, path.foldedWritten().hashCode());
    }

    @Nullable Entry<H> get(long pid, String folded) {
      return get(hash(pid, folded.hashCode()), folded, pid);
    }

    /** Adds the first entry of a key no stack has; {@code key} is the lookup key that missed. */
    void add(Entry<H> top, Object key) {
      put(hashOf(top), key, top.pid(), top);
    }

    /** Makes {@code next}, an entry of the same key, the top in place of {@code top}. */
    void replaceTop(Entry<H> top, Entry<H> next) {
      replaceTop(hashOf(top), top, next);
    }

    /** {@link #replaceTop(Entry, Entry)} with the key's hash known (a row's path carries it). */
    void replaceTop(int hash, Entry<H> top, Entry<H> next) {
      put(hash, top, top.pid(), next);
    }

    /** Forgets the key of {@code top}, its stack's last entry. */
    void remove(Entry<H> top) {
      remove(hashOf(top), top, top.pid(), top);
    }
  }

  /**
   * The files on one volume that hold a name, by that name, found without a node: keyed as
   * {@link Stacks} is, by the row's path (its {@link TracePath#fileKey()}) or a file. An element
   * is a {@link File}, or an {@link Entry} that is its own file ({@link Entry#file} null), named
   * by its key's path.
   */
  private static final class Named<H> extends ProbingTable<Object> {
    private final char letter;

    Named(char letter) {
      super(true);
      this.letter = letter;
    }

    /** The name an element holds: a file's, or a lone entry's path. */
    private static String nameOf(Object element) {
      return element instanceof File<?> f ? java.util.Objects.requireNonNull(f.name) : ((Entry<?>) element).rest;
    }

    @Override
    protected int hashOf(Object element) {
      // An element in the table has its name.
      return foldedHash(letter, nameOf(element));
    }

    @Override
    protected boolean matches(Object element, Object key, long unused) {
      if (key instanceof TracePath p) {
        String name = nameOf(element);
        return name == p.name() || sameFolded(name, p.fileKey());
      }
      return element == key;
    }

    /** The file, or lone entry, holding the path's name, or null. */
    @Nullable Object get(TracePath path) {
      return get(path.fileKey().hashCode(), path, 0);
    }

    /** Puts a file or a lone entry under its name, which is {@code path}'s, returning what held it. */
    @Nullable Object put(Object holder, TracePath path) {
      return put(path.fileKey().hashCode(), path, 0, holder);
    }

    void remove(Object holder) {
      remove(hashOf(holder), holder, 0, holder);
    }
  }

  /** A file: the file objects opened through one name, and that name while the file holds it. */
  private static final class File<H> {
    /**
     * The name as written after {@code X:}, without a stream part or trailing backslashes ({@link
     * #fileName}: usually the file system's own string), or null once a rename displaced the file
     * from it.
     */
    @Nullable String name;
    @Nullable Joined<H> first;

    File(String name) {
      this.name = name;
    }
  }

  /** One volume's keys and named files. */
  private static final class OnVolume<H> {
    final Stacks<H> stacks;
    final Named<H> named;

    OnVolume(char letter) {
      stacks = new Stacks<>(letter);
      named = new Named<>(letter);
    }
  }

  /** A key a rename moves entries to: (PID, the new path folded with its drive). */
  private record TargetKey(long pid, String folded) {}

  private static int hash(long pid, int foldedPathHash) {
    return 31 * Long.hashCode(pid) + foldedPathHash;
  }

  /**
   * The hash of {@code X:} followed by {@code rest} folded ({@link TracePath#fold}), computed
   * without building that string: the {@link String#hashCode} of the key the row's path carries.
   */
  static int foldedHash(char letter, String rest) {
    int h = 31 * letter + ':';
    for (int i = 0, n = rest.length(); i < n; i++) {
      h = 31 * h + TracePath.fold(rest.charAt(i));
    }
    return h;
  }

  /**
   * Whether {@code rest} folded is {@code folded} past its drive ({@code X:}). Compared from the
   * end, where the paths of one directory differ.
   */
  static boolean sameFolded(String rest, String folded) {
    int n = rest.length();
    if (folded.length() != n + 2) {
      return false;
    }
    for (int i = n - 1; i >= 0; i--) {
      if (TracePath.fold(rest.charAt(i)) != folded.charAt(i + 2)) {
        return false;
      }
    }
    return true;
  }

  /** A path's name without trailing backslashes (as its {@link TracePath#fileKey()} has none). */
  private static String fileName(TracePath path) {
    String name = path.name();
    int end = name.length();
    while (end > 1 && name.charAt(end - 1) == '\\') {
      end--;
    }
    return end == name.length() ? name : name.substring(0, end);
  }

  /** The keys and named files by drive letter ({@link TracePath#volume()} is {@code A}-{@code Z}). */
  @SuppressWarnings("unchecked")
  private final @Nullable OnVolume<H>[] volumes = new OnVolume[26];

  /**
   * The open entries in open order, oldest first, made by the first {@link #popMostRecent} and
   * given up by any open or close of another kind; null when not draining.
   */
  private @Nullable ArrayList<Entry<H>> drainOrder;

  private int nextSequence;
  /** The sequence number at which {@link #push} renumbers the open entries first. */
  private final int sequenceLimit;
  private int size;
  private int files;

  /** Creates an empty table. */
  public HandleTable() {
    this(Integer.MAX_VALUE);
  }

  /**
   * Creates an empty table that renumbers its entries when {@code sequenceLimit} opens have been
   * numbered (tests: the real limit needs two billion opens).
   */
  HandleTable(int sequenceLimit) {
    checkArgument(sequenceLimit > 0, "sequence limit %s", sequenceLimit);
    this.sequenceLimit = sequenceLimit;
  }

  private @Nullable OnVolume<H> on(char letter) {
    return volumes[letter - 'A'];
  }

  private OnVolume<H> onOrNew(char letter) {
    OnVolume<H> v = volumes[letter - 'A'];
    if (v == null) {
      v = new OnVolume<>(letter);
      volumes[letter - 'A'] = v;
    }
    return v;
  }

  /** The top entry of a key, or null when it has none open. */
  private @Nullable Entry<H> find(long pid, TracePath path) {
    OnVolume<H> v = on(path.volume());
    return v == null ? null : v.stacks.get(pid, path);
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
    checkArgument(pid >= 0 && pid <= MAX_PID, "PID %s out of range", pid);
    if (nextSequence == sequenceLimit) {
      renumber();
    }
    OnVolume<H> v = onOrNew(path.volume());
    Object holder = v.named.get(path);
    // A lone entry holding the name is joined to a file object first: it may be this key's top.
    File<H> file = holder == null ? null : fileOf(v, holder);
    Entry<H> top = v.stacks.get(pid, path);
    // The key's string: the one its stack already has, so a stack of one key shares one string.
    String rest = top != null ? top.rest : StackReplayTarget.volumePath(path);
    if (file == null && rest == path.name() && fileName(path) == rest) {
      // A new file, opened through its plain name: the entry is the file (no File object).
      Entry<H> e = new Entry<>(fileObject, nextSequence++, pid, path.volume(), rest);
      link(v, e, top, pid, path);
      v.named.put(e, path);
      files++;
      drainOrder = null;
      size++;
      return;
    }
    if (file == null) {
      file = new File<>(fileName(path));
      v.named.put(file, path);
      files++;
    }
    Joined<H> e = new Joined<>(fileObject, nextSequence++, pid, path.volume(), rest, file);
    link(v, e, top, pid, path);
    e.nextOfFile = file.first;
    if (file.first != null) {
      file.first.previousOfFile = e;
    }
    file.first = e;
    drainOrder = null;
    size++;
  }

  /** Puts a new entry on top of its key's stack ({@code top}, or none yet). */
  private void link(OnVolume<H> v, Entry<H> e, @Nullable Entry<H> top, long pid, TracePath path) {
    e.below = top;
    if (top != null) {
      top.above = e;
      v.stacks.replaceTop(Stacks.hashOf(pid, path), top, e); // no refolding of the stored path
    } else {
      v.stacks.add(e, path);
    }
  }

  /**
   * The file a holder of a name stands for: the file itself, or for a lone entry a file made for
   * it now ({@link #join}), which takes its place under the name.
   */
  @SuppressWarnings("unchecked") // the table holds only this table's files and entries
  private File<H> fileOf(OnVolume<H> v, Object holder) {
    if (holder instanceof File<?> f) {
      return (File<H>) f;
    }
    Entry<H> lone = (Entry<H>) holder;
    File<H> f = join(v, lone, lone.rest);
    // Same name, same hash: the file replaces the entry in its slot.
    v.named.put(v.named.hashOf(lone), lone, 0, f);
    return f;
  }

  /**
   * Makes the file of a lone entry, holding {@code name} (or none), and puts a {@link Joined}
   * copy of the entry, its only object, in the entry's place in its key's stack. The caller puts
   * the file, or nothing, in the entry's place under the name. A drain in progress sorts again.
   */
  private File<H> join(OnVolume<H> v, Entry<H> lone, @Nullable String name) {
    File<H> f = new File<>(name);
    Joined<H> j = new Joined<>(lone, f);
    f.first = j;
    j.below = lone.below;
    j.above = lone.above;
    if (j.below != null) {
      j.below.above = j;
    }
    if (j.above != null) {
      j.above.below = j;
    } else {
      v.stacks.replaceTop(lone, j); // the lone entry was its key's top
    }
    lone.below = null;
    lone.above = null;
    drainOrder = null;
    return f;
  }

  /**
   * The top file object of a key, left in place.
   *
   * @param pid the row's PID
   * @param path the row's path
   * @return the most recently opened file object of the key still open, or null
   */
  public @Nullable H peek(long pid, TracePath path) {
    Entry<H> top = find(pid, path);
    return top == null ? null : top.fileObject;
  }

  /**
   * Removes the top file object of a key; the caller now owns it.
   *
   * @param pid the row's PID
   * @param path the row's path
   * @return the file object, or null when the key has none open
   */
  public @Nullable H pop(long pid, TracePath path) {
    Entry<H> e = find(pid, path);
    if (e == null) {
      return null;
    }
    drainOrder = null;
    remove(e);
    return e.fileObject;
  }

  /**
   * Numbers the open entries 0, 1, 2, ... in open order, so that the next open's number is the
   * count of open entries: once per {@code sequenceLimit - size} opens, which keeps the sequence an
   * int without wrapping (one sort of the open entries per two billion opens).
   */
  private void renumber() {
    List<Entry<H>> order = openEntriesInOrder();
    checkState(order.size() < sequenceLimit, "more than %s file objects open", sequenceLimit - 1);
    for (int i = 0; i < order.size(); i++) {
      order.get(i).sequence = i;
    }
    nextSequence = order.size();
  }

  /** Every open entry, found through the keys, oldest first. */
  private ArrayList<Entry<H>> openEntriesInOrder() {
    ArrayList<Entry<H>> order = new ArrayList<>(size);
    for (OnVolume<H> v : volumes) {
      if (v != null) {
        for (Entry<H> top : v.stacks.values()) {
          for (Entry<H> e = top; e != null; e = e.below) {
            order.add(e);
          }
        }
      }
    }
    order.sort((a, b) -> Integer.compare(a.sequence, b.sequence));
    return order;
  }

  /** Unlinks an entry from everything; drops its key and its file when they become empty. */
  private void remove(Entry<H> e) {
    unlinkFromStack(e);
    if (!(e instanceof Joined<H> j)) { // a lone entry is its file, and holds its name
      volumeOf(e).named.remove(e);
      files--;
      size--;
      return;
    }
    File<H> f = j.file;
    if (j.previousOfFile != null) {
      j.previousOfFile.nextOfFile = j.nextOfFile;
    } else {
      f.first = j.nextOfFile;
    }
    if (j.nextOfFile != null) {
      j.nextOfFile.previousOfFile = j.previousOfFile;
    }
    if (f.first == null) {
      if (f.name != null) {
        volumeOf(e).named.remove(f);
      }
      files--;
    }
    size--;
  }

  /** Takes an entry off its key's stack; the key goes when it was the last one. */
  private void unlinkFromStack(Entry<H> e) {
    Entry<H> below = e.below;
    if (e.above != null) {
      e.above.below = below;
    } else if (below != null) {
      volumeOf(e).stacks.replaceTop(e, below);
    } else {
      volumeOf(e).stacks.remove(e);
    }
    if (below != null) {
      below.above = e.above;
    }
    e.above = null;
    e.below = null;
  }

  /** The tables of an entry's volume (made at the first open on the volume, kept from then on). */
  private OnVolume<H> volumeOf(Entry<H> e) {
    return java.util.Objects.requireNonNull(on(e.letter()));
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
   * @throws IllegalArgumentException when the key has no open file object, or the new name is on
   *     another volume
   */
  public int moveFile(long pid, TracePath path, TracePath newName) {
    Entry<H> top = find(pid, path);
    checkArgument(top != null, "no file object is open under %s for PID %s", path, pid);
    checkArgument(newName.volume() == path.volume(), "%s is not on the volume of %s", newName, path);
    OnVolume<H> v = java.util.Objects.requireNonNull(on(path.volume()));
    File<H> file;
    if (!(top instanceof Joined<H> joined)) { // a lone entry: its file is made now, as the name moves away from its key
      v.named.remove(top);
      file = join(v, top, null);
    } else if ((file = joined.file).name != null) {
      v.named.remove(file);
    }
    file.name = fileName(newName); // before the put: the table finds an element's hash from its name
    Object displaced = v.named.put(file, newName);
    if (displaced instanceof Entry<?> lone) {
      // A lone entry loses its name but stays open under its key: it gets a nameless file.
      @SuppressWarnings("unchecked") // the table holds only this table's files and entries
      Entry<H> e = (Entry<H>) lone;
      join(v, e, null);
    } else if (displaced != null && displaced != file) {
      ((File<?>) displaced).name = null;
    }

    // Take the file's objects out of their stacks, then put them back under the new keys, newest
    // first, so that each target stack is walked at most once from its top (a merge).
    List<Entry<H>> moving = new ArrayList<>();
    for (Joined<H> e = file.first; e != null; e = e.nextOfFile) {
      moving.add(e);
      unlinkFromStack(e);
    }
    moving.sort((a, b) -> Integer.compare(b.sequence, a.sequence));
    String drive = newName.written().substring(0, 2);
    Map<TargetKey, Entry<H>> lowestInserted = new HashMap<>();
    for (Entry<H> e : moving) {
      // The new name followed by the stream part of the old key, as written.
      String oldRest = e.rest;
      int colon = oldRest.indexOf(':');
      String rest = colon < 0 ? newName.name() : newName.name() + oldRest.substring(colon);
      String folded = TracePath.fold(drive + rest);
      e.rest = rest;
      TargetKey target = new TargetKey(e.pid(), folded);
      // Insert below the newest entries opened after it; the next (older) one goes lower still.
      Entry<H> above = lowestInserted.get(target);
      Entry<H> below = above == null ? v.stacks.get(e.pid(), folded) : above.below;
      while (below != null && below.sequence > e.sequence) {
        above = below;
        below = below.below;
      }
      e.above = above;
      e.below = below;
      if (above != null) {
        above.below = e;
      } else if (below != null) {
        v.stacks.replaceTop(below, e); // newer than the key's top: it is the top now
      } else {
        v.stacks.add(e, folded); // the key had no stack
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
    ArrayList<Entry<H>> order = drainOrder;
    if (order == null) {
      // Once per drain: every open entry, found through the keys, sorted by open order. A rename
      // moves entries between keys but keeps their sequence, so the order stays right while only
      // this method removes entries.
      order = openEntriesInOrder();
      drainOrder = order;
    }
    if (order.isEmpty()) {
      drainOrder = null;
      return null;
    }
    Entry<H> e = order.remove(order.size() - 1);
    remove(e);
    return e.fileObject;
  }

  /** The number of open file objects. */
  public int size() {
    return size;
  }

  /** The number of keys with at least one open file object. */
  public int keyCount() {
    int n = 0;
    for (OnVolume<H> v : volumes) {
      n += v == null ? 0 : v.stacks.size();
    }
    return n;
  }

  /** The number of files with at least one open file object, named or not. */
  public int fileCount() {
    return files;
  }
}
