package io.fsctx.nt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One allocation from a {@link Pool}: a driver's structure (an FCB, an SCB, a VCB...) and the
 * kernel structures embedded in it. A kernel structure built with a block ({@code new
 * AdvancedFcbHeader(block, id)}, {@code new FastMutex(block)}, {@code new
 * PerFileContextSlot(block, id)}) lives and dies with it, as a C structure's members do; a
 * structure merely pointed at does not. Headers and per-file slots are listed as the block's
 * {@link #members()}, which the verifier follows when the block is freed; a lock keeps its block
 * and is judged through it.
 *
 * <p>Each block remembers the request its thread was serving when it was allocated and freed,
 * as the request's site ({@link KeThread#currentSite()}: for an IRP, {@code Irp.Site}, which
 * prints as the IRP without keeping its parameters and status alive), so that a finding can say
 * where: "freed in Irp#12[CLEANUP FileObject#5]".
 *
 * <p>Thread safety: safe for concurrent use; members are added by replacing an immutable value
 * (the sole member itself, then an array) under the block's monitor (a block gets one to three,
 * when it is built), the freed state is set
 * once with a compare-and-set. A block carries no collection or atomic object of its own: every
 * FCB, SCB and CCB is one.
 */
public final class PoolBlock {
  private static final Object[] NO_MEMBERS = {};
  private static final VarHandle STATE =
      FieldHandles.of(MethodHandles.lookup(), PoolBlock.class, "state", Object.class);

  /**
   * What every block allocated with one pool, type, tag and description shares: kept once by the
   * pool ({@link Pool#kindOf}), so a block does not carry four fields of its own (three blocks per
   * open of a new file under the NTFS-like model, issue 14).
   */
  record Kind(Pool pool, PoolType type, String tag, String what) {}

  /** A freed block's {@link #state}: its kind still, and the site of the free (null: outside requests). */
  private record Freed(Kind kind, @Nullable Object where) {}

  /**
   * The n of {@code Pool#n}, an unsigned int as a context's number is (numbers wrap after 2^32
   * allocations, which only makes two ids of a very long run print alike).
   */
  private final int number;
  /**
   * The block's {@link Kind} while it is allocated; a {@link Freed} holding it once freed, set
   * once by compare-and-set. The kind and the freed state in one field, and the number an int,
   * keep a block at 32 bytes, not 40 (three blocks per open of a new file, issue 14).
   */
  private volatile Object state;

  private final @Nullable Object allocatedAt;
  /**
   * The members, in the order they were built: {@link #NO_MEMBERS}, the one member itself (an FCB
   * block holding only its slot needs no array), or an array of two or more. Replaced, never
   * changed in place.
   */
  private volatile Object members = NO_MEMBERS;
  /**
   * The links of the pool's list of outstanding blocks ({@link Pool#outstanding()}), read and
   * written only under the pool's {@code outstandingLock} (not annotated: {@code @GuardedBy}
   * cannot tell that a block's pool is the pool holding the lock).
   */
  @Nullable PoolBlock previousOutstanding;

  @Nullable PoolBlock nextOutstanding;

  PoolBlock(Kind kind, long number, @Nullable Object allocatedAt) {
    this.state = kind;
    this.number = (int) number;
    this.allocatedAt = allocatedAt;
  }

  private Kind kind() {
    Object s = state;
    return s instanceof Freed f ? f.kind() : (Kind) s;
  }

  /** The pool the block came from. */
  public Pool pool() {
    return kind().pool();
  }

  /** The identity for messages, {@code Pool#12}. */
  public String id() {
    return "Pool#" + Integer.toUnsignedString(number);
  }

  /** The pool type. */
  public PoolType type() {
    return kind().type();
  }

  /** The pool tag. */
  public String tag() {
    return kind().tag();
  }

  /** What the block holds, as the allocator said ({@code "FCB"}). */
  public String what() {
    return kind().what();
  }

  /**
   * The site of the request being served when the block was allocated ({@link
   * KeThread#currentSite()}), or null outside any request.
   */
  public @Nullable Object allocatedAt() {
    return allocatedAt;
  }

  /**
   * Declares a kernel structure embedded in this block; called by the structure's constructor.
   *
   * @param member the structure
   * @throws IllegalStateException when the block has been freed (a structure built in freed memory)
   */
  public void embed(Object member) {
    checkNotFreed(member);
    synchronized (this) {
      Object m = members;
      if (m == NO_MEMBERS) {
        members = member;
      } else if (m instanceof Object[] a) {
        Object[] more = Arrays.copyOf(a, a.length + 1);
        more[a.length] = member;
        members = more;
      } else {
        members = new Object[] {m, member};
      }
    }
  }

  /**
   * Checks that a structure being built in this block is not built in freed memory, without
   * declaring it a member: for the header locks, which keep their block ({@code
   * FastMutex.memory()}) and are judged through it, and which nothing finds through the block.
   * Listing them cost an array per FCB block (issue 14).
   *
   * @param structure the structure being built
   * @throws IllegalStateException when the block has been freed
   */
  public void checkNotFreed(Object structure) {
    if (isFreed()) {
      throw new IllegalStateException(structure + " was built in " + this + ", which is already freed");
    }
  }

  /**
   * The kernel structures declared embedded in the block ({@link #embed}: FCB headers and per-file
   * context slots; a header lock built in the block is not listed, see {@link #checkNotFreed}), in
   * the order they were built (unmodifiable).
   */
  public List<Object> members() {
    Object m = members;
    if (m instanceof Object[] a) {
      return Collections.unmodifiableList(Arrays.asList(a));
    }
    return List.of(m);
  }

  /** Whether {@link Pool#free} has run on the block. */
  public boolean isFreed() {
    return state instanceof Freed;
  }

  /**
   * The site of the request being served when the block was freed ({@link
   * KeThread#currentSite()}); null when it was freed outside any request or is not freed (see
   * {@link #isFreed()}).
   */
  public @Nullable Object freedAt() {
    return state instanceof Freed f ? f.where() : null;
  }

  /** Marks the block freed at {@code where}; false when it already was (a double free). */
  boolean markFreed(@Nullable Object where) {
    Object s = state;
    // The kind is set once and only ever replaced by a Freed: one compare-and-set decides.
    return s instanceof Kind k && STATE.compareAndSet(this, s, new Freed(k, where));
  }

  /** "in Irp#12[CLEANUP FileObject#5]" or "outside any request", for messages. */
  public static String describe(@Nullable Object request) {
    return request == null ? "outside any request" : "in " + request;
  }

  @Override
  public String toString() {
    Kind k = kind();
    return id() + " '" + k.tag() + "' " + k.what();
  }
}
