package io.fsctx.modelfs;

import io.fsctx.io.ClosePolicy;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.HeaderKind;
import org.jspecify.annotations.Nullable;

/**
 * The shared base of the deliberately broken file systems: {@link NtfsLikeFileSystem}'s names,
 * streams, hard links and header kind, so that each subclass differs from it in exactly the one
 * mistake it models. Stream-name parsing is delegated to an (unmounted) {@link
 * NtfsLikeFileSystem}, which keeps no state for it.
 *
 * <p>Thread safety: safe for concurrent requests (see {@link FileSystemDriver}).
 */
abstract class NtfsLikeVariant extends FileSystemDriver {
  private final NtfsLikeFileSystem names = new NtfsLikeFileSystem();

  NtfsLikeVariant(String fileSystemName, ClosePolicy closePolicy) {
    super(fileSystemName, HeaderKind.ADVANCED_WITH_FILE_CONTEXTS, closePolicy);
  }

  /** As {@link NtfsLikeFileSystem}: named streams and {@code ::$TYPE} suffixes. */
  @Override
  protected @Nullable String normalizeStreamSuffix(String rawSuffix) {
    return names.normalizeStreamSuffix(rawSuffix);
  }

  /** NTFS has hard links. */
  @Override
  protected boolean supportsHardLinks() {
    return true;
  }
}
