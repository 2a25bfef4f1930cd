package io.fsctx.modelfs;

import io.fsctx.io.ClosePolicy;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.HeaderKind;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A model of NTFS as filters see it: one per-file structure ({@code Fcb}) per file and one
 * stream structure ({@code Scb}) per open stream, each stream's advanced header set up with
 * {@code FsRtlSetupAdvancedHeaderEx} and the file's per-file slot, so every stream of a file
 * shares its file contexts (native {@code FLT_FILE_CONTEXT} support). Named streams are written
 * {@code name:stream[:$DATA]}; {@code name::$DATA} is the default stream and {@code
 * name::$TYPE} a stream named by its type. Hard links ({@code FileLinkInformation}) give a file
 * several names. Names are case-insensitive and keep their case; directories are files; an empty
 * path opens the volume and {@code \} is the root. Paging files get the paging-file rule.
 *
 * <p>Thread safety: safe for concurrent requests (see {@link FileSystemDriver}).
 */
public final class NtfsLikeFileSystem extends FileSystemDriver {

  /**
   * Creates an unmounted NTFS-like file system.
   *
   * @param closePolicy when unreferenced streams are freed
   */
  public NtfsLikeFileSystem(ClosePolicy closePolicy) {
    super("NTFS-like", HeaderKind.ADVANCED_WITH_FILE_CONTEXTS, closePolicy);
  }

  /** Creates one that frees streams at their last close. */
  public NtfsLikeFileSystem() {
    this(ClosePolicy.IMMEDIATE);
  }

  /**
   * {@code :name}, {@code :name:$DATA} → {@code :name}; {@code ::$DATA} → the default stream;
   * {@code ::$TYPE} → {@code ::$TYPE}; {@code :name:$TYPE} → {@code :name:$TYPE}. A missing
   * stream name with no type, a type without {@code $}, or more than two colons is invalid.
   */
  @Override
  protected @Nullable String normalizeStreamSuffix(String rawSuffix) {
    String[] parts = rawSuffix.substring(1).split(":", -1);
    if (parts.length > 2) {
      return null;
    }
    String name = parts[0];
    String type = parts.length == 2 ? parts[1].toUpperCase(Locale.ROOT) : "";
    if (parts.length == 2 && !type.startsWith("$")) {
      return null;
    }
    if (name.isEmpty()) {
      if (type.isEmpty()) {
        return null;
      }
      return type.equals("$DATA") ? "" : "::" + type;
    }
    if (name.indexOf('\\') >= 0) {
      return null;
    }
    return type.isEmpty() || type.equals("$DATA") ? ":" + name : ":" + name + ":" + type;
  }

  /** NTFS has hard links. */
  @Override
  protected boolean supportsHardLinks() {
    return true;
  }
}
