package io.fsctx.fsrtl;

import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The three FsRtl context families, each reached through the Java API or through the {@link
 * FsRtl} facade, behind one fixture so that the matching, removal and teardown rules can be
 * checked once for all of them (fsrtl.md 14.43 says the per-file routines follow the per-stream
 * rules; 14.47 says the same of the per-file-object ones).
 */
enum Family {
  PER_STREAM_API(true) {
    @Override
    Fixture create() {
      return new StreamFixture(false);
    }
  },
  PER_STREAM_FACADE(true) {
    @Override
    Fixture create() {
      return new StreamFixture(true);
    }
  },
  PER_FILE_API(true) {
    @Override
    Fixture create() {
      return new FileFixture(false);
    }
  },
  PER_FILE_FACADE(true) {
    @Override
    Fixture create() {
      return new FileFixture(true);
    }
  },
  PER_FILE_OBJECT_API(false) {
    @Override
    Fixture create() {
      return new FileObjectFixture(false);
    }
  },
  PER_FILE_OBJECT_FACADE(false) {
    @Override
    Fixture create() {
      return new FileObjectFixture(true);
    }
  };

  private final boolean hasFreeCallbacks;

  Family(boolean hasFreeCallbacks) {
    this.hasFreeCallbacks = hasFreeCallbacks;
  }

  /** Whether contexts of this family carry a FreeCallback and are torn down through it. */
  boolean hasFreeCallbacks() {
    return hasFreeCallbacks;
  }

  /** A fresh, supported list of this family with nothing on it. */
  abstract Fixture create();

  /** The families whose contexts have FreeCallbacks (per-stream and per-file). */
  static List<Family> withFreeCallbacks() {
    List<Family> out = new ArrayList<>();
    for (Family f : values()) {
      if (f.hasFreeCallbacks) {
        out.add(f);
      }
    }
    return out;
  }

  /**
   * One list under test. Contexts it creates record every FreeCallback invocation; for the
   * per-file-object family, which has no callback, {@link #teardown} records what the file-object
   * delete reports as leaked instead, so "released exactly once" means the same for all three.
   */
  abstract static class Fixture {
    private final Map<FsRtlContext, AtomicInteger> releases = new ConcurrentHashMap<>();
    private final List<FsRtlContext> releaseOrder = Collections.synchronizedList(new ArrayList<>());
    private volatile Consumer<FsRtlContext> onFree = c -> {};

    /** Runs {@code action} inside every FreeCallback, after the call has been recorded. */
    final void onFree(Consumer<FsRtlContext> action) {
      this.onFree = action;
    }

    final void recordRelease(FsRtlContext c) {
      releases.computeIfAbsent(c, k -> new AtomicInteger()).incrementAndGet();
      releaseOrder.add(c);
    }

    final void freeCallback(FsRtlContext c) {
      recordRelease(c);
      onFree.accept(c);
    }

    /** How many times {@code c} was freed by a callback (or reported leaked). */
    final int releaseCount(FsRtlContext c) {
      AtomicInteger n = releases.get(c);
      return n == null ? 0 : n.get();
    }

    /** Every release so far, in the order it happened. */
    final List<FsRtlContext> releaseOrder() {
      synchronized (releaseOrder) {
        return new ArrayList<>(releaseOrder);
      }
    }

    /** A new initialised context of this family whose callback records into this fixture. */
    abstract FsRtlContext newContext(Object owner, @Nullable Object instance);

    abstract NtStatus insert(FsRtlContext c);

    abstract @Nullable FsRtlContext lookup(@Nullable Object owner, @Nullable Object instance);

    abstract @Nullable FsRtlContext remove(@Nullable Object owner, @Nullable Object instance);

    /**
     * The family's teardown: FreeCallbacks for per-stream and per-file lists, the file-object
     * delete's leak report for per-file-object lists.
     */
    abstract void teardown();

    /** The contexts on the list, head first. */
    abstract List<? extends FsRtlContext> contents();

    /**
     * Proves from the calling thread that the list's lock is not held by it: an exclusive
     * acquisition of the non-recursive lock would throw if it were.
     */
    abstract boolean lockHeldByCurrentThread();

    /** Runs an operation that takes the list's lock exclusively (for cross-thread checks). */
    abstract void takeLockBriefly();

    final FsRtlContext insertNew(Object owner, @Nullable Object instance) {
      FsRtlContext c = newContext(owner, instance);
      NtStatus s = insert(c);
      if (!s.equals(NtStatus.STATUS_SUCCESS)) {
        throw new AssertionError("insert of " + c + " failed: " + s);
      }
      return c;
    }
  }

  static final class StreamFixture extends Fixture {
    final boolean facade;
    final AdvancedFcbHeader header = new AdvancedFcbHeader("Fcb#1");
    final FileObject fileObject = new FileObject("FileObject#1", "\\a.txt");

    StreamFixture(boolean facade) {
      this.facade = facade;
      header.setup(new FastMutex());
      fileObject.setFsContext(header);
    }

    @Override
    FsRtlContext newContext(Object owner, @Nullable Object instance) {
      PerStreamContext c = new PerStreamContext();
      FsRtl.initPerStreamContext(c, owner, instance, this::freeCallback);
      return c;
    }

    @Override
    NtStatus insert(FsRtlContext c) {
      return facade
          ? FsRtl.insertPerStreamContext(fileObject.fsContext(), (PerStreamContext) c)
          : header.insertPerStreamContext((PerStreamContext) c);
    }

    @Override
    @Nullable FsRtlContext lookup(@Nullable Object owner, @Nullable Object instance) {
      return facade
          ? FsRtl.lookupPerStreamContext(fileObject.fsContext(), owner, instance)
          : header.lookupPerStreamContext(owner, instance);
    }

