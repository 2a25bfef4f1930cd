package io.fsctx.fsrtl;

import io.fsctx.nt.AllocationFaults;
import io.fsctx.nt.NtStatus;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A context list that FsRtl allocates on the first insert and installs with a compare-and-set,
 * with its own fast mutex: the per-file tracking block behind a file system's per-file slot, and
 * the per-file-object container behind a file object's extension. Both can fail that allocation
 * with {@code STATUS_INSUFFICIENT_RESOURCES}, and both retire the list when it is torn down or
 * deleted.
 *
 * <p>A retired list is closed before it leaves its holder, so an insert that raced with the
 * retirement is refused and retried on a fresh list rather than linked to a list nobody will ever
 * tear down.
 *
 * <p>Thread safety: safe for concurrent use; the loser of an allocation race uses the winner's
 * list.
 */
final class LazyContextList<C extends FsRtlContext> {
  private static final class Block<C extends FsRtlContext> {
    final FastMutex lock = new FastMutex();
    final ContextList<C> list = new ContextList<>();
  }

  private final String what;
  private final AtomicReference<@Nullable Block<C>> block = new AtomicReference<>();
  private volatile AllocationFaults faults = AllocationFaults.NEVER;

  /** @param what names the allocation for fault injection and messages */
  LazyContextList(String what) {
    this.what = what;
  }

  void setAllocationFaults(AllocationFaults faults) {
    this.faults = faults;
  }

  boolean isAllocated() {
    return block.get() != null;
  }

  /** Links at the head, allocating the list first if needed. */
  NtStatus insert(C context) {
    while (true) {
      Block<C> b = block.get();
      if (b == null) {
        if (faults.shouldFail(what)) {
          return NtStatus.STATUS_INSUFFICIENT_RESOURCES;
        }
        Block<C> fresh = new Block<>();
        if (!block.compareAndSet(null, fresh)) {
          continue; // Another insert installed one first; use the winner's.
        }
        b = fresh;
      }
      if (b.list.insertHeadUnlessClosed(b.lock, context)) {
        return NtStatus.STATUS_SUCCESS;
      }
      // The list was retired after we read it; help it leave and start again.
      block.compareAndSet(b, null);
    }
  }

  @Nullable C lookup(@Nullable Object owner, @Nullable Object instance) {
    ContextList.checkIds(owner, instance);
    Block<C> b = block.get();
    return b == null ? null : b.list.lookup(b.lock, owner, instance);
  }

  @Nullable C remove(@Nullable Object owner, @Nullable Object instance) {
    ContextList.checkIds(owner, instance);
    Block<C> b = block.get();
    return b == null ? null : b.list.remove(b.lock, owner, instance);
  }

  List<C> snapshot() {
    Block<C> b = block.get();
    return b == null ? List.of() : b.list.snapshot();
  }

  /** Tears the list down (free callbacks with no lock held), closes it and retires it. */
  int teardown(Consumer<C> free) {
    Block<C> b = block.get();
    if (b == null) {
      return 0;
    }
    try {
      return b.list.teardown(b.lock, free, true);
    } finally {
      block.compareAndSet(b, null);
    }
  }

  /** Closes and retires the list without calling back; returns what was still linked. */
  List<C> closeAndOrphanAll() {
    Block<C> b = block.get();
    if (b == null) {
      return List.of();
    }
    List<C> left = b.list.closeAndOrphanAll(b.lock);
    block.compareAndSet(b, null);
    return left;
  }
}
