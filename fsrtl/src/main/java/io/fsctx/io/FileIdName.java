package io.fsctx.io;

import static com.google.common.base.Preconditions.checkArgument;

import org.jspecify.annotations.Nullable;

/**
 * The file name of an open by file ID ({@code FILE_OPEN_BY_FILE_ID}): as on Windows, the name is
 * not a path but the binary identifier itself, 8 bytes for a 64-bit ID or 16 for a {@link
 * FileId128}, here held as 4 or 8 UTF-16 code units (little-endian 16-bit pieces, lowest first).
 * A file system that sees the create option reads the ID back with {@link #parse}.
 *
 * <p>Thread safety: stateless.
 */
public final class FileIdName {
  private FileIdName() {}

  /**
   * The name that opens the file with a 64-bit ID.
   *
   * @param fileId the ID ({@code FileInternalInformation.IndexNumber})
   * @return a 4-character name
   */
  public static String of(long fileId) {
    StringBuilder sb = new StringBuilder(4);
    for (int i = 0; i < 4; i++) {
      sb.append((char) ((fileId >>> (16 * i)) & 0xFFFF));
    }
    return sb.toString();
  }

  /**
   * The name that opens the file with a 128-bit ID.
   *
   * @param fileId the ID ({@code FileIdInformation.FileId})
   * @return an 8-character name
   */
  public static String of(FileId128 fileId) {
    return of(fileId.lower()) + of(fileId.upper());
  }

  /**
   * The ID an open-by-ID name carries; a 128-bit ID whose upper half is not zero cannot name a
   * file of a 64-bit file system.
   *
   * @param name the create's file name
   * @return the ID, or null when the name is not 8 or 16 bytes long
   */
  public static @Nullable FileId128 parse(String name) {
    if (name.length() != 4 && name.length() != 8) {
      return null;
    }
    long lower = piece(name, 0);
    long upper = name.length() == 8 ? piece(name, 4) : 0;
    return new FileId128(upper, lower);
  }

  private static long piece(String name, int from) {
    checkArgument(name.length() >= from + 4, "name too short");
    long v = 0;
    for (int i = 3; i >= 0; i--) {
      v = (v << 16) | name.charAt(from + i);
    }
    return v;
  }
}
