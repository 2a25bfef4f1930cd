package io.fsctx.fsrtl;

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
  private volatile @Nullable Object ownerId;
  private volatile @Nullable Object instanceId;
  private static final VarHandle LINKED_TO =
      FieldHandles.of(MethodHandles.lookup(), FsRtlContext.class, "linkedTo", Object.class);

  /** The list this context is on, or null; a field rather than an AtomicReference, to save 16 bytes. */
  private volatile @Nullable Object linkedTo;

  /** Creates an uninitialised context; call the matching {@code init} before inserting it. */
  protected FsRtlContext() {}

  /** {@code OwnerId}: chosen by the filter, must be non-null when inserted. */
  public final @Nullable Object ownerId() {
    return ownerId;
  }

  /** {@code InstanceId}: optional, separates several contexts of one owner. */
  public final @Nullable Object instanceId() {
    return instanceId;
  }

  final void setIds(Object ownerId, @Nullable Object instanceId) {
    this.ownerId = ownerId;
    this.instanceId = instanceId;
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
    return ownerId == owner && (instance == null || instanceId == instance);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[owner=" + ownerId + ", instance=" + instanceId + "]";
  }
}
