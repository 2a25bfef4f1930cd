package io.fsctx.verifier;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoEvent;
import io.fsctx.nt.ProbingTable;

/**
 * The file objects open on one volume, and whether its file system's dismount has returned.
 * FREE-AT-DISMOUNT is judged once both hold: the volume is marked dismounted before its file
 * system's dismount runs, so a last close racing the dismount must not judge the volume while
 * the dismount is still freeing the VCB (issue 18.3). A file object counts from the start of its
 * create ({@link IoEvent.CreateStarted}): a create still on its way back up when the dismount
 * returns holds an FCB and a CCB the file system rightly keeps. The two conditions change under
 * one monitor, so exactly the event that makes both true sees them both.
 *
 * <p>Thread safety: safe for concurrent use (its monitor). Used by {@link FileSystemVerifier}.
 */
final class VolumeFiles {
  /**
   * The open file objects, by identity. A table without a node per element: a {@code HashSet}'s
   * node was 24 bytes per open file object (issue 14).
   */
  @GuardedBy("this")
  private final OpenSet open = new OpenSet();
  @GuardedBy("this")
  private boolean dismountReturned;

  synchronized void opened(FileObject fo) {
    open.put(System.identityHashCode(fo), fo, 0, fo);
  }

  /** Forgets a deleted file object; true when it was the last and the dismount has returned. */
  synchronized boolean deletedAndGone(FileObject fo) {
    return open.remove(System.identityHashCode(fo), fo, 0, fo) && open.size() == 0 && dismountReturned;
  }

  /** Notes that the file system's dismount returned; true when no file object is open. */
  synchronized boolean dismountedAndEmpty() {
    dismountReturned = true;
    return open.size() == 0;
  }

  /** File objects keyed by themselves. */
  private static final class OpenSet extends ProbingTable<FileObject> {
    @Override
    protected int hashOf(FileObject fo) {
      return System.identityHashCode(fo);
    }

    @Override
    protected boolean matches(FileObject fo, Object key, long unused) {
      return fo == key;
    }
  }
}
