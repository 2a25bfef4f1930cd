package io.fsctx.modelfs.toolkit;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * How the model disk ({@link Namespace}) reads a path: which paths are valid, how one splits into
 * the file's part and its stream's, and the keys, folded to upper case, that the disk's tables
 * are looked up by. Kept apart from the tables, which are {@link Namespace}'s job.
 *
 * <p>Thread safety: immutable.
 */
final class NamePaths {
  /**
   * A valid path's parts: the file's ({@code \dir\file}) and the normalized stream suffix ("" for
   * the default stream).
   */
  record ParsedPath(String filePath, String streamSuffix) {}

  private final StreamNaming naming;

  /** Paths of a volume whose stream names are spelt as {@code naming} says. */
  NamePaths(StreamNaming naming) {
    this.naming = naming;
  }

  /**
   * Splits a path on the volume into the file part and the normalized stream suffix, checking
   * each component of the file part.
   *
   * @param raw such as {@code \dir\file:stream:$DATA}; trailing backslashes are dropped
   * @return the parts, or null when the path is not valid (it does not start with a backslash, a
   *     component is empty, {@code .} or {@code ..} or holds a character no name may hold, or the
   *     stream part is not one this volume spells)
   */
  @Nullable ParsedPath parse(String raw) {
    if (!raw.startsWith("\\")) {
      return null;
    }
    String path = raw;
    while (path.length() > 1 && path.endsWith("\\")) {
      path = path.substring(0, path.length() - 1);
    }
    int colon = path.indexOf(':');
    int lastSep = path.lastIndexOf('\\');
    String suffix = "";
    String filePath = path;
    if (colon >= 0) {
      if (colon < lastSep) {
        return null;
      }
      String s = naming.normalize(path.substring(colon));
      if (s == null) {
        return null;
      }
      suffix = s;
      filePath = path.substring(0, colon);
      if (filePath.length() > 1 && filePath.endsWith("\\")) {
        return null;
      }
    }
    // Each component between backslashes: not empty, not "." or "..", no character a name may
    // not hold. Scanned in place: this runs on every create.
    int start = 1;
    int n = filePath.length();
    while (n > 1 && start <= n) {
      int end = filePath.indexOf('\\', start);
      if (end < 0) {
        end = n;
      }
      int len = end - start;
      if (len == 0
          || (filePath.charAt(start) == '.' && (len == 1 || (len == 2 && filePath.charAt(start + 1) == '.')))) {
        return null;
      }
      for (int i = start; i < end; i++) {
        char ch = filePath.charAt(i);
        if (ch < 0x20 || "\"*/<>?|".indexOf(ch) >= 0) {
          return null;
        }
      }
      start = end + 1;
    }
    return new ParsedPath(filePath, suffix);
  }

  /** A rename or link target as a path: relative targets are taken in the current path's directory. */
  static String resolveTarget(String currentPath, String target) {
    if (target.startsWith("\\")) {
      return target;
    }
    String dir = parent(currentPath);
    return dir.equals("\\") ? "\\" + target : dir + "\\" + target;
  }

  /** The directory a file path is in (the root for the root and its entries). */
  static String parent(String filePath) {
    int i = filePath.lastIndexOf('\\');
    return i <= 0 ? "\\" : filePath.substring(0, i);
  }

  /** The key a path is looked up by: upper case, so names that differ only in case meet. */
  static String key(String s) {
    return s.toUpperCase(Locale.ROOT);
  }

  /**
   * {@code key(parent(filePath))}, cut from the path's key {@code fileKey} when folding kept every
   * character's place (nearly always; a character such as {@code ß} folds to two), so a create
   * folds its path once.
   */
  static String parentKey(String fileKey, String filePath) {
    return fileKey.length() == filePath.length() ? parent(fileKey) : key(parent(filePath));
  }
}
