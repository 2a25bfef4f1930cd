package io.fsctx.fsrtl;

import io.fsctx.nt.PoolBlock;
import com.google.common.collect.MapMaker;
import io.fsctx.nt.AllocationFaults;
import io.fsctx.nt.FieldHandles;
import io.fsctx.nt.NtStatus;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * <p>The per-file slot extends it rather than holding one: a list object of its own per file cost
 * 24 bytes (issue 14). A subclass names the allocation ({@link #allocationName}). The verifier's
 * rule marks ({@link RuleMarks}) are here for the same reason: the slot's audit ({@link
 * SlotAudit}) keeps its state in the slot, and a record of its own cost 24 bytes per file. A file
 * object's container, the other subclass and a rare one, carries them unused.
 *
 * <p>Thread safety: safe for concurrent use; the loser of an allocation race uses the winner's
 * list.
 */
abstract class LazyContextList<C extends FsRtlContext> extends RuleMarks {
  /**
   * The list and its fast mutex in one object, as FsRtl allocates them in one block: the block is
   * the fast mutex, holding the list's entries. A block holding a separate list object cost eight
   * bytes more per file, and one holding a separate mutex eight more (issue 14).
   */
  static final class Block<C extends FsRtlContext> extends ExclusiveHeaderLock implements ContextList<C> {
    /** {@link ContextList#entries()}. */
    private volatile @Nullable Object entries;

    /** FsRtl allocates it itself: it lives in no block of the file system's. */
    @Override
    public @Nullable PoolBlock memory() {
      return null;
    }

    @Override
    public @Nullable Object entries() {
      return entries;
    }

    @Override
    public void entries(@Nullable Object e) {
      entries = e;
    }
  }

  // A var handle on a field rather than an AtomicReference: every file object and per-file slot
  // has one of these lists, most of them never allocated.
  private static final VarHandle BLOCK =
      FieldHandles.of(MethodHandles.lookup(), LazyContextList.class, "block", Block.class);

  private volatile @Nullable Block<C> block;

  /**
   * The allocation faults tests inject on particular lists, by list, weakly and by identity. Kept
   * beside the lists rather than in a field of each: only tests ever set them, and the field cost
   * every per-file slot (one per open file) four bytes that decided its size (issue 14). {@link
   * #anyFaults} keeps the first insert of every list from looking here until some list has faults.
   */
  private static final ConcurrentMap<LazyContextList<?>, AllocationFaults> FAULTS =
      new MapMaker().weakKeys().makeMap();

  private static volatile boolean anyFaults;

  /**
   * Names the allocation for fault injection and messages; called only when faults are injected,
   * so no name is built for the lists nobody asks about.
   */
  abstract String allocationName();

  void setAllocationFaults(AllocationFaults faults) {
    if (faults == AllocationFaults.NEVER) {
      FAULTS.remove(this);
    } else {
      anyFaults = true;
      FAULTS.put(this, faults);
    }
  }

  private AllocationFaults faults() {
    if (!anyFaults) {
      return AllocationFaults.NEVER;
    }
    AllocationFaults f = FAULTS.get(this);
    return f == null ? AllocationFaults.NEVER : f;
  }

  boolean isAllocated() {
    return block != null;
  }

  @SuppressWarnings("unchecked")
  private @Nullable Block<C> block() {
    return (Block<C>) block;
  }

  /** Links at the head, allocating the list first if needed. */
  NtStatus insert(C context) {
    while (true) {
      Block<C> b = block();
      if (b == null) {
        AllocationFaults f = faults();
        if (f != AllocationFaults.NEVER && f.shouldFail(allocationName())) {
          return NtStatus.STATUS_INSUFFICIENT_RESOURCES;
        }
        Block<C> fresh = new Block<>();
        if (!BLOCK.compareAndSet(this, null, fresh)) {
          continue; // Another insert installed one first; use the winner's.
        }
        b = fresh;
      }
      if (b.insertHeadUnlessClosed(b, context)) {
        return NtStatus.STATUS_SUCCESS;
      }
      // The list was retired after we read it; help it leave and start again.
      BLOCK.compareAndSet(this, b, null);
    }
  }

  @Nullable C lookup(@Nullable Object owner, @Nullable Object instance) {
    ContextList.checkIds(owner, instance);
    Block<C> b = block();
    return b == null ? null : b.lookup(b, owner, instance);
  }

  @Nullable C remove(@Nullable Object owner, @Nullable Object instance) {
    ContextList.checkIds(owner, instance);
    Block<C> b = block();
    return b == null ? null : b.remove(b, owner, instance);
  }

  List<C> snapshot() {
    Block<C> b = block();
    return b == null ? List.of() : b.snapshot();
  }

  /** Tears the list down (free callbacks with no lock held), closes it and retires it. */
  int teardown(Consumer<C> free) {
    Block<C> b = block();
    if (b == null) {
      return 0;
    }
    try {
      return b.teardown(b, free, true);
    } finally {
      BLOCK.compareAndSet(this, b, null);
    }
  }

  /** Closes and retires the list without calling back; returns what was still linked. */
  List<C> closeAndOrphanAll() {
    Block<C> b = block();
    if (b == null) {
      return List.of();
    }
    List<C> left = b.closeAndOrphanAll(b);
    BLOCK.compareAndSet(this, b, null);
    return left;
  }
}
