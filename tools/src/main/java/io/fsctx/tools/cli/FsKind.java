package io.fsctx.tools.cli;

import io.fsctx.modelfs.FatLikeFileSystem;
import io.fsctx.modelfs.LegacyFileSystem;
import io.fsctx.modelfs.ModelFileSystem;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/**
 * The model file systems the CLI can mount, as {@code --fs} names them.
 *
 * <p>Thread safety: immutable.
 */
public enum FsKind {
  /** {@link NtfsLikeFileSystem}: native file contexts, named streams, hard links. */
  NTFS,
  /** {@link FatLikeFileSystem}: single-stream, file contexts emulated per stream, no links. */
  FAT,
  /** {@link LegacyFileSystem}: common header only, so no file, stream or stream-handle contexts. */
  LEGACY;

  /** The name {@code --fs} takes. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * A new, unmounted file system of this kind.
   *
   * @param closePolicy when it frees a stream whose last file object closed
   */
  public ModelFileSystem create(ClosePolicy closePolicy) {
    return switch (this) {
      case NTFS -> new NtfsLikeFileSystem(closePolicy);
      case FAT -> new FatLikeFileSystem(closePolicy);
      case LEGACY -> new LegacyFileSystem(closePolicy);
    };
  }

  /** picocli converter: {@code ntfs}, {@code fat}, {@code legacy}, any case. */
  static final class Converter implements CommandLine.ITypeConverter<FsKind> {
    @Override
    public FsKind convert(String value) {
      for (FsKind k : values()) {
        if (k.cliName().equalsIgnoreCase(value.trim())) {
          return k;
        }
      }
      throw new CommandLine.TypeConversionException(
          "unknown file system '" + value + "' (expected ntfs, fat or legacy)");
    }
  }

  /** picocli completion candidates, shown in help as {@code ntfs, fat, legacy}. */
  static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return List.of("ntfs", "fat", "legacy").iterator();
    }
  }
}
