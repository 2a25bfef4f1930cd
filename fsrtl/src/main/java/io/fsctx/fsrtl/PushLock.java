package io.fsctx.fsrtl;

import io.fsctx.nt.PoolBlock;
import org.jspecify.annotations.Nullable;

/**
 * {@code EX_PUSH_LOCK}, or with {@link #autoExpand()} the auto-expand push lock of Windows 10
 * 20H2 ({@code FsRtlAllocateAePushLock}): a reader-writer lock that is not recursive.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class PushLock extends AbstractHeaderLock {
  private PushLock(String kind, @Nullable PoolBlock memory) {
    super(kind, memory);
  }

  /** Creates an ordinary push lock, the one embedded in a {@code V1}+ header. */
  public PushLock() {
    this("PushLock", null);
  }

  /**
   * Creates an auto-expand push lock ({@code FsRtlAllocateAePushLock}); the caller owns it and
   * frees it after teardown ({@code FsRtlFreeAePushLock}).
   */
  public static PushLock autoExpand() {
    return new PushLock("AePushLock", null);
  }

  /**
   * {@code FsRtlAllocateAePushLock} from a given pool block: freeing the block ({@code
   * FsRtlFreeAePushLock}) frees the lock, which must not happen before the header's teardown.
   *
   * @param memory the block it lives in
   * @return the auto-expand push lock
   */
  public static PushLock autoExpand(PoolBlock memory) {
    return new PushLock("AePushLock", memory);
  }

  @Override
  boolean sharedIsShared() {
    return true;
  }
}
