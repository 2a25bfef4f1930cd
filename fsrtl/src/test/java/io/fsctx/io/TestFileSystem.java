package io.fsctx.io;

import org.jspecify.annotations.Nullable;

/** A minimal multi-stream file system for the fsrtl tests: {@code :name} suffixes, hard links. */
final class TestFileSystem extends FileSystemDriver {
  TestFileSystem(HeaderKind kind, ClosePolicy policy) {
    super("test", kind, policy);
  }

  @Override
  protected @Nullable String normalizeStreamSuffix(String rawSuffix) {
    return rawSuffix.length() > 1 && rawSuffix.indexOf(':', 1) < 0 ? rawSuffix : null;
  }

  @Override
  protected boolean supportsHardLinks() {
    return true;
  }
}
