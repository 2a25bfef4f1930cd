package io.fsctx.fltmgr;

import io.fsctx.fsrtl.PerFileContext;
import io.fsctx.fsrtl.PerFileContextSlot;

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
  private static final FltInstance[] NO_USERS = {};
  /**
   * The instances with a file context here: a copy-on-write array replaced under this block's
   * monitor, since a file has one per filter on the volume, usually one (a concurrent map's set
   * cost about 200 bytes per file, a {@code CopyOnWriteArraySet} 80).
   */
  private volatile FltInstance[] users = NO_USERS;

  synchronized boolean addUser(FltInstance i) {
    FltInstance[] u = users;
    for (FltInstance x : u) {
      if (x == i) {
        return false;
      }
    }
    FltInstance[] more = java.util.Arrays.copyOf(u, u.length + 1);
    more[u.length] = i;
    users = more;
    return true;
  }

  synchronized boolean removeUser(FltInstance i) {
    FltInstance[] u = users;
    for (int k = 0; k < u.length; k++) {
      if (u[k] == i) {
        FltInstance[] less = u.length == 1 ? NO_USERS : new FltInstance[u.length - 1];
        System.arraycopy(u, 0, less, 0, k);
        System.arraycopy(u, k + 1, less, k, u.length - k - 1);
        users = less;
        return true;
      }
    }
    return false;
  }
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
