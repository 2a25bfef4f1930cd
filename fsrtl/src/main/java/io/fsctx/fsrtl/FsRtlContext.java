package io.fsctx.fsrtl;

import static com.google.common.base.Preconditions.checkArgument;

import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.FieldHandles;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * What the three FsRtl context structures share: the {@code Links} entry (modelled as the list the
 * context is currently on), {@code OwnerId} and {@code InstanceId}. Ids are compared by identity,
 * as the kernel compares pointers.
 *
 * <p>Thread safety: the ids are set by {@code init} before the context is published by an insert;
 * the link state is atomic.
 */
public abstract class FsRtlContext {
  /**
   * {@code OwnerId}, {@code InstanceId} and the free callback, set together by {@code init}: one
   * immutable record rather than three fields, so that contexts built with the same ids share it.
   * Filter Manager builds a per-stream and a per-file control block for every open file, all with
   * the volume's ids; the three fields cost each block eight bytes more than one (issue 14).
   *
   * @param ownerId the owner, non-null
   * @param instanceId the instance, or null
   * @param freeCallback the free callback, or null for a per-file-object context (which has none)
   * @param <C> the kind of context the callback frees
   */
  public record Ids<C extends FsRtlContext>(
      Object ownerId, @Nullable Object instanceId, @Nullable FreeCallback<? super C> freeCallback) {
    /** Checks the owner, which every {@code FsRtlInit*Context} requires. */
    public Ids {
      checkArgument(ownerId != null, "OwnerId must be non-null");
    }
  }

  /** The ids, or null before {@code init}. */
  private volatile @Nullable Ids<?> ids;
  private static final VarHandle LINKED_TO =
      FieldHandles.of(MethodHandles.lookup(), FsRtlContext.class, "linkedTo", Object.class);

  /** The list this context is on, or null; a field rather than an AtomicReference, to save 16 bytes. */
  private volatile @Nullable Object linkedTo;

  /** Creates an uninitialised context; call the matching {@code init} before inserting it. */
  protected FsRtlContext() {}

  /** {@code OwnerId}: chosen by the filter, must be non-null when inserted. */
  public final @Nullable Object ownerId() {
    Ids<?> i = ids;
    return i == null ? null : i.ownerId();
  }

  /** {@code InstanceId}: optional, separates several contexts of one owner. */
  public final @Nullable Object instanceId() {
    Ids<?> i = ids;
    return i == null ? null : i.instanceId();
  }

  /** The ids as {@code init} set them, or null before; shared by every context given the same record. */
  public final @Nullable Ids<?> ids() {
    return ids;
  }

  final void setIds(Ids<?> ids) {
    this.ids = ids;
  }

  /** Whether the context is on a list right now. */
  public final boolean isLinked() {
    return linkedTo != null;
  }

  /**
   * Marks the context as linked to {@code list}. A context that is already on a list would corrupt
   * both lists; Windows fails fast on the list-integrity check, so the model raises the same bug
   * check ({@code KERNEL_SECURITY_CHECK_FAILURE}, 0x139, type 3: corrupted LIST_ENTRY).
   */
  final void link(Object list) {
    if (!LINKED_TO.compareAndSet(this, null, list)) {
      throw new BugCheckException(
          0x139, 3, this + " is already linked to " + linkedTo + "; inserting it again would corrupt the list", null);
    }
  }

  final void unlink() {
    linkedTo = null;
  }

  /**
   * Whether this context matches a lookup or remove by ({@code owner}, {@code instance}) under the
   * documented rules: no ids match anything; an owner alone matches any context of that owner; both
   * ids must both match. The ReactOS quirk that ignores the instance when both are given is not
   * reproduced (fsrtl.md 7.2).
   */
  final boolean matches(@Nullable Object owner, @Nullable Object instance) {
    if (owner == null) {
      return true;
    }
    Ids<?> i = ids;
    return i != null && i.ownerId() == owner && (instance == null || i.instanceId() == instance);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[owner=" + ownerId() + ", instance=" + instanceId() + "]";
  }
}
