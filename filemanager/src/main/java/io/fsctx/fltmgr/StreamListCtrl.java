package io.fsctx.fltmgr;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.PerStreamContext;
import io.fsctx.io.FileObject;
import java.util.List;
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
 * The block is itself the {@link ContextStore} of the stream contexts ({@link
 * InstanceContexts}), keyed by the instance each was set through ({@link
 * FltContext#attachedInstance()}): {@link #streams} holds null, the one context (the usual case),
 * or an immutable array of them, replaced under this block's monitor and read without a lock.
 * After teardown it holds {@link #TORN_DOWN}. The stream-handle and emulated file tables are
 * created on first use. The block is linked into its volume's list of
 * blocks ({@link CtrlList}, guarded by the volume), which instance teardown and the dismount check
 * walk; there is no per-instance registry.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class StreamListCtrl extends PerStreamContext
    implements InstanceContexts, CtrlList.Node<StreamListCtrl> {
  /**
   * The key of a stream-handle context. Its equals and hashCode are written out: a record's own
   * bootstrap through ObjectMethods on first use spins method-handle classes that each CLI run
   * would generate and compile again (issue 14).
   */
  record HandleKey(FltInstance instance, FileObject fileObject) {
    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof HandleKey k && k.instance.equals(instance) && k.fileObject.equals(fileObject);
    }

    @Override
    public int hashCode() {
      return 31 * instance.hashCode() + fileObject.hashCode();
    }
  }

  private static final Object TORN_DOWN = new Object();

  final AdvancedFcbHeader header;

  /** Null, one {@link FltContext}, an immutable {@code FltContext[]}, or {@link #TORN_DOWN}. */
  private volatile @Nullable Object streams;
  /**
   * The stream-handle contexts and the file contexts emulated here, made on first use: null, the
   * stream-handle table alone (most streams: only file systems without per-file contexts need
   * the emulated table, so an open stream carries one table, issue 14), or {@link Both}.
   */
  private volatile @Nullable Object tables;

  /** Both tables, once a file context was emulated here. */
  private record Both(ContextTable<HandleKey> handles, ContextTable<FltInstance> emulatedFiles) {}
  /** The volume's list of blocks ({@link CtrlList}); guarded by the volume's block lock. */
  private @Nullable StreamListCtrl prevInVolume;

  private @Nullable StreamListCtrl nextInVolume;

  @Override
  public @Nullable StreamListCtrl prevInVolume() {
    return prevInVolume;
  }

  @Override
  public void prevInVolume(@Nullable StreamListCtrl c) {
    prevInVolume = c;
  }

  @Override
  public @Nullable StreamListCtrl nextInVolume() {
    return nextInVolume;
  }

  @Override
  public void nextInVolume(@Nullable StreamListCtrl c) {
    nextInVolume = c;
  }

  StreamListCtrl(FltVolume volume, AdvancedFcbHeader header) {
    init(volume.streamCtrlIds);
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

  /** The stream-handle contexts, or null if none was ever set here. */
  @SuppressWarnings("unchecked") // tables holds only a Both or this table type
  @Nullable ContextTable<HandleKey> handlesIfPresent() {
    Object t = tables;
    return t instanceof Both b ? b.handles() : (ContextTable<HandleKey>) t;
  }

  /** The stream-handle contexts, the table created on first use. */
  ContextTable<HandleKey> handles() {
    ContextTable<HandleKey> h = handlesIfPresent();
    if (h == null) {
      synchronized (this) {
        h = handlesIfPresent();
        if (h == null) {
          h = new ContextTable<>(this);
          tables = h;
        }
      }
    }
    return h;
  }

  /** The file contexts emulated on this stream, or null if none was ever set here. */
  @Nullable ContextTable<FltInstance> emulatedFilesIfPresent() {
    return tables instanceof Both b ? b.emulatedFiles() : null;
  }

  /** The file contexts emulated on this stream, the table created on first use. */
  ContextTable<FltInstance> emulatedFiles() {
    ContextTable<FltInstance> e = emulatedFilesIfPresent();
    if (e == null) {
      synchronized (this) {
        e = emulatedFilesIfPresent();
        if (e == null) {
          ContextTable<HandleKey> h = handlesIfPresent();
          Both both = new Both(h != null ? h : new ContextTable<>(this), new ContextTable<>(this));
          tables = both;
          e = both.emulatedFiles();
        }
      }
    }
    return e;
  }

  /** How many contexts of every kind are attached here (a snapshot). */
  int contextCount() {
    ContextTable<HandleKey> h = handlesIfPresent();
    ContextTable<FltInstance> e = emulatedFilesIfPresent();
    return size() + (h == null ? 0 : h.size()) + (e == null ? 0 : e.size());
  }

  /** The FreeCallback: the file system is freeing the stream. */
  void onStreamTeardown() {
    // Stream contexts first: when a file system frees the FCB inside IRP_MJ_CLOSE, the stream's
    // cleanup runs before the closing handle's (ctx-sample.md 1.8). Removing them all marks the
    // block torn down, so no set can attach anything here afterwards.
    // Tables created after the reads below see the block torn down and refuse every set.
    try {
      tearDownStreams("FsRtlTeardownPerStreamContexts");
    } finally {
      try {
        try {
          ContextTable<FltInstance> e = emulatedFilesIfPresent();
          if (e != null) {
            e.detachAll("FsRtlTeardownPerStreamContexts");
          }
        } finally {
          ContextTable<HandleKey> h = handlesIfPresent();
          if (h != null) {
            h.detachAll("FsRtlTeardownPerStreamContexts");
          }
        }
      } finally {
        volume().forgetCtrl(this);
      }
    }
  }

  /** Detaches everything an instance set here. */
  void detachInstance(FltInstance instance, String routine) {
    ContextTable<HandleKey> h = handlesIfPresent();
    try {
      if (h != null) {
        h.detachWhere(k -> k.instance() == instance, routine);
      }
    } finally {
      try {
        detachWhere(k -> k == instance, routine);
      } finally {
        ContextTable<FltInstance> e = emulatedFilesIfPresent();
        if (e != null) {
          e.detachWhere(k -> k == instance, routine);
        }
      }
    }
  }

  /** Detaches the stream-handle contexts of one file object (IRP_MJ_CLOSE). */
  void detachFileObject(FileObject fo, String routine) {
    ContextTable<HandleKey> h = handlesIfPresent();
    if (h != null) {
      h.detachWhere(k -> k.fileObject() == fo, routine);
    }
  }

  // ---- The store of the stream contexts (InstanceContexts) ----------------------------------

  @Override
  public @Nullable Object heldContexts() {
    return streams;
  }

  @Override
  public void heldContexts(@Nullable Object held) {
    streams = held;
  }

  /** Adds every context attached here (stream, stream-handle and emulated file contexts) to {@code out}. */
  void collectAll(List<FltContext> out) {
    collectAttached(out);
    ContextTable<FltInstance> e = emulatedFilesIfPresent();
    if (e != null) {
      e.collectAttached(out);
    }
    ContextTable<HandleKey> h = handlesIfPresent();
    if (h != null) {
      h.collectAttached(out);
    }
  }

  /** Detaches every stream context and marks the block torn down, in one step under the monitor. */
  private int tearDownStreams(String routine) {
    List<FltContext> removed;
    synchronized (this) {
      Object s = streams;
      streams = TORN_DOWN;
      // The array is no longer published once the block is torn down, so a view of it is safe.
      removed = ContextStore.markDetached(InstanceContexts.list(s));
    }
    ContextStore.dropLinks(removed, routine);
    return removed.size();
  }

  @Override
  public String toString() {
    return "StreamListCtrl(" + header.id() + "@" + volume().id() + ")";
  }
}
