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
 * <p>The block is itself the {@link ContextStore} of the file contexts, keyed by the instance each
 * was set through, as a stream's block is of its stream contexts ({@link InstanceContexts}).
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class FileListCtrl extends PerFileContext
    implements InstanceContexts, CtrlList.Node<FileListCtrl> {
  /** A torn-down block's {@link #slot} field: the slot still, for messages. */
  private record TornDown(PerFileContextSlot slot) {}

  /**
   * The file's per-file slot while the block is live, a {@link TornDown} holding it once the file
   * system tore the file down: the state and the slot in one field, and the volume read from the
   * owner id, keep the block at 40 bytes, one per new file under a filter with file contexts
   * (issue 14).
   */
  private volatile Object slot;

  /**
   * The file contexts ({@link InstanceContexts}): null, one, or an array; replaced under this
   * block's monitor, read without a lock.
   */
  private volatile @Nullable Object files;
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
    init(volume.fileCtrlIds);
    this.slot = slot;
  }

  /** The volume: the block's owner id, as for {@link StreamListCtrl}. */
  FltVolume volume() {
    return (FltVolume) java.util.Objects.requireNonNull(ownerId());
  }

  /** Whether the file system has torn the file down ({@code FsRtlTeardownPerFileContexts}). */
  boolean isTornDown() {
    return slot instanceof TornDown;
  }

  void onFileTeardown() {
    Object s = slot;
    if (s instanceof PerFileContextSlot live) {
      slot = new TornDown(live); // set before the detach, as the flag it replaces was
    }
    detachAll("FsRtlTeardownPerFileContexts");
    volume().forgetCtrl(this);
  }

  // ---- The store of the file contexts (InstanceContexts) ------------------------------------

  @Override
  public @Nullable Object heldContexts() {
    return files;
  }

  @Override
  public void heldContexts(@Nullable Object held) {
    files = held;
  }

  @Override
  public String toString() {
    Object s = slot;
    return "FileListCtrl(" + (s instanceof TornDown t ? t.slot() : s) + "@" + volume().id() + ")";
  }
}
