package io.fsctx.fsrtl;

/**
 * A header lock that is a {@code FAST_MUTEX}: exclusive only, shared requests acquire it
 * exclusively. The file system's {@link FastMutex} and FsRtl's per-file tracking block ({@code
 * LazyContextList.Block}) are both; they differ only in whether a pool block holds them.
 *
 * <p>Thread safety: safe for concurrent use.
 */
abstract class ExclusiveHeaderLock extends AbstractHeaderLock {
  ExclusiveHeaderLock() {}

  @Override
  final String kind() {
    return "FastMutex";
  }

  @Override
  final boolean sharedIsShared() {
    return false;
  }
}
