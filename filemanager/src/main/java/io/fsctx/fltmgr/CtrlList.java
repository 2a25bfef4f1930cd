package io.fsctx.fltmgr;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A volume's list of control blocks of one kind ({@link StreamListCtrl}, {@link FileListCtrl}),
 * linked through the blocks themselves, as Filter Manager keeps its per-volume lists of stream
 * and file list controls: a block costs two references and no entry of its own, and is added and
 * removed in constant time. Instance teardown walks the list to find the blocks holding its
 * contexts, so no instance keeps a registry of the blocks it used.
 *
 * <p>Thread safety: none of its own; {@link FltVolume} calls it under its block lock.
 *
 * @param <C> the kind of block
 */
final class CtrlList<C extends CtrlList.Node<C>> {
  /** A block's links; read and written only by the list, under the volume's block lock. */
  interface Node<C> {
    @Nullable C prevInVolume();

    void prevInVolume(@Nullable C c);

    @Nullable C nextInVolume();

    void nextInVolume(@Nullable C c);
  }

  private @Nullable C head;
  private int count;

  void add(C c) {
    C h = head;
    c.nextInVolume(h);
    c.prevInVolume(null);
    if (h != null) {
      h.prevInVolume(c);
    }
    head = c;
    count++;
  }

  /** Unlinks {@code c}; nothing when it is not on the list (never added, or already removed). */
  void remove(C c) {
    C p = c.prevInVolume();
    C n = c.nextInVolume();
    if (p == null && head != c) {
      return;
    }
    if (p == null) {
      head = n;
    } else {
      p.nextInVolume(n);
    }
    if (n != null) {
      n.prevInVolume(p);
    }
    c.prevInVolume(null);
    c.nextInVolume(null);
    count--;
  }

  int size() {
    return count;
  }

  /** The blocks, newest first, as a list of their own. */
  List<C> snapshot() {
    List<C> out = new ArrayList<>(count);
    for (C c = head; c != null; c = c.nextInVolume()) {
      out.add(c);
    }
    return out;
  }
}
