package io.fsctx.nt;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A hash table whose entries are the elements themselves, found by a key the element knows: an
 * open-addressed array with no node object per element and no copy of the key. It plays the part
 * of the kernel's {@code RTL_DYNAMIC_HASH_TABLE}, whose entries are embedded in the structures
 * they index, for the model's tables that hold one entry per open file or per name (issue 14: a
 * {@code HashMap} node is 24 bytes per entry, and its key is often a string kept only for it).
 *
 * <p>A subclass says how an element's hash is found again ({@link #hashOf}) and whether an
 * element has a key ({@link #matches}); a key is an object plus a {@code long} qualifier, such as
 * a path and the process that opened it. An element's key must not change while it is in the
 * table: take it out, change it, put it back.
 *
 * <p>Design note. Linear probing over a power-of-two array, at most two-thirds full, with
 * backward-shift deletion: no tombstones, so a long run of inserts and removals never lengthens the
 * probes. Lookups cost one hash spread and the probes of one run. The array halves when a removal
 * leaves it less than an eighth full (never below 16 slots), so a table's memory follows what it
 * holds now, not the most it ever held; the gap between the two bounds keeps a table from
 * resizing back and forth.
 *
 * <p>Thread safety: not thread-safe; the owner guards it.
 *
 * @param <E> the element type
 */
public abstract class ProbingTable<E> {
  private static final int MIN_SLOTS = 16;
  private @Nullable Object[] slots = new Object[MIN_SLOTS];
  private int size;
  /**
   * Whether a probe skips the hash test and asks {@link #matches} straight away: for a table
   * whose {@link #hashOf} is dearer than {@code matches} (it hashes a string it does not cache).
   */
  private final boolean compareKeysOnly;

  /** Creates an empty table that tests an element's hash before its key. */
  protected ProbingTable() {
    this(false);
  }

  /**
   * Creates an empty table.
   *
   * @param compareKeysOnly true when {@link #hashOf} costs more than {@link #matches}: lookups
   *     then compare keys without computing the hashes of the elements they pass, and {@code
   *     hashOf} runs only when the table grows or an element is removed
   */
  protected ProbingTable(boolean compareKeysOnly) {
    this.compareKeysOnly = compareKeysOnly;
  }

  /**
   * The hash {@code element} was put under, found from the element itself (needed to move it when
   * the table grows or a neighbour is removed).
   *
   * @param element an element in the table
   * @return the hash passed to {@link #put} for it
   */
  protected abstract int hashOf(E element);

  /**
   * Whether {@code element} has the key ({@code key}, {@code qualifier}).
   *
   * @param element an element in the table
   * @param key the key's object part
   * @param qualifier the key's second part, or 0 when the table's keys have none
   * @return whether the keys are equal
   */
  protected abstract boolean matches(E element, Object key, long qualifier);

  /**
   * The element with a key.
   *
   * @param hash the key's hash
   * @param key the key's object part
   * @param qualifier the key's second part
   * @return the element, or null
   */
  @SuppressWarnings("unchecked")
  public final @Nullable E get(int hash, Object key, long qualifier) {
    int i = find(hash, key, qualifier);
    return i < 0 ? null : (E) slots[i];
  }

  /** The slot holding the element with the key, or -1. */
  @SuppressWarnings("unchecked")
  private int find(int hash, Object key, long qualifier) {
    @Nullable Object[] s = slots;
    int mask = s.length - 1;
    for (int i = index(hash, mask); ; i = (i + 1) & mask) {
      Object e = s[i];
      if (e == null) {
        return -1;
      }
      if ((compareKeysOnly || hashOf((E) e) == hash) && matches((E) e, key, qualifier)) {
        return i;
      }
    }
  }

  /**
   * Puts {@code element} under its key, replacing the element that had the key.
   *
   * @param hash the key's hash; {@link #hashOf} must return it for {@code element} from now on
   * @param key the element's key
   * @param qualifier the key's second part
   * @param element the element
   * @return the element replaced, or null
   */
  @SuppressWarnings("unchecked")
  public final @Nullable E put(int hash, Object key, long qualifier, E element) {
    @Nullable Object[] s = slots;
    int mask = s.length - 1;
    int i = index(hash, mask);
    for (; s[i] != null; i = (i + 1) & mask) {
      E e = (E) s[i];
      if ((compareKeysOnly || hashOf(e) == hash) && matches(e, key, qualifier)) {
        s[i] = element;
        return e;
      }
    }
    s[i] = element;
    if (++size * 3 > s.length * 2) {
      grow();
    }
    return null;
  }

  /**
   * Takes {@code element} out when it is the one under the key.
   *
   * @return false when another element, or none, has the key (nothing changes)
   */
  public final boolean remove(int hash, Object key, long qualifier, E element) {
    int i = find(hash, key, qualifier);
    if (i < 0 || slots[i] != element) {
      return false;
    }
    deleteAt(i);
    if (--size * 8 < slots.length && slots.length > MIN_SLOTS) {
      resize(slots.length / 2);
    }
    return true;
  }

  /** How many elements the table holds. */
  public final int size() {
    return size;
  }

  /** The elements, in no particular order (a new list the caller owns). */
  @SuppressWarnings("unchecked")
  public final List<E> values() {
    List<E> out = new ArrayList<>(size);
    for (Object e : slots) {
      if (e != null) {
        out.add((E) e);
      }
    }
    return out;
  }

  /** Empties slot {@code i}, moving later elements of its run back so every one stays reachable. */
  @SuppressWarnings("unchecked")
  private void deleteAt(int i) {
    @Nullable Object[] s = slots;
    int mask = s.length - 1;
    int hole = i;
    for (int j = (i + 1) & mask; s[j] != null; j = (j + 1) & mask) {
      int home = index(hashOf((E) s[j]), mask);
      // The element may fill the hole when its home is not in the cyclic range (hole, j].
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        s[hole] = s[j];
        hole = j;
      }
    }
    s[hole] = null;
  }

  private void grow() {
    resize(slots.length * 2);
  }

  @SuppressWarnings("unchecked")
  private void resize(int length) {
    @Nullable Object[] old = slots;
    @Nullable Object[] s = new Object[length];
    int mask = s.length - 1;
    for (Object e : old) {
      if (e != null) {
        int i = index(hashOf((E) e), mask);
        while (s[i] != null) {
          i = (i + 1) & mask;
        }
        s[i] = e;
      }
    }
    slots = s;
  }

  /** Spreads a hash over the table (string hashes of one directory differ in their last chars). */
  private static int index(int hash, int mask) {
    return (hash * 0x9E3779B9 >>> 16 ^ hash) & mask;
  }
}
