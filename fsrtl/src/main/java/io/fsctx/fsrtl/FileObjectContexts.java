package io.fsctx.fsrtl;

import io.fsctx.nt.AllocationFaults;
import io.fsctx.nt.NtStatus;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The per-file-object context container that FsRtl hangs off a file object's extension: a fast
 * mutex and a list of {@link PerFileObjectContext}s, allocated on the first insert (the model
 * allocates the extension on demand, as the documented {@code STATUS_INSUFFICIENT_RESOURCES}
 * implies, rather than refusing file objects without one as ReactOS does; fsrtl.md 11.21).
 *
 * <p>There is no teardown that calls back: when the file object is deleted, whatever is still
 * linked has leaked ({@link #leakAtDelete()} reports it; fsrtl.md 14.48).
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class FileObjectContexts {
  private static final class Container {
    final FastMutex lock = new FastMutex();
    final ContextList<PerFileObjectContext> list = new ContextList<>();
  }

  private final AtomicReference<@Nullable Container> container = new AtomicReference<>();
  private volatile AllocationFaults faults = AllocationFaults.NEVER;

  /** Creates an empty container reference; nothing is allocated until the first insert. */
  public FileObjectContexts() {}

  void setAllocationFaults(AllocationFaults faults) {
    this.faults = faults;
  }

  /** Used by {@link io.fsctx.io.FileObject}; not part of the API. */
  public void setAllocationFaultsFromFileObject(AllocationFaults faults) {
    setAllocationFaults(faults);
  }

  /**
   * Links a context at the head ({@code FsRtlInsertPerFileObjectContext}).
   *
   * @param context initialised, not linked anywhere
   * @return {@code STATUS_SUCCESS} or {@code STATUS_INSUFFICIENT_RESOURCES}
   */
  public NtStatus insert(PerFileObjectContext context) {
    if (context.ownerId() == null) {
      throw new IllegalArgumentException(context + " was not initialised (FsRtlInitPerFileObjectContext)");
    }
    while (true) {
      Container c = container.get();
      if (c == null) {
        if (faults.shouldFail("per-file-object context container")) {
          return NtStatus.STATUS_INSUFFICIENT_RESOURCES;
        }
        Container fresh = new Container();
        if (!container.compareAndSet(null, fresh)) {
          continue; // Another insert installed one first; use the winner's.
        }
        c = fresh;
      }
      if (c.list.insertHeadUnlessClosed(c.lock, context)) {
        return NtStatus.STATUS_SUCCESS;
      }
      // leakAtDelete retired this container after we read it; help it go and start again.
      container.compareAndSet(c, null);
    }
  }

  /**
   * The first context matching the ids, or null ({@code FsRtlLookupPerFileObjectContext}).
   *
   * @param owner null matches any context
   * @param instance null matches any instance of the owner; requires an owner
   * @return a bare pointer, no reference taken
   */
  public @Nullable PerFileObjectContext lookup(@Nullable Object owner, @Nullable Object instance) {
    ContextList.checkIds(owner, instance);
    Container c = container.get();
    return c == null ? null : c.list.lookup(c.lock, owner, instance);
  }

  /**
   * Unlinks and returns the first match; the caller owns it ({@code FsRtlRemovePerFileObjectContext}).
   *
   * @param owner null matches any context
   * @param instance null matches any instance of the owner; requires an owner
   * @return the removed context or null
   */
  public @Nullable PerFileObjectContext remove(@Nullable Object owner, @Nullable Object instance) {
    ContextList.checkIds(owner, instance);
    Container c = container.get();
    return c == null ? null : c.list.remove(c.lock, owner, instance);
  }

  /** Whether the container has been allocated. */
  public boolean isAllocated() {
    return container.get() != null;
  }

  /** The linked contexts, head first (a snapshot). */
  public List<PerFileObjectContext> contexts() {
    Container c = container.get();
    return c == null ? List.of() : c.list.snapshot();
  }

  /**
   * What the I/O manager's file-object delete routine finds: frees the container without calling
   * anyone back and returns whatever was still linked, which on Windows has leaked.
   *
   * @return the leaked contexts, head first; empty when the filters cleaned up
   */
  public List<PerFileObjectContext> leakAtDelete() {
    Container c = container.get();
    if (c == null) {
      return List.of();
    }
    // Close the list before dropping the container, so an insert that raced with the delete is
    // either reported here or refused and sent to a fresh container, never lost in between.
    List<PerFileObjectContext> left = c.list.closeAndOrphanAll(c.lock);
    container.compareAndSet(c, null);
    return left;
  }
}
