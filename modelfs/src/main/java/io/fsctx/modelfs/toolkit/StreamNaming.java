package io.fsctx.modelfs.toolkit;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * How a file system spells the stream part of a name (from the last component's first colon on)
 * and whether it has named streams at all. Two spellings are built in: {@link #SINGLE_STREAM}
 * (FAT, CDFS: any colon makes the name invalid) and {@link #NTFS}.
 *
 * <p>Thread safety: implementations must be stateless.
 */
@FunctionalInterface
public interface StreamNaming {

  /**
   * Normalizes a stream suffix.
   *
   * @param rawSuffix the text from the first colon of the last component, never empty, such as
   *     {@code :ads}, {@code :ads:$DATA}, {@code ::$DATA}
   * @return the normalized suffix (empty for the default stream, {@code :name} for a named data
   *     stream), or null to fail the open with {@code STATUS_OBJECT_NAME_INVALID}
   */
  @Nullable String normalize(String rawSuffix);

  /** Whether names may carry a named stream ({@code FILE_NAMED_STREAMS}). */
  default boolean hasNamedStreams() {
    return normalize(":x") != null;
  }

  /** A single-stream file system: every colon makes the name invalid. */
  StreamNaming SINGLE_STREAM = raw -> null;

  /**
   * NTFS's spelling: {@code :name} and {@code :name:$DATA} are the named data stream {@code :name};
   * {@code ::$DATA} is the default stream; {@code ::$TYPE} is a stream named by its type; {@code
   * :name:$TYPE} keeps its type. A missing name without a type, a type without {@code $}, a
   * backslash in the stream name or more than two colons is invalid.
   */
  StreamNaming NTFS = raw -> {
    String[] parts = raw.substring(1).split(":", -1);
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
  };
}
