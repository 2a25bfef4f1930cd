package io.fsctx.fltmgr;

import io.fsctx.fsrtl.PerFileContext;
import io.fsctx.fsrtl.PerFileContextSlot;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Filter Manager's per-file control block ({@code FILE_LIST_CTRL}) on file systems with native
 * file contexts: an {@code FSRTL_PER_FILE_CONTEXT} linked through the file's per-file slot, owner
 * = the volume. It holds every instance's file context; the file system's {@code
 * FsRtlTeardownPerFileContexts} reaches it through the free callback.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class FileListCtrl extends PerFileContext {
  final FltVolume volume;
  final PerFileContextSlot slot;
  final ContextTable<FltInstance> files = new ContextTable<>(this);
  /**
   * The instances with a file context here (a file has one per filter on the volume, so a
   * copy-on-write set: a concurrent map's set cost about 200 bytes per file).
   */
  final Set<FltInstance> users = new CopyOnWriteArraySet<>();
  volatile boolean tornDown;

  FileListCtrl(FltVolume volume, PerFileContextSlot slot) {
    super(volume, null, c -> ((FileListCtrl) c).onFileTeardown());
    this.volume = volume;
    this.slot = slot;
  }

  private void onFileTeardown() {
    tornDown = true;
    files.detachAll("FsRtlTeardownPerFileContexts");
    for (FltInstance i : users) {
      i.forgetFileCtrl(this);
    }
  }

  @Override
  public String toString() {
    return "FileListCtrl(" + slot + "@" + volume.id() + ")";
  }
}
