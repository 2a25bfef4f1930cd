package io.fsctx.modelfs.toolkit;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The names of one file on the model disk, as {@link Namespace.FileRecord} keeps them in a single
 * field: null, the one {@link Namespace.Link} itself, or an {@code ArrayList} of two or more, in
 * the order they were given (the first is the name the file was created with). Nearly every file
 * has one name, and a list of one cost 40 bytes per file (issue 14). Each operation takes the
 * field's value and, where it changes it, returns the new one.
 *
 * <p>Thread safety: none; the disk is guarded by its file system's VCB lock.
 */
final class LinkNames {
  private LinkNames() {}

  /** The names as an unmodifiable snapshot: a caller may change the names while it iterates. */
  @SuppressWarnings("unchecked") // the field holds only a Link or an ArrayList<Link>
  static List<Namespace.Link> list(@Nullable Object names) {
    if (names == null) {
      return List.of();
    }
    return names instanceof Namespace.Link one ? List.of(one) : List.copyOf((List<Namespace.Link>) names);
  }

  /** The first name, or null. */
  @SuppressWarnings("unchecked") // the field holds only a Link or an ArrayList<Link>
  static Namespace.@Nullable Link first(@Nullable Object names) {
    if (names == null || names instanceof Namespace.Link) {
      return (Namespace.Link) names;
    }
    return ((List<Namespace.Link>) names).get(0);
  }

  /** Whether {@code link} is one of the names. */
  static boolean contains(@Nullable Object names, Namespace.Link link) {
    return names == link || (names instanceof List<?> list && list.contains(link));
  }

  /** The names with {@code link} added last. */
  @SuppressWarnings("unchecked") // the field holds only a Link or an ArrayList<Link>
  static Object add(@Nullable Object names, Namespace.Link link) {
    if (names == null) {
      return link;
    }
    if (names instanceof Namespace.Link one) {
      List<Namespace.Link> two = new ArrayList<>(2);
      two.add(one);
      two.add(link);
      return two;
    }
    ((List<Namespace.Link>) names).add(link);
    return names;
  }

  /** The names without {@code link} (unchanged when it is not one of them). */
  @SuppressWarnings("unchecked") // the field holds only a Link or an ArrayList<Link>
  static @Nullable Object remove(@Nullable Object names, Namespace.Link link) {
    if (names == link) {
      return null;
    }
    if (names instanceof List<?> list) {
      List<Namespace.Link> all = (List<Namespace.Link>) list;
      all.remove(link);
      return all.size() == 1 ? all.get(0) : all; // back to one name: no list to keep
    }
    return names;
  }
}
