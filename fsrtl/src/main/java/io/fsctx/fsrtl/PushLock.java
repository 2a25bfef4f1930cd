package io.fsctx.fsrtl;

/**
 * {@code EX_PUSH_LOCK}, or with {@link #autoExpand()} the auto-expand push lock of Windows 10
 * 20H2 ({@code FsRtlAllocateAePushLock}): a reader-writer lock that is not recursive.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class PushLock extends AbstractHeaderLock {
  private PushLock(String kind) {
    super(kind);
  }

  /** Creates an ordinary push lock, the one embedded in a {@code V1}+ header. */
  public PushLock() {
    this("PushLock");
  }

  /**
   * Creates an auto-expand push lock ({@code FsRtlAllocateAePushLock}); the caller owns it and
   * frees it after teardown ({@code FsRtlFreeAePushLock}).
   */
  public static PushLock autoExpand() {
    return new PushLock("AePushLock");
  }

  @Override
  boolean sharedIsShared() {
    return true;
  }
}