    @Override
    @Nullable FsRtlContext remove(@Nullable Object owner, @Nullable Object instance) {
      return facade
          ? FsRtl.removePerStreamContext(fileObject.fsContext(), owner, instance)
          : header.removePerStreamContext(owner, instance);
    }

    @Override
    void teardown() {
      if (facade) {
        FsRtl.teardownPerStreamContexts(header);
      } else {
        header.teardownPerStreamContexts();
      }
    }

    @Override
    List<? extends FsRtlContext> contents() {
      return header.perStreamContexts();
    }

    @Override
    boolean lockHeldByCurrentThread() {
      return header.filterContextsLock().isHeldByCurrentThread();
    }

    @Override
    void takeLockBriefly() {
      HeaderLock lock = header.filterContextsLock();
      lock.acquireExclusive();
      lock.releaseExclusive();
    }

    @Override
    public String toString() {
      return (facade ? "FsRtl facade" : "Java API") + " per-stream list on " + header;
    }
  }

  static final class FileFixture extends Fixture {
    final boolean facade;
    final PerFileContextSlot slot = new PerFileContextSlot("File#1");
    final AdvancedFcbHeader header = new AdvancedFcbHeader("Scb#1");
    final FileObject fileObject = new FileObject("FileObject#1", "\\a.txt");
    private final Ptr probeOwner = new Ptr("probe");

    FileFixture(boolean facade) {
      this.facade = facade;
      header.setupEx(new FastMutex(), slot);
      fileObject.setFsContext(header);
    }

    private @Nullable PerFileContextSlot pointer() {
      return FsRtl.getPerFileContextPointer(fileObject);
    }

    @Override
    FsRtlContext newContext(Object owner, @Nullable Object instance) {
      PerFileContext c = new PerFileContext();
      FsRtl.initPerFileContext(c, owner, instance, this::freeCallback);
      return c;
    }

    @Override
    NtStatus insert(FsRtlContext c) {
      return facade
          ? FsRtl.insertPerFileContext(pointer(), (PerFileContext) c)
          : slot.insert((PerFileContext) c);
    }

    @Override
    @Nullable FsRtlContext lookup(@Nullable Object owner, @Nullable Object instance) {
      return facade ? FsRtl.lookupPerFileContext(pointer(), owner, instance) : slot.lookup(owner, instance);
    }

    @Override
    @Nullable FsRtlContext remove(@Nullable Object owner, @Nullable Object instance) {
      return facade ? FsRtl.removePerFileContext(pointer(), owner, instance) : slot.remove(owner, instance);
    }

    @Override
    void teardown() {
      if (facade) {
        FsRtl.teardownPerFileContexts(slot);
      } else {
        slot.teardown();
      }
    }

    @Override
    List<? extends FsRtlContext> contents() {
      return slot.perFileContexts();
    }

    @Override
    boolean lockHeldByCurrentThread() {
      // The tracking block's fast mutex is private to the slot; a lookup acquires it, and the
      // model refuses a recursive acquisition with IllegalStateException.
      try {
        slot.lookup(probeOwner, null);
        return false;
      } catch (IllegalStateException e) {
        return true;
      }
    }

    @Override
    void takeLockBriefly() {
      slot.remove(probeOwner, null);
    }

    @Override
    public String toString() {
      return (facade ? "FsRtl facade" : "Java API") + " per-file list in " + slot;
    }
  }

  static final class FileObjectFixture extends Fixture {
    final boolean facade;
    final FileObject fileObject = new FileObject("FileObject#1", "\\a.txt");
    private final Ptr probeOwner = new Ptr("probe");

    FileObjectFixture(boolean facade) {
      this.facade = facade;
    }

    @Override
    FsRtlContext newContext(Object owner, @Nullable Object instance) {
      PerFileObjectContext c = new PerFileObjectContext();
      FsRtl.initPerFileObjectContext(c, owner, instance);
      return c;
    }

    @Override
    NtStatus insert(FsRtlContext c) {
      return facade
          ? FsRtl.insertPerFileObjectContext(fileObject, (PerFileObjectContext) c)
          : fileObject.perFileObjectContexts().insert((PerFileObjectContext) c);
    }

    @Override
    @Nullable FsRtlContext lookup(@Nullable Object owner, @Nullable Object instance) {
      return facade
          ? FsRtl.lookupPerFileObjectContext(fileObject, owner, instance)
          : fileObject.perFileObjectContexts().lookup(owner, instance);
    }

    @Override
    @Nullable FsRtlContext remove(@Nullable Object owner, @Nullable Object instance) {
      return facade
          ? FsRtl.removePerFileObjectContext(fileObject, owner, instance)
          : fileObject.perFileObjectContexts().remove(owner, instance);
    }

    /** The I/O manager deleting the file object: whatever is still linked is reported leaked. */
    @Override
    void teardown() {
      for (PerFileObjectContext c : fileObject.perFileObjectContexts().leakAtDelete()) {
        recordRelease(c);
      }
    }

    @Override
    List<? extends FsRtlContext> contents() {
      return fileObject.perFileObjectContexts().contexts();
    }

    @Override
    boolean lockHeldByCurrentThread() {
      try {
        fileObject.perFileObjectContexts().lookup(probeOwner, null);
        return false;
      } catch (IllegalStateException e) {
        return true;
      }
    }

    @Override
    void takeLockBriefly() {
      fileObject.perFileObjectContexts().remove(probeOwner, null);
    }

    @Override
    public String toString() {
      return (facade ? "FsRtl facade" : "Java API") + " per-file-object list on " + fileObject;
    }
  }
}
