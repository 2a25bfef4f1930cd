package io.fsctx.modelfs.toolkit;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The model disk's names: each {@link Namespace.Link} by its path's key ({@link NamePaths#key},
 * the path in upper case), without keeping the key. A {@code HashMap<String, Link>} kept a folded
 * copy of every path and a node per name, about 80 bytes of every file on the disk (issue 14);
 * this table is an open-addressed array of the links themselves, each remembering the hash of
 * the key it was put under, and tells a link's key from its path when a lookup needs to compare.
 *
 * <p>A link's path must not change while the link is in the table: {@link Namespace} takes a
 * name out before a rename changes it and puts it back after, as it always did with its map.
 *
 * <p>Design note. Linear probing over a power-of-two array, at most two-thirds full, with
 * backward-shift deletion (no tombstones, so a long replay of creates and deletes never slows the
 * probes). Comparing a path with a key folds nothing when the path is ASCII, the usual case.
 *
 * <p>Thread safety: not thread-safe; guarded with the rest of the disk by its file system's VCB
 * lock.
 */
final class NameTable {
  private Namespace.@Nullable Link[] slots = new Namespace.Link[16];
  private int size;

  /** The link whose key is {@code key}, or null. */
  Namespace.@Nullable Link get(String key) {
    int i = find(key);
    return i < 0 ? null : slots[i];
  }

  /** The slot holding the link whose key is {@code key}, or -1. */
  private int find(String key) {
    int h = key.hashCode();
    Namespace.@Nullable Link[] s = slots;
    int mask = s.length - 1;
    for (int i = index(h, mask); ; i = (i + 1) & mask) {
      Namespace.Link l = s[i];
      if (l == null) {
        return -1;
      }
      if (l.keyHash == h && sameKey(l.path(), key)) {
        return i;
      }
    }
  }

  /** Whether a link has the key {@code key}. */
  boolean containsKey(String key) {
    return get(key) != null;
  }

  /**
   * Puts {@code link} under {@code key}, which must be its path's key, replacing the link that had
   * it.
   *
   * @return the replaced link, or null
   */
  Namespace.@Nullable Link put(String key, Namespace.Link link) {
    int h = key.hashCode();
    link.keyHash = h;
    Namespace.@Nullable Link[] s = slots;
    int mask = s.length - 1;
    int i = index(h, mask);
    for (; s[i] != null; i = (i + 1) & mask) {
      Namespace.Link l = s[i];
      if (l.keyHash == h && sameKey(l.path(), key)) {
        s[i] = link;
        return l;
      }
    }
    s[i] = link;
    if (++size * 3 > s.length * 2) {
      grow();
    }
    return null;
  }

  /** Takes {@code link} out when it is the one under {@code key}; false otherwise. */
  boolean remove(String key, Namespace.Link link) {
    int i = find(key);
    if (i < 0 || slots[i] != link) {
      return false;
    }
    deleteAt(i);
    size--;
    return true;
  }

  /** How many names the table holds. */
  int size() {
    return size;
  }

  /** The links, in no particular order (a copy). */
  List<Namespace.Link> values() {
    List<Namespace.Link> out = new ArrayList<>(size);
    for (Namespace.Link l : slots) {
      if (l != null) {
        out.add(l);
      }
    }
    return out;
  }

  /** Empties slot {@code i}, moving later links of its run back so every link stays reachable. */
  private void deleteAt(int i) {
    Namespace.@Nullable Link[] s = slots;
    int mask = s.length - 1;
    int hole = i;
    for (int j = (i + 1) & mask; s[j] != null; j = (j + 1) & mask) {
      Namespace.Link l = s[j];
      int home = index(l.keyHash, mask);
      // l may fill the hole when its home is not in the cyclic range (hole, j].
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        s[hole] = l;
        hole = j;
      }
    }
    s[hole] = null;
  }

  private void grow() {
    Namespace.@Nullable Link[] old = slots;
    Namespace.@Nullable Link[] s = new Namespace.Link[old.length * 2];
    int mask = s.length - 1;
    for (Namespace.Link l : old) {
      if (l != null) {
        int i = index(l.keyHash, mask);
        while (s[i] != null) {
          i = (i + 1) & mask;
        }
        s[i] = l;
      }
    }
    slots = s;
  }

  /** Spreads a string hash over the table (paths of one directory differ in their last chars). */
  private static int index(int hash, int mask) {
    return (hash * 0x9E3779B9 >>> 16 ^ hash) & mask;
  }

  /**
   * Whether {@code key} is {@code path}'s key. An ASCII path is compared character by character
   * (ASCII letters fold one to one); any other path is folded, since a character such as {@code ß}
   * folds to two.
   */
  static boolean sameKey(String path, String key) {
    int n = path.length();
    if (n != key.length()) {
      return NamePaths.key(path).equals(key);
    }
    for (int i = 0; i < n; i++) {
      char c = path.charAt(i);
      if (c >= 0x80) {
        return NamePaths.key(path).equals(key);
      }
      char upper = c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c;
      if (upper != key.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
