package io.fsctx.fltmgr;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.PerStreamContext;
import io.fsctx.io.FileObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Filter Manager's per-stream control block ({@code STREAM_LIST_CTRL}): an {@code
 * FSRTL_PER_STREAM_CONTEXT} that the manager inserts into the stream's FCB header, owner = the
 * volume (one block per stream per volume attachment), instance = null. It holds every instance's
 * stream context, stream-handle contexts (keyed by instance and file object) and, on single-stream
 * file systems, the emulated file contexts. When the file system tears the stream down, FsRtl
 * calls this block's free callback, which detaches all of them.
 *
 * <h2>Storage</h2>
 * The block is itself the {@link ContextStore} of the stream contexts, keyed by the instance each
 * was set through ({@link FltContext#attachedInstance()}): {@link #streams} holds null, the one
 * context (the usual case), or an immutable array of them, replaced under this block's monitor
 * and read without a lock. After teardown it holds {@link #TORN_DOWN}. The stream-handle and
 * emulated file tables are created on first use. The block is linked into its volume's list of
 * blocks ({@link #prev}, {@link #next}, guarded by the volume), which instance teardown and the
 * dismount check walk; there is no per-instance registry.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class StreamListCtrl extends PerStreamContext implements ContextStore<FltInstance> {
  /** The key of a stream-handle context. */
  record HandleKey(FltInstance instance, FileObject fileObject) {}

  /** The tables only some streams need, created together on first use. */
  static final class Tables {
    final ContextTable<HandleKey> handles;
    final ContextTable<FltInstance> emulatedFiles;

    Tables(StreamListCtrl owner) {
      handles = new ContextTable<>(owner);
      emulatedFiles = new ContextTable<>(owner);
    }
  }

  private static final Object TORN_DOWN = new Object();
  private static final FltContext[] NONE = new FltContext[0];

  final AdvancedFcbHeader header;

  /** Null, one {@link FltContext}, an immutable {@code FltContext[]}, or {@link #TORN_DOWN}. */
  private volatile @Nullable Object streams;
  private volatile @Nullable Tables tables;
  /** The volume's list of blocks; guarded by the volume's block lock. */
  @Nullable StreamListCtrl prev;
  @Nullable StreamListCtrl next;

  StreamListCtrl(FltVolume volume, AdvancedFcbHeader header) {
    super(volume, null, c -> ((StreamListCtrl) c).onStreamTeardown());
    this.header = header;
  }

  FltVolume volume() {
    return (FltVolume) java.util.Objects.requireNonNull(ownerId());
  }

  boolean isTornDown() {
    return streams == TORN_DOWN;
  }

  /**
   * Whether a teardown of this block is done or under way: the file system has called {@code
   * FsRtlTeardownPerStreamContexts} on the header, even if the call has not reached {@link
   * #onStreamTeardown()} yet (the dismount check, issue 18.3). The header's count is read rather
   * than recorded per block, which keeps the block within its footprint (issue 8); a block made
   * on a header after its teardown is therefore not judged by the dismount check (the check at
   * the FCB's free still is).
   */
  boolean teardownBegun() {
    return isTornDown() || header.teardownCount() != 0;
  }

  /** The stream-handle and emulated file tables, or null if no such context was ever set here. */
  @Nullable Tables tablesIfPresent() {
    return tables;
  }

  /** The stream-handle and emulated file tables, created on first use. */
  Tables tables() {
    Tables t = tables;
    if (t == null) {
      synchronized (this) {
        t = tables;
        if (t == null) {
          t = new Tables(this);
          tables = t;
        }
      }
    }
    return t;
  }

  /** How many contexts of every kind are attached here (a snapshot). */
  int contextCount() {
    Tables t = tables;
    return size() + (t == null ? 0 : t.handles.size() + t.emulatedFiles.size());
  }

  /** The FreeCallback: the file system is freeing the stream. */
  private void onStreamTeardown() {
    // Stream contexts first: when a file system frees the FCB inside IRP_MJ_CLOSE, the stream's
    // cleanup runs before the closing handle's (ctx-sample.md 1.8). Removing them all marks the
    // block torn down, so no set can attach anything here afterwards.
    // Tables created after the read below see the block torn down and refuse every set.
    try {
      tearDownStreams("FsRtlTeardownPerStreamContexts");
    } finally {
      try {
        Tables t = tables;
        if (t != null) {
          try {
            t.emulatedFiles.detachAll("FsRtlTeardownPerStreamContexts");
          } finally {
            t.handles.detachAll("FsRtlTeardownPerStreamContexts");
          }
        }
      } finally {
        volume().forgetCtrl(this);
      }
    }
  }

  /** Detaches everything an instance set here. */
  void detachInstance(FltInstance instance, String routine) {
    Tables t = tables;
    try {
      if (t != null) {
        t.handles.detachWhere(k -> k.instance() == instance, routine);
      }
    } finally {
      try {
        detachWhere(k -> k == instance, routine);
      } finally {
        if (t != null) {
          t.emulatedFiles.detachWhere(k -> k == instance, routine);
        }
      }
    }
  }

  /** Detaches the stream-handle contexts of one file object (IRP_MJ_CLOSE). */
  void detachFileObject(FileObject fo, String routine) {
    Tables t = tables;
    if (t != null) {
      t.handles.detachWhere(k -> k.fileObject() == fo, routine);
    }
  }

  // ---- ContextStore of the stream contexts ---------------------------------------------------

  @Override
  public Object owner() {
    return this;
  }

  @Override
  public @Nullable FltContext find(FltInstance key) {
    Object s = streams;
    if (s instanceof FltContext c) {
      return c.attachedInstance() == key ? c : null;
    }
    if (s instanceof FltContext[] a) {
      for (FltContext c : a) {
        if (c.attachedInstance() == key) {
          return c;
        }
      }
    }
    return null;
  }

  private FltContext[] all() {
    Object s = streams;
    if (s instanceof FltContext c) {
      return new FltContext[] {c};
    }
    return s instanceof FltContext[] a ? a : NONE;
  }

  private void publish(FltContext[] a) {
    streams = a.length == 0 ? null : a.length == 1 ? a[0] : a;
  }

  @Override
  public void put(FltInstance key, FltContext ctx) {
    FltContext[] a = all();
    for (int i = 0; i < a.length; i++) {
      if (a[i].attachedInstance() == key) {
        FltContext[] b = a.clone();
        b[i] = ctx;
        publish(b);
        return;
      }
    }
    FltContext[] b = Arrays.copyOf(a, a.length + 1);
    b[a.length] = ctx;
    publish(b);
  }

  @Override
  public @Nullable FltContext remove(FltInstance key) {
    FltContext c = find(key);
    if (c != null) {
      removeContext(c);
    }
    return c;
  }

  @Override
  public boolean removeContext(FltContext ctx) {
    FltContext[] a = all();
    for (int i = 0; i < a.length; i++) {
      if (a[i] == ctx) {
        FltContext[] b = new FltContext[a.length - 1];
        System.arraycopy(a, 0, b, 0, i);
        System.arraycopy(a, i + 1, b, i, a.length - i - 1);
        publish(b);
        return true;
      }
    }
    return false;
  }

  @Override
  public List<FltContext> removeWhere(Predicate<? super FltInstance> which) {
    FltContext[] a = all();
    List<FltContext> out = new ArrayList<>();
    List<FltContext> kept = new ArrayList<>();
    for (FltContext c : a) {
      (which.test(java.util.Objects.requireNonNull(c.attachedInstance())) ? out : kept).add(c);
    }
    if (!out.isEmpty()) {
      publish(kept.toArray(NONE));
    }
    return out;
  }

  /** Detaches every stream context and marks the block torn down, in one step under the monitor. */
  private int tearDownStreams(String routine) {
    List<FltContext> removed;
    synchronized (this) {
      removed = new ArrayList<>(Arrays.asList(all()));
      streams = TORN_DOWN;
      removed.removeIf(c -> !c.markDetached());
      for (FltContext c : removed) {
        c.home = null;
      }
    }
    ContextStore.dropLinks(removed, routine);
    return removed.size();
  }

  @Override
  public Object homeFor(FltInstance key, FltContext ctx) {
    return this;
  }

  @Override
  public int size() {
    Object s = streams;
    return s instanceof FltContext ? 1 : s instanceof FltContext[] a ? a.length : 0;
  }

  @Override
  public String toString() {
    return "StreamListCtrl(" + header.id() + "@" + volume().id() + ")";
  }
}
