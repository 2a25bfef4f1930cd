package io.fsctx.tools.replay;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A {@code Path} of the trace that lies on a drive-letter volume, split as the replay contract
 * says: {@code X:} is a volume open, {@code X:\} the root directory, anything else {@code
 * X:name[:stream[:type]]}.
 *
 * <p>Keys are for comparing, not for display: they are folded to upper case one UTF-16 unit at a
 * time ({@link Character#toUpperCase(char)}, which, like NTFS's upcase table, never changes a
 * name's length). The file key identifies the file ({@code name}); the stream key identifies the
 * stream ({@code name} plus the stream name, where an empty stream name, {@code ::$DATA} included,
 * is the default stream and an empty stream name with another type such as {@code $Mft::$BITMAP}
 * names the stream by its type). A trailing backslash after a name ({@code C:\dir\}) does not
 * change the file. {@code \pagefile.sys} and {@code \swapfile.sys} at the root are paging files.
 *
 * <p>Thread safety: immutable.
 *
 * @param written the path exactly as in the trace
 * @param volume the drive letter, upper case
 * @param kind volume open, root directory or a name below the root
 * @param name the part between {@code X:} and the first stream colon, as written ({@code \} for
 *     the root, empty for a volume open)
 * @param streamName the stream name as written, empty for the default stream
 * @param streamType the stream type as written ({@code $DATA}), empty when absent
 * @param fileKey the case-folded identity of the file, with its volume ({@code C:\DIR\A.TXT})
 * @param streamKey the case-folded identity of the stream ({@code C:\DIR\A.TXT:ZONE.IDENTIFIER})
 * @param pagingFile whether this is {@code \pagefile.sys} or {@code \swapfile.sys} at the root
 * @param foldedWritten the whole path as written, folded ({@link #fold}): the replay's key for the
 *     handles opened through this very spelling; the same string as {@code fileKey} when they are
 *     equal (no stream part, no trailing backslash), so most paths carry no extra string
 */
public record TracePath(
    String written,
    char volume,
    Kind kind,
    String name,
    String streamName,
    String streamType,
    String fileKey,
    String streamKey,
    boolean pagingFile,
    String foldedWritten) {

  /** What a drive-letter path names. */
  public enum Kind {
    /** {@code X:}: the volume itself. */
    VOLUME,
    /** {@code X:\}: the root directory. */
    ROOT,
    /** {@code X:\name...}: a file or directory below the root. */
    FILE
  }

  /**
   * Splits a path, or says it is not on a drive letter.
   *
   * @param path the {@code Path} column as written
   * @return the parsed path, or null when the path is not {@code X:} or {@code X:\...} (UNC,
   *     {@code \Device\...}, pipes, monikers), or is not a valid {@code name[:stream[:type]]}
   */
  public static @Nullable TracePath parse(String path) {
    if (path.length() < 2 || path.charAt(1) != ':' || !isDriveLetter(path.charAt(0))) {
      return null;
    }
    char volume = Character.toUpperCase(path.charAt(0));
    if (path.length() == 2) {
      String key = volume + ":";
      return new TracePath(path, volume, Kind.VOLUME, "", "", "", key, key, false, key);
    }
    if (path.charAt(2) != '\\') {
      return null; // "C:foo" is drive-relative: no process's current directory is known here.
    }
    int n = path.length();
    if (path.indexOf(':', 2) < 0 && (n == 3 || path.charAt(n - 1) != '\\')) {
      // Nearly every row: no stream and no trailing separator. The keys are then the whole path
      // folded (its drive letter folds as `volume` did), made in one copy rather than three.
      String key = fold(path);
      boolean paging = n == 15 && (key.endsWith("\\PAGEFILE.SYS") || key.endsWith("\\SWAPFILE.SYS"));
      return new TracePath(path, volume, n == 3 ? Kind.ROOT : Kind.FILE, path.substring(2), "", "", key, key, paging, key);
    }
    String rest = path.substring(2);
    int c1 = rest.indexOf(':');
    String name = c1 < 0 ? rest : rest.substring(0, c1);
    String streamName = "";
    String streamType = "";
    if (c1 >= 0) {
      int c2 = rest.indexOf(':', c1 + 1);
      if (c2 < 0) {
        streamName = rest.substring(c1 + 1);
      } else {
        streamName = rest.substring(c1 + 1, c2);
        streamType = rest.substring(c2 + 1);
        if (streamType.isEmpty() || streamType.indexOf(':') >= 0) {
          return null; // "a:b:" or "a:b:c:d": not name[:stream[:type]].
        }
      }
    }
    String folded = fold(name);
    while (folded.length() > 1 && folded.endsWith("\\")) {
      folded = folded.substring(0, folded.length() - 1);
    }
    boolean root = folded.equals("\\");
    if (root && c1 >= 0 && streamName.isEmpty() && streamType.isEmpty()) {
      return null; // "C:\:" names nothing.
    }
    String fileKey = volume + ":" + folded;
    String foldedType = fold(streamType);
    String streamKey;
    if (streamName.isEmpty()) {
      streamKey =
          foldedType.isEmpty() || foldedType.equals("$DATA") ? fileKey : fileKey + "::" + foldedType;
    } else {
      streamKey =
          foldedType.isEmpty() || foldedType.equals("$DATA")
              ? fileKey + ":" + fold(streamName)
              : fileKey + ":" + fold(streamName) + ":" + foldedType;
    }
    boolean paging = folded.equals("\\PAGEFILE.SYS") || folded.equals("\\SWAPFILE.SYS");
    // Folded once here, on the read-ahead thread: the replay thread looks handles up by it.
    String foldedWritten = c1 < 0 && fileKey.length() == path.length() ? fileKey : fold(path);
    return new TracePath(
        path,
        volume,
        root ? Kind.ROOT : Kind.FILE,
        name,
        streamName,
        streamType,
        fileKey,
        streamKey,
        paging,
        foldedWritten);
  }

  /**
   * The stream part as written, {@code :stream[:type]}, or empty: what a rename keeps when it
   * moves a key to the file's new name.
   */
  public String streamSuffix() {
    int c = written.indexOf(':', 2);
    return c < 0 ? "" : written.substring(c);
  }

  /** Whether this names the default ({@code $DATA}, unnamed) stream of its file. */
  public boolean isDefaultStream() {
    return streamKey.equals(fileKey);
  }

  private static boolean isDriveLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  /** Case-folds one UTF-16 unit at a time, so the length never changes. */
  static String fold(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        return foldEachUnit(s);
      }
    }
    // ASCII (nearly every path): the root locale's upper case changes exactly a-z, as fold(char)
    // does, in one copy (none when nothing changes) instead of a char array and a string.
    return s.toUpperCase(Locale.ROOT);
  }

  private static String foldEachUnit(String s) {
    char[] a = s.toCharArray();
    for (int i = 0; i < a.length; i++) {
      a[i] = fold(a[i]);
    }
    return new String(a);
  }

  /** One unit folded: ASCII without a table look-up (nearly every path is ASCII). */
  static char fold(char c) {
    if (c < 0x80) {
      return c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c;
    }
    return Character.toUpperCase(c);
  }

  /** Prints as the path was written. */
  @Override
  public String toString() {
    return written;
  }

  /** Upper-case drive-letter volume name, {@code C:}. */
  public String volumeName() {
    return String.format(Locale.ROOT, "%c:", volume);
  }
}
