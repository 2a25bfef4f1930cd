package io.fsctx.fltmgr.frame;

import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltPreopCallbackStatus;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the test minifilters saw, in the order they saw it: every operation callback and every
 * context cleanup, shared by all filters of one test so that the order across altitudes shows.
 *
 * <p>Thread safety: safe for concurrent use; {@link #setRecording(boolean) recording} can be
 * switched off for load tests.
 */
final class Journal {

  /** One entry: an operation callback or a context cleanup. */
  sealed interface Entry {
    /** A short line such as {@code 370000 PreCreate} or {@code cleanup 320000 STREAM \a.txt}. */
    String line();
  }

  /**
   * An operation callback.
   *
   * @param altitude the filter's altitude
   * @param callback {@code PreCreate}, {@code PostRead}, ...
   * @param fileObject the target file object
   * @param completionContext what the pre-callback stored, or what the post-callback received
   * @param preResult the pre-callback's result; null for a post-callback
   * @param status the I/O status in the callback data when the callback returned
   * @param information the {@code IoStatus.Information} then
   * @param postFlags the post-callback's flags; 0 for a pre-callback
   * @param thread the thread the callback ran in
   */
  record Call(
      String altitude,
      String callback,
      @Nullable FileObject fileObject,
      @Nullable Object completionContext,
      @Nullable FltPreopCallbackStatus preResult,
      NtStatus status,
      long information,
      int postFlags,
      Thread thread)
      implements Entry {
    @Override
    public String line() {
      return altitude + " " + callback;
    }
  }

  /**
   * A context's cleanup callback ran.
   *
   * @param altitude the filter's altitude
   * @param type the context type
   * @param label the payload's label
   * @param contextId the context's id
   */
  record Cleanup(String altitude, FltContextType type, String label, String contextId) implements Entry {
    @Override
    public String line() {
      return "cleanup " + altitude + " " + type + " " + label;
    }
  }

  /**
   * A file-system event worth placing among the callbacks, such as {@code fcb freed \a.txt}.
   *
   * @param line the text
   */
  record Note(String line) implements Entry {}

  private final List<Entry> entries = new ArrayList<>();
  private volatile boolean recording = true;

  void setRecording(boolean on) {
    recording = on;
  }

  void add(Entry e) {
    if (!recording) {
      return;
    }
    synchronized (entries) {
      entries.add(e);
    }
  }

  List<Entry> entries() {
    synchronized (entries) {
      return List.copyOf(entries);
    }
  }

  /** Every entry as a line. */
  List<String> lines() {
    List<String> out = new ArrayList<>();
    for (Entry e : entries()) {
      out.add(e.line());
    }
    return out;
  }

  /** The calls on one file object, as lines. */
  List<String> lines(FileObject fo) {
    List<String> out = new ArrayList<>();
    for (Entry e : entries()) {
      if (e instanceof Call c && c.fileObject() == fo) {
        out.add(e.line());
      }
    }
    return out;
  }

  /** The calls only. */
  List<Call> calls() {
    List<Call> out = new ArrayList<>();
    for (Entry e : entries()) {
      if (e instanceof Call c) {
        out.add(c);
      }
    }
    return out;
  }

  /** The calls of one callback name, such as {@code PostCreate}. */
  List<Call> calls(String callback) {
    List<Call> out = new ArrayList<>();
    for (Call c : calls()) {
      if (c.callback().equals(callback)) {
        out.add(c);
      }
    }
    return out;
  }

  /** Cleanups and notes only: the order in which things died. */
  List<String> deaths() {
    List<String> out = new ArrayList<>();
    for (Entry e : entries()) {
      if (!(e instanceof Call)) {
        out.add(e.line());
      }
    }
    return out;
  }

  /** The cleanup lines only. */
  List<String> cleanups() {
    List<String> out = new ArrayList<>();
    for (Entry e : entries()) {
      if (e instanceof Cleanup) {
        out.add(e.line());
      }
    }
    return out;
  }

  void clear() {
    synchronized (entries) {
      entries.clear();
    }
  }
}
