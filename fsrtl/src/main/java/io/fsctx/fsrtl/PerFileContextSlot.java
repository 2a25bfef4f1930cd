package io.fsctx.fsrtl;

import static com.google.common.base.Preconditions.checkArgument;

import io.fsctx.nt.AllocationFaults;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.PoolBlock;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code PVOID} field a file system embeds in its per-file structure (FCB) and passes to
 * {@code FsRtlSetupAdvancedHeaderEx}; the header's {@code FileContextSupportPointer} points at it.
 * FsRtl keeps its per-file tracking block (list head and lock) in the slot, allocated on the first
 * insert, which is why the file system must initialise it to NULL and why an insert can fail with
 * {@code STATUS_INSUFFICIENT_RESOURCES}. After {@link #teardown} the slot reads NULL again, so a
 * repeated teardown does nothing (fsrtl.md 8).
 *
 * <p>Every stream of a file shares its file's slot.
 *
 * <p>A file system may build the slot on its own or let its per-file structure extend this class,
 * the way C embeds the {@code PVOID} in the FCB (the NTFS-like model's FCB does: a slot object of
 * its own, with the FCB's field pointing at it, cost 16 bytes per open file, issue 14). FsRtl's
 * behaviour is in final methods, so an extending structure adds fields and cannot change it.
 *
 * <p>Thread safety: safe for concurrent use; the tracking block is installed with a
 * compare-and-set, the loser of a race discarding its copy, and retired by {@link #teardown} as
 * described there.
 */
public class PerFileContextSlot extends LazyContextList<PerFileContext> {
  /** The identity, or its kind when {@link #idNumber} is not 0 (as in {@link CommonFcbHeader}). */
  private final String id;
  private final int idNumber;
  private final @Nullable PoolBlock memory;
  /**
   * The state of the slot's audit ({@link SlotAudit}, a view of this slot): the headers set up
   * with the slot and the teardowns, as described there. Kept in the slot, with the verifier's rule
   * marks the slot inherits: an audit record of its own cost 24 bytes per file (issue 14).
   * Replaced under the slot's monitor.
   */
  private volatile @Nullable Object auditState;

  /**
   * Creates a NULL slot outside any allocation (tests).
   *
   * @param id identity for messages, such as {@code File#2}
   */
  public PerFileContextSlot(String id) {
    this(null, id);
  }

  /**
   * Creates a NULL slot embedded in the file system's per-file structure, the way NTFS keeps the
   * {@code PVOID} in its FCB: freeing that block frees the slot, which must not happen before
   * {@code FsRtlTeardownPerFileContexts}.
   *
   * @param memory the per-file structure's pool block, or null
   * @param id identity for messages, such as {@code File#2}
   */
  public PerFileContextSlot(@Nullable PoolBlock memory, String id) {
    this(id, 0, memory);
  }

  /**
   * As {@link #PerFileContextSlot(PoolBlock, String)}, with the identity {@code kind#number} put
   * together only when a message needs it: a file system builds one slot per file.
   *
   * @param memory the per-file structure's pool block, or null
   * @param kind the identity's prefix, such as {@code Fcb}
   * @param number the identity's number, from 1
   */
  public PerFileContextSlot(@Nullable PoolBlock memory, String kind, long number) {
    this(CommonFcbHeader.idPrefix(kind, number), CommonFcbHeader.idNumber(number), memory);
  }

  private PerFileContextSlot(String id, int idNumber, @Nullable PoolBlock memory) {
    this.id = id;
    this.idNumber = idNumber;
    this.memory = memory;
    if (memory != null) {
      memory.embed(this);
    }
  }

  /** The identity given at construction, such as {@code Fcb#2}; put together at each call when numbered. */
  public final String id() {
    int n = idNumber;
    return n == 0 ? id : id + "#" + n;
  }

  /** The pool block the slot is embedded in, or null. */
  public final @Nullable PoolBlock memory() {
    return memory;
  }

  /**
   * What verifiers recorded about this slot ({@link SlotAudit}): a view, made at each call, of
   * state the slot keeps.
   */
  public final SlotAudit audit() {
    return new SlotAudit(this);
  }

  /** {@link SlotAudit}'s state; read without a lock. */
  @Nullable Object auditState() {
    return auditState;
  }

  /** Replaces {@link SlotAudit}'s state; the caller holds the slot's monitor. */
  void auditState(@Nullable Object state) {
    auditState = state;
  }

  /** Makes the tracking-block allocation fail as chosen (tests of the documented failure). */
  @Override
  public final void setAllocationFaults(AllocationFaults faults) {
    super.setAllocationFaults(faults);
  }

  /** Whether the slot is non-NULL, that is, FsRtl has a tracking block here. */
  @Override
  public final boolean isAllocated() {
    return super.isAllocated();
  }

  /**
   * Links a context at the head ({@code FsRtlInsertPerFileContext}).
   *
   * @param context initialised, not linked anywhere
   * @return {@code STATUS_SUCCESS} or {@code STATUS_INSUFFICIENT_RESOURCES}
   */
  @Override
  public final NtStatus insert(PerFileContext context) {
    checkArgument(context.ownerId() != null && context.freeCallback() != null,
        "%s was not initialised (FsRtlInitPerFileContext)", context);
    return super.insert(context);
  }

  /**
   * The first context matching the ids, or null ({@code FsRtlLookupPerFileContext}).
   *
   * @param owner null matches any context
   * @param instance null matches any instance of the owner; requires an owner
   * @return a bare pointer, no reference taken
   */
  @Override
  public final @Nullable PerFileContext lookup(@Nullable Object owner, @Nullable Object instance) {
    return super.lookup(owner, instance);
  }

  /**
   * Unlinks and returns the first match; the caller owns it ({@code FsRtlRemovePerFileContext}).
   *
   * @param owner null matches any context
   * @param instance null matches any instance of the owner; requires an owner
   * @return the removed context or null
   */
  @Override
  public final @Nullable PerFileContext remove(@Nullable Object owner, @Nullable Object instance) {
    return super.remove(owner, instance);
  }

  /**
   * {@code FsRtlTeardownPerFileContexts}: calls each remaining context's free callback once, with
   * no lock held, and leaves the slot NULL.
   *
   * <p>The tracking block stays in the slot while the callbacks run, so a callback or another
   * thread can still look up, remove or insert on this file (fsrtl.md 14.27, 14.29); the block is
   * retired in the same critical section that finds its list empty and only then leaves the slot.
   * An insert that loses that race is refused by the retired block and goes to a fresh one, so no
   * context can end up on a block nobody will tear down.
   *
   * @return how many callbacks ran
   */
  public final int teardown() {
    audit().noteTeardown();
    return teardown(PerFileContext::callFree);
  }

  /** How many times {@code FsRtlTeardownPerFileContexts} was called on this slot. */
  public final long teardownCount() {
    return audit().teardowns().size();
  }

  /** The linked per-file contexts, head first (a snapshot). */
  public final List<PerFileContext> perFileContexts() {
    return snapshot();
  }

  /**
   * FsRtl's per-file tracking block (a list and its fast mutex, allocated on the first insert) is
   * this slot's inherited {@link LazyContextList}; this names it for fault injection.
   */
  @Override
  final String allocationName() {
    return "per-file context tracking block for " + id();
  }

  @Override
  public final String toString() {
    return id() + ".FileContextSupportPointer";
  }
}
