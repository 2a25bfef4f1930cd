package io.fsctx.io;

/**
 * {@code FILE_ID_128}: a 128-bit file identifier, as {@code FileIdInformation} returns it and as
 * an open by file ID ({@code FILE_OPEN_BY_FILE_ID}) may name a file. File systems with 64-bit
 * identifiers (NTFS, FAT) return the 64-bit value in the low half with the upper half zero.
 *
 * <p>Thread safety: immutable.
 *
 * @param upper the upper 64 bits
 * @param lower the lower 64 bits
 */
public record FileId128(long upper, long lower) {
  /** A 64-bit file ID widened as NTFS does: upper half zero. */
  public static FileId128 of64(long fileId) {
    return new FileId128(0, fileId);
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "%016x%016x", upper, lower);
  }
}
