package io.fsctx.nt;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * The executive's pool, as far as drivers' own structures are concerned: {@code
 * ExAllocatePoolWithTag} hands out a {@link PoolBlock}, {@code ExFreePoolWithTag} gives it back.
 * A file system allocates each FCB, SCB, CCB and VCB it builds here and embeds its kernel
 * structures (the FCB header, the per-file context slot, the fast mutex) in the block, the Java
 * form of a C structure member; freeing the block frees them with it.
 *
 * <p>What the pool adds over plain Java objects is what Driver Verifier's pool tracking sees: the
 * outstanding blocks per tag (a driver that unloads with blocks outstanding leaks them, bug check
 * {@code 0xC4/0x62} on Windows), and a second free of the same block ({@code BAD_POOL_CALLER},
 * {@code 0xC2/0x7}), which {@link #free} reports to its listeners and then raises. Listeners (the
 * file-system verifier) are told of every allocation and free, on the thread that made it, so
 * they can inspect the structures a block held at the moment it went away.
 *
 * <p>No global state: each {@code IoManager} owns one pool.
 *
 * <p>Thread safety: safe for concurrent use. The outstanding blocks are a doubly-linked list
 * through the blocks themselves, changed under {@code outstandingLock} (a leaf lock held for a
 * few pointer writes), so an allocation or a free costs no map entry; a block's freed flag is
 * flipped with a compare-and-set, so of two racing frees exactly one wins and the other is the
 * double free. Listeners run on the caller's thread, with no lock held.
 */
public final class Pool {
  /** {@code BAD_POOL_CALLER}. */
  public static final int BAD_POOL_CALLER = 0xC2;
  /** {@code BAD_POOL_CALLER} parameter 1: the block was already freed. */
  public static final int BAD_POOL_CALLER_DOUBLE_FREE = 0x7;
  /** {@code BAD_POOL_CALLER} parameter 1: an attempt to free an invalid pool address. */
  public static final int BAD_POOL_CALLER_INVALID_ADDRESS = 0x46;

  private final IdSource.Counter blockIds;
  final Object outstandingLock = new Object();

  @GuardedBy("outstandingLock")
  private @Nullable PoolBlock newestOutstanding;

  @GuardedBy("outstandingLock")
  private int outstandingCount;
  private final CopyOnWriteArrayList<PoolListener> listeners = new CopyOnWriteArrayList<>();
  /**
   * The kinds of block allocated so far (a driver uses a handful of tag and description pairs),
   * replaced by a longer copy when a new kind comes: a lookup is a short scan without a lock or a
   * key object.
   */
  private volatile PoolBlock.Kind[] kinds = new PoolBlock.Kind[0];

  /**
   * Creates an empty pool whose blocks draw ids ({@code Pool#7}) from {@code ids}.
   *
   * @param ids the identity source of the owner (the I/O manager's), so ids stay deterministic
   */
  public Pool(IdSource ids) {
    this.blockIds = checkNotNull(ids, "ids").counter("Pool");
  }

  /**
   * {@code ExAllocatePoolWithTag}: a new block. The caller owns it until it passes it to {@link
   * #free}.
   *
   * @param type the pool type
   * @param tag the pool tag, one to four characters, such as {@code "FcbN"}
   * @param what what the block holds, for messages, such as {@code "FCB"} or {@code "SCB"}
   * @return the block
   * @throws IllegalArgumentException when the tag is empty or longer than four characters
   */
  public PoolBlock allocate(PoolType type, String tag, String what) {
    checkNotNull(type, "type");
    checkArgument(tag != null && !tag.isEmpty() && tag.length() <= 4,
        "pool tag must have one to four characters, got '%s'", tag);
    PoolBlock b = new PoolBlock(kindOf(type, tag, what), blockIds.nextNumber(), KeThread.currentSite());
    synchronized (outstandingLock) {
      PoolBlock n = newestOutstanding;
      b.nextOutstanding = n;
      if (n != null) {
        n.previousOutstanding = b;
      }
      newestOutstanding = b;
      outstandingCount++;
    }
    for (PoolListener l : listeners) {
      l.onAllocate(b);
    }
    return b;
  }

