package io.fsctx.modelfs.toolkit;

import io.fsctx.nt.ProbingTable;
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
 * <p>Design note. A {@link ProbingTable} (linear probing, backward-shift deletion, so a long
 * replay of creates and deletes never slows the probes). Comparing a path with a key folds nothing
 * when the path is ASCII, the usual case.
 *
 * <p>Thread safety: not thread-safe; guarded with the rest of the disk by its file system's VCB
 * lock.
 */
final class NameTable extends ProbingTable<Namespace.Link> {
  @Override
  protected int hashOf(Namespace.Link link) {
    return link.keyHash;
  }

  @Override
  protected boolean matches(Namespace.Link link, Object key, long qualifier) {
    return sameKey(link.path(), (String) key);
  }

  /** The link whose key is {@code key}, or null. */
  Namespace.@Nullable Link get(String key) {
    return get(key.hashCode(), key, 0);
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
    return put(h, key, 0, link);
  }

  /** Takes {@code link} out when it is the one under {@code key}; false otherwise. */
  boolean remove(String key, Namespace.Link link) {
    return remove(key.hashCode(), key, 0, link);
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
