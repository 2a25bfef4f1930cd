package io.fsctx.fltmgr;

import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.UnicodeString;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * {@code FLT_FILE_NAME_INFORMATION}: a reference-counted, shared, read-only name of a file
 * object, in normalized or opened format. Filter Manager caches these per file object and hands
 * the same object to every filter that asks, so {@link Flt#parseFileNameInformation} (the only
 * change allowed) is visible to all of them, as on Windows. A rename, link or delete on the
 * volume invalidates the cache; objects already handed out stay valid for their holders.
 *
 * <p>Releasing it more times than it was referenced is bug check 0xF5/0x68.
 *
 * <p>Thread safety: safe for concurrent use; parsing is idempotent and synchronized.
 */
public final class FltFileNameInformation {
  /** {@code FLT_FILE_NAME_NORMALIZED}. */
  public static final int FLT_FILE_NAME_NORMALIZED = 0x01;
  /** {@code FLT_FILE_NAME_OPENED}. */
  public static final int FLT_FILE_NAME_OPENED = 0x02;
  /** {@code FLT_FILE_NAME_SHORT}. */
  public static final int FLT_FILE_NAME_SHORT = 0x03;
  /** {@code FLT_FILE_NAME_QUERY_DEFAULT}. */
  public static final int FLT_FILE_NAME_QUERY_DEFAULT = 0x0100;
  /** {@code FLT_FILE_NAME_QUERY_CACHE_ONLY}. */
  public static final int FLT_FILE_NAME_QUERY_CACHE_ONLY = 0x0200;
  /** {@code FLT_FILE_NAME_QUERY_FILESYSTEM_ONLY}. */
  public static final int FLT_FILE_NAME_QUERY_FILESYSTEM_ONLY = 0x0300;
  /** {@code FLT_FILE_NAME_QUERY_ALWAYS_ALLOW_CACHE_LOOKUP}. */
  public static final int FLT_FILE_NAME_QUERY_ALWAYS_ALLOW_CACHE_LOOKUP = 0x0400;

  /** {@code FLTFL_FILE_NAME_PARSED_FINAL_COMPONENT}. */
  public static final int FLTFL_FILE_NAME_PARSED_FINAL_COMPONENT = 0x0001;
  /** {@code FLTFL_FILE_NAME_PARSED_EXTENSION}. */
  public static final int FLTFL_FILE_NAME_PARSED_EXTENSION = 0x0002;
  /** {@code FLTFL_FILE_NAME_PARSED_STREAM}. */
  public static final int FLTFL_FILE_NAME_PARSED_STREAM = 0x0004;
  /** {@code FLTFL_FILE_NAME_PARSED_PARENT_DIR}. */
  public static final int FLTFL_FILE_NAME_PARSED_PARENT_DIR = 0x0008;

  private final String id;
  private final int format;
  private final String name;
  private final String volume;
  private final AtomicInteger refs = new AtomicInteger(1);
  private final FilterManager manager;
  /** References handed to each filter and not yet given back, for the verifier's leak check. */
  private final java.util.concurrent.ConcurrentHashMap<FltFilter, AtomicInteger> holds =
      new java.util.concurrent.ConcurrentHashMap<>();
  /** References handed out outside any filter callback (no filter to charge them to). */
  private final AtomicInteger unattributedHolds = new AtomicInteger();
  private int namesParsed;
  private String share = "";
  private String extension = "";
  private String stream = "";
  private String finalComponent = "";
  private String parentDir = "";

  FltFileNameInformation(FilterManager manager, String id, int format, String name, String volume) {
    this.manager = manager;
    this.id = id;
    this.format = format;
    this.name = name;
    this.volume = volume;
  }

  FilterManager manager() {
    return manager;
  }

  /** Its identity, such as {@code Name#4}. */
  public String id() {
    return id;
  }

  /** {@code Format}: normalized or opened. */
  public int format() {
    return format;
  }

  /** {@code Name}: the full name, volume included, e.g. {@code \Device\HarddiskVolume1\a\b.txt}. */
  public String name() {
    return name;
  }

  /** {@code Name} as a {@code UNICODE_STRING}. */
  public UnicodeString nameString() {
    return UnicodeString.of(name);
  }

  /** {@code Volume}: always filled. */
  public String volume() {
    return volume;
  }

  /** {@code NamesParsed}: which parsed fields are filled. */
  public synchronized int namesParsed() {
    return namesParsed;
  }

  /** {@code Share} (empty for local volumes). */
  public synchronized String share() {
    return share;
  }

  /** {@code Extension}, after {@link Flt#parseFileNameInformation}. */
  public synchronized String extension() {
    return extension;
  }

  /** {@code Stream} such as {@code :ads} or {@code ::$DATA}, after parsing; empty otherwise. */
  public synchronized String stream() {
    return stream;
  }

