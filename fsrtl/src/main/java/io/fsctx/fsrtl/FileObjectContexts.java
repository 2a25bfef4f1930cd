package io.fsctx.fsrtl;

import static com.google.common.base.Preconditions.checkArgument;

import io.fsctx.nt.AllocationFaults;
import io.fsctx.nt.NtStatus;
import java.util.List;
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
  private final LazyContextList<PerFileObjectContext> container =
      new LazyContextList<>() {
        @Override
        String allocationName() {
          return "per-file-object context container";
        }
      };

  /** Creates an empty container reference; nothing is allocated until the first insert. */
  public FileObjectContexts() {}

  /** Makes the lazy allocation of the container fail as chosen (tests of the documented failure). */
  public void setAllocationFaults(AllocationFaults faults) {
    container.setAllocationFaults(faults);
  }


  /**
   * Links a context at the head ({@code FsRtlInsertPerFileObjectContext}).
   *
   * @param context initialised, not linked anywhere
   * @return {@code STATUS_SUCCESS} or {@code STATUS_INSUFFICIENT_RESOURCES}
   */
  public NtStatus insert(PerFileObjectContext context) {
    checkArgument(context.ownerId() != null, "%s was not initialised (FsRtlInitPerFileObjectContext)", context);
    return container.insert(context);
  }

  /**
   * The first context matching the ids, or null ({@code FsRtlLookupPerFileObjectContext}).
   *
   * @param owner null matches any context
   * @param instance null matches any instance of the owner; requires an owner
   * @return a bare pointer, no reference taken
   */
  public @Nullable PerFileObjectContext lookup(@Nullable Object owner, @Nullable Object instance) {
    return container.lookup(owner, instance);
  }

  /**
   * Unlinks and returns the first match; the caller owns it ({@code FsRtlRemovePerFileObjectContext}).
   *
   * @param owner null matches any context
   * @param instance null matches any instance of the owner; requires an owner
   * @return the removed context or null
   */
  public @Nullable PerFileObjectContext remove(@Nullable Object owner, @Nullable Object instance) {
    return container.remove(owner, instance);
  }

  /** Whether the container has been allocated. */
  public boolean isAllocated() {
    return container.isAllocated();
  }

  /** The linked contexts, head first (a snapshot). */
  public List<PerFileObjectContext> contexts() {
    return container.snapshot();
  }

  /**
   * What the I/O manager's file-object delete routine finds: frees the container without calling
   * anyone back and returns whatever was still linked, which on Windows has leaked.
   *
   * @return the leaked contexts, head first; empty when the filters cleaned up
   */
  public List<PerFileObjectContext> leakAtDelete() {
    // Closed before it is dropped, so an insert that raced with the delete is either reported
    // here or refused and sent to a fresh container, never lost in between.
    return container.closeAndOrphanAll();
  }
}
