package io.fsctx.fsrtl;

import io.fsctx.nt.PoolBlock;
import org.jspecify.annotations.Nullable;

/**
 * {@code EX_PUSH_LOCK}, or with {@link #autoExpand()} the auto-expand push lock of Windows 10
 * 20H2 ({@code FsRtlAllocateAePushLock}): a reader-writer lock that is not recursive.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public sealed class PushLock extends AbstractHeaderLock permits PushLock.AutoExpand, FilterContextList {
  /**
   * The auto-expand kind, told apart by its class rather than a name field, which would make
   * every push lock eight bytes bigger.
   */
  static final class AutoExpand extends PushLock {
    private final @Nullable PoolBlock memory;

    AutoExpand(@Nullable PoolBlock memory) {
      this.memory = memory;
      checkBuiltIn(memory, this);
    }

    @Override
    public @Nullable PoolBlock memory() {
      return memory;
    }

    @Override
    String kind() {
      return "AePushLock";
    }
  }

  /** Creates an ordinary push lock, the one embedded in a {@code V1}+ header. */
  public PushLock() {}

  /**
   * None: an ordinary push lock is embedded in its header, which the verifier judges; only an
   * auto-expand push lock is allocated by itself.
   */
  @Override
  public @Nullable PoolBlock memory() {
    return null;
  }

  /**
   * Creates an auto-expand push lock ({@code FsRtlAllocateAePushLock}); the caller owns it and
   * frees it after teardown ({@code FsRtlFreeAePushLock}).
   */
  public static PushLock autoExpand() {
    return new AutoExpand(null);
  }

  /**
   * {@code FsRtlAllocateAePushLock} from a given pool block: freeing the block ({@code
   * FsRtlFreeAePushLock}) frees the lock, which must not happen before the header's teardown.
   *
   * @param memory the block it lives in
   * @return the auto-expand push lock
   */
  public static PushLock autoExpand(PoolBlock memory) {
    return new AutoExpand(memory);
  }

  @Override
  String kind() {
    return "PushLock";
  }

  @Override
  final boolean sharedIsShared() {
    return true;
  }
}
