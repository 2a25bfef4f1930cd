package io.fsctx.fltmgr;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.PerStreamContext;
import io.fsctx.io.FileObject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Filter Manager's per-stream control block ({@code STREAM_LIST_CTRL}): an {@code
 * FSRTL_PER_STREAM_CONTEXT} that the manager inserts into the stream's FCB header, owner = the
 * volume (one block per stream per volume attachment), instance = null. It holds every instance's
 * stream context, stream-handle contexts (keyed by instance and file object) and, on single-stream
 * file systems, the emulated file contexts. When the file system tears the stream down, FsRtl
 * calls this block's free callback, which detaches all of them.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class StreamListCtrl extends PerStreamContext {
  /** The key of a stream-handle context. */
  record HandleKey(FltInstance instance, FileObject fileObject) {}

  final FltVolume volume;
  final AdvancedFcbHeader header;
  final ContextTable<FltInstance> streams = new ContextTable<>(this);
  final ContextTable<HandleKey> handles = new ContextTable<>(this);
  final ContextTable<FltInstance> emulatedFiles = new ContextTable<>(this);
  final Set<FltInstance> users = ConcurrentHashMap.newKeySet();
  volatile boolean tornDown;

  StreamListCtrl(FltVolume volume, AdvancedFcbHeader header) {
    super(volume, null, c -> ((StreamListCtrl) c).onStreamTeardown());
    this.volume = volume;
    this.header = header;
  }

  /** The FreeCallback: the file system is freeing the stream. */
  private void onStreamTeardown() {
    tornDown = true;
    // Stream contexts first: when a file system frees the FCB inside IRP_MJ_CLOSE, the stream's
    // cleanup runs before the closing handle's (ctx-sample.md 1.8).
    streams.detachAll("FsRtlTeardownPerStreamContexts");
    emulatedFiles.detachAll("FsRtlTeardownPerStreamContexts");
    handles.detachAll("FsRtlTeardownPerStreamContexts");
    for (FltInstance i : users) {
      i.forgetCtrl(this);
    }
    volume.forgetCtrl(this);
  }

  /** Detaches everything an instance set here. */
  void detachInstance(FltInstance instance, String routine) {
    handles.detachWhere(k -> k.instance() == instance, routine);
    streams.detachWhere(k -> k == instance, routine);
    emulatedFiles.detachWhere(k -> k == instance, routine);
  }

  /** Detaches the stream-handle contexts of one file object (IRP_MJ_CLOSE). */
  void detachFileObject(FileObject fo, String routine) {
    handles.detachWhere(k -> k.fileObject() == fo, routine);
  }

  @Override
  public String toString() {
    return "StreamListCtrl(" + header.id() + "@" + volume.id() + ")";
  }
}