  /** The most kinds kept: descriptions built per allocation ("buffer of 512 bytes") stop being shared past it. */
  static final int MAX_SHARED_KINDS = 64;

  /**
   * The shared description of blocks of one type, tag and description, made on first use; past
   * {@link #MAX_SHARED_KINDS} kinds, a new one for each block, so a driver that describes each
   * allocation differently neither grows the list nor slows the scan.
   */
  PoolBlock.Kind kindOf(PoolType type, String tag, String what) {
    PoolBlock.Kind[] known = kinds;
    PoolBlock.Kind found = find(known, type, tag, what);
    if (found != null) {
      return found;
    }
    if (known.length >= MAX_SHARED_KINDS) {
      return new PoolBlock.Kind(this, type, tag, what); // the list is full for good: no lock to take
    }
    synchronized (outstandingLock) {
      PoolBlock.Kind[] k = kinds;
      found = find(k, type, tag, what);
      if (found == null && k.length >= MAX_SHARED_KINDS) {
        return new PoolBlock.Kind(this, type, tag, what);
      }
      if (found == null) {
        found = new PoolBlock.Kind(this, type, tag, what);
        PoolBlock.Kind[] longer = java.util.Arrays.copyOf(k, k.length + 1);
        longer[k.length] = found;
        kinds = longer;
      }
      return found;
    }
  }

  private static PoolBlock.@Nullable Kind find(PoolBlock.Kind[] kinds, PoolType type, String tag, String what) {
    for (PoolBlock.Kind k : kinds) {
      // Tags and descriptions are nearly always the caller's constants: compare references first.
      if (k.type() == type && (k.tag() == tag || k.tag().equals(tag)) && (k.what() == what || k.what().equals(what))) {
        return k;
      }
    }
    return null;
  }

  /**
   * {@code ExFreePoolWithTag}: gives the block back. Listeners are told first, while the block's
   * structures still show their last state. A block freed twice is reported to the listeners as a
   * double free and then raises the bug check.
   *
   * @param block a block of this pool
   * @throws BugCheckException {@code 0xC2/0x7} when the block was already freed
   * @throws IllegalArgumentException when the block belongs to another pool
   */
  public void free(PoolBlock block) {
    checkNotNull(block, "block");
    checkArgument(block.pool() == this, "%s belongs to another pool", block);
    Object where = KeThread.currentSite();
    if (!block.markFreed(where)) {
      for (PoolListener l : listeners) {
        l.onDoubleFree(block, where);
      }
      throw new BugCheckException(
          BAD_POOL_CALLER,
          BAD_POOL_CALLER_DOUBLE_FREE,
          block + " was freed twice: first " + PoolBlock.describe(block.freedAt()) + ", again "
              + PoolBlock.describe(where),
          null);
    }
    synchronized (outstandingLock) {
      PoolBlock p = block.previousOutstanding;
      PoolBlock n = block.nextOutstanding;
      if (p == null) {
        newestOutstanding = n;
      } else {
        p.nextOutstanding = n;
      }
      if (n != null) {
        n.previousOutstanding = p;
      }
      block.previousOutstanding = null;
      block.nextOutstanding = null;
      outstandingCount--;
    }
    for (PoolListener l : listeners) {
      l.onFree(block);
    }
  }

  /** The blocks allocated and not yet freed (a snapshot, in no particular order). */
  public List<PoolBlock> outstanding() {
    synchronized (outstandingLock) {
      List<PoolBlock> out = new ArrayList<>(outstandingCount);
      for (PoolBlock b = newestOutstanding; b != null; b = b.nextOutstanding) {
        out.add(b);
      }
      return out;
    }
  }

  /**
   * Registers a listener for every later allocation and free.
   *
   * @param listener the listener; the pool keeps a reference until it is removed
   */
  public void addListener(PoolListener listener) {
    listeners.add(checkNotNull(listener, "listener"));
  }

  /**
   * Unregisters a listener.
   *
   * @param listener a registered listener
   * @return whether it was registered
   */
  public boolean removeListener(PoolListener listener) {
    return listeners.remove(listener);
  }
}