  /** {@code FinalComponent}, after parsing. */
  public synchronized String finalComponent() {
    return finalComponent;
  }

  /** {@code ParentDir} with its trailing backslash, after parsing. */
  public synchronized String parentDir() {
    return parentDir;
  }

  /** The reference count (a snapshot). */
  public int referenceCount() {
    return refs.get();
  }

  synchronized void parse() {
    String rest = name.substring(Math.min(volume.length(), name.length()));
    int slash = rest.lastIndexOf('\\');
    parentDir = slash < 0 ? "" : rest.substring(0, slash + 1);
    finalComponent = slash < 0 ? rest : rest.substring(slash + 1);
    int colon = finalComponent.indexOf(':');
    String base = colon < 0 ? finalComponent : finalComponent.substring(0, colon);
    stream = colon < 0 ? "" : finalComponent.substring(colon);
    int dot = base.lastIndexOf('.');
    extension = dot < 0 ? "" : base.substring(dot + 1);
    namesParsed =
        FLTFL_FILE_NAME_PARSED_FINAL_COMPONENT
            | FLTFL_FILE_NAME_PARSED_EXTENSION
            | FLTFL_FILE_NAME_PARSED_STREAM
            | FLTFL_FILE_NAME_PARSED_PARENT_DIR;
  }

  boolean tryReference() {
    return refs.getAndUpdate(c -> c <= 0 ? c : c + 1) > 0;
  }

  void reference() {
    if (refs.getAndUpdate(c -> c <= 0 ? c : c + 1) <= 0) {
      throw overRelease("FltReferenceFileNameInformation");
    }
  }

  void release() {
    if (refs.getAndUpdate(c -> c <= 0 ? c : c - 1) <= 0) {
      throw overRelease("FltReleaseFileNameInformation");
    }
  }

  /**
   * The name cache drops its own reference. When a holder over-released and already took it, the
   * count is zero: nothing to do, and nothing to report here, since that holder's release was
   * reported when it happened.
   */
  void releaseCacheReference() {
    refs.getAndUpdate(c -> c <= 0 ? c : c - 1);
  }

  private BugCheckException overRelease(String routine) {
    String msg = "file name information " + id + " (" + name + ") released too many times (" + routine + ")";
    FltFilter f = manager.events().currentFilter();
    manager.verifier().report(
        new VerifierFinding(
            VerifierFinding.Kind.NAME_INFORMATION_RELEASED_TOO_MANY_TIMES,
            f == null ? "unknown filter" : f.name(), id, msg, null, null));
    return new BugCheckException(BugCheckException.FLTMGR_FILE_SYSTEM, 0x68, msg, null);
  }

  /** Records one reference as held by {@code filter} (the verifier's accounting). */
  void hold(@Nullable FltFilter filter) {
    if (filter == null) {
      unattributedHolds.incrementAndGet();
    } else {
      holds.computeIfAbsent(filter, k -> new AtomicInteger()).incrementAndGet();
    }
    manager.trackName(this);
  }

  /**
   * Gives one handed-out reference back. Inside a filter's callback it must be that filter's (or
   * one taken outside any callback); outside callbacks (a worker thread) it may be anyone's.
   *
   * @return false when no such reference was left: the release took the name cache's own
   *     reference, an over-release that Windows would only notice later, as 0xF5/0x68
   */
  boolean unhold(@Nullable FltFilter filter) {
    if (filter != null) {
      return decrementIfPositive(holds.get(filter)) || decrementIfPositive(unattributedHolds);
    }
    if (decrementIfPositive(unattributedHolds)) {
      return true;
    }
    for (AtomicInteger any : holds.values()) {
      if (decrementIfPositive(any)) {
        return true;
      }
    }
    return false;
  }

  private static boolean decrementIfPositive(@Nullable AtomicInteger n) {
    return n != null && n.getAndUpdate(c -> c > 0 ? c - 1 : c) > 0;
  }

  /** Verifier: a release that no handed-out reference accounts for (see {@link #unhold}). */
  void reportUnaccountedRelease() {
    FltFilter f = manager.events().currentFilter();
    manager.verifier().report(
        new VerifierFinding(
            VerifierFinding.Kind.NAME_INFORMATION_RELEASED_TOO_MANY_TIMES,
            f == null ? "unknown filter" : f.name(),
            id,
            "file name information " + id + " (" + name + ") released more times than it was handed out"
                + " (FltReleaseFileNameInformation): the release took the name cache's own reference, refs="
                + refs.get(),
            null,
            null));
  }

  /** References {@code filter} still holds. */
  int heldBy(FltFilter filter) {
    AtomicInteger n = holds.get(filter);
    return n == null ? 0 : n.get();
  }

  @Override
  public String toString() {
    return id + "(" + name + ")";
  }
}
