package io.fsctx.fltmgr;

import io.fsctx.fsrtl.PerFileContext;
import io.fsctx.fsrtl.PerFileContextSlot;
import org.jspecify.annotations.Nullable;

/**
 * Filter Manager's per-file control block ({@code FILE_LIST_CTRL}) on file systems with native
 * file contexts: an {@code FSRTL_PER_FILE_CONTEXT} linked through the file's per-file slot, owner
 * = the volume. It holds every instance's file context; the file system's {@code
 * FsRtlTeardownPerFileContexts} reaches it through the free callback. The block is on its volume's
 * list ({@link CtrlList}) from before any set can reach it until that teardown; instance teardown
 * walks that list, so no instance keeps a set of the files it used (issue 14: a hash-set entry per
 * new file, and its insertion on the first file context's set).
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class FileListCtrl extends PerFileContext implements CtrlList.Node<FileListCtrl> {
  final FltVolume volume;
  final PerFileContextSlot slot;
  final ContextTable<FltInstance> files = new ContextTable<>(this);
  volatile boolean tornDown;
  /** The volume's list of blocks ({@link CtrlList}); guarded by the volume's block lock. */
  private @Nullable FileListCtrl prevInVolume;

  private @Nullable FileListCtrl nextInVolume;

  @Override
  public @Nullable FileListCtrl prevInVolume() {
    return prevInVolume;
  }

  @Override
  public void prevInVolume(@Nullable FileListCtrl c) {
    prevInVolume = c;
  }

  @Override
  public @Nullable FileListCtrl nextInVolume() {
    return nextInVolume;
  }

  @Override
  public void nextInVolume(@Nullable FileListCtrl c) {
    nextInVolume = c;
  }

  FileListCtrl(FltVolume volume, PerFileContextSlot slot) {
    super(volume, null, c -> ((FileListCtrl) c).onFileTeardown());
    this.volume = volume;
    this.slot = slot;
  }

  private void onFileTeardown() {
    tornDown = true;
    files.detachAll("FsRtlTeardownPerFileContexts");
    volume.forgetCtrl(this);
  }

  @Override
  public String toString() {
    return "FileListCtrl(" + slot + "@" + volume.id() + ")";
  }
}
