package io.fsctx.fltmgr;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.PrefixedText;
import io.fsctx.nt.UnicodeString;
import java.util.List;
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
 * <p>The cache's hold on the object is not one of the callers' references: a caller that releases
 * more than it got is caught at that release even while the object is still cached.
 *
 * <p>The object is also the characters of its {@code Name} (a {@link PrefixedText}: the volume's
 * device name, then the name below the volume), as the C structure's {@code Name} points into the
 * name object's own allocation: {@link #nameString()} shares the object, and so do the strings a
 * filter copies from it. As a {@link CharSequence} it reads as the full name, and so does {@link
 * #toString()}; {@link #describe()} gives its identity with the name, for messages.
 *
 * <p>Thread safety: safe for concurrent use; the counts and parsing are guarded by the object's
 * monitor (a leaf lock); the name never changes.
 */
public final class FltFileNameInformation extends PrefixedText {
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

  /**
   * The n of {@code Name#n}: formatted when asked (a name object lives as long as its file
   * object), and kept as an unsigned int, as a context's number is: with the holds guarded by the
   * object's own monitor, that keeps the object at 40 bytes (issue 14). Numbers wrap after 2^32
   * names, which only makes two ids of a very long run print alike.
   */
  private final int number;
  /**
   * {@code Format}, which indexes a file object's cache ({@link FltVolume#cachedName}): a byte, as
   * is {@link #namesParsed}, so that the object is 40 bytes (one per open file, issue 14).
   */
  private final byte format;
  // Name is this object's text: the volume's device name, then the tail, which is the string the
  // file system already holds for the file object. A concatenated copy cost about 90 bytes per
  // open file and a copy on every create, a text object of its own 16 (issue 14). Components are
  // cut from the tail.
  /** The volume that cached it: its device name is {@code Volume}; its generation ends the cache's hold. */
  private final FltVolume volume;
  // References owned by callers; the cache's hold is kept apart so that one caller's extra
  // release cannot silently consume it (and so go unnoticed until much later).
  @GuardedBy("this")
  private int refs;

  /**
   * The volume's name-cache generation the object was cached in, or {@link #UNCACHED} once the
   * cache let go of it. A rename on the volume starts a new generation, which ends the cache's hold
   * on every older name at once without visiting them ({@link FltVolume#invalidateNameCache}).
   */
  @GuardedBy("this")
  private int cachedIn;

  private static final int UNCACHED = -1;
  /**
   * Who holds references handed out and not yet given back, for the verifier's leak check: null
   * for nobody, the {@link FltFilter} itself when one filter holds them all (the usual case; its
   * count is {@code totalHolds - unattributedHolds()}, so no map or counter is built per name
   * query, issue 14), or an {@code IdentityHashMap<FltFilter, int[]>} of counts once a second
   * filter holds one. While references taken outside any callback are out, or once the verifier
   * keeps a ledger, a {@link RareHolds} holding one of those three with the rest.
   */
  @GuardedBy("this")
  private @Nullable Object holders;

  @GuardedBy("this")
  private int totalHolds;

  /**
   * What few names need: references handed out outside any filter callback (no filter to charge
   * them to), and at verifier level TRACKING the ledger of who took each handed-out reference,
   * where and in which callback, charged to the same holder as {@link #holders} (null:
   * unattributed). Two fields of their own made every name object 48 bytes rather than 40, one
   * per open file (issue 14).
   */
  private static final class RareHolds {
    @Nullable Object holders;
    int unattributed;
    @Nullable ReferenceLedger ledger;

    RareHolds(@Nullable Object holders) {
      this.holders = holders;
    }
  }
  @GuardedBy("this")
  private byte namesParsed;

  /**
   * A name cached in {@code generation} of {@code volume}'s cache, with one reference for its
   * first caller; {@code relative} is the name below the volume, kept as given.
   */
  FltFileNameInformation(long number, int format, String relative, FltVolume volume, int generation) {
    super(relative);
    if (format < 0 || format > Byte.MAX_VALUE) {
      throw new IllegalArgumentException("format " + format + " of a name on " + volume);
    }
    this.number = (int) number;
    this.format = (byte) format;
    this.volume = volume;
    this.cachedIn = generation;
    // Born with its first caller's reference: taking it with tryReference could fail when a
    // rename has already started the next generation, as nothing else holds the object yet.
    this.refs = 1;
  }

  FilterManager manager() {
    return volume.manager();
  }

  /** Its identity, such as {@code Name#4}. */
  public String id() {
    return "Name#" + Integer.toUnsignedString(number);
  }

  /** {@code Format}: normalized or opened. */
  public int format() {
    return format;
  }

  /**
   * {@code Name}: the full name, volume included, e.g. {@code \Device\HarddiskVolume1\a\b.txt};
   * a new string on each call (the object keeps the name in two parts).
   */
  public String name() {
    return toString();
  }

  /**
   * {@code Name} as a {@code UNICODE_STRING}: a new structure over the object's characters (no
   * copy), as the C structure's {@code Name} points into the name object; the caller owns the
   * structure, the object keeps the characters.
   */
  public UnicodeString nameString() {
    return UnicodeString.of(this);
  }

  /** Whether the name below the volume is {@code relative} (a snapshot; names never change). */
  boolean hasRelative(String relative) {
    return tail().equals(relative); // String.equals tests identity first
  }

  /** {@code Volume}: always filled. */
  public String volume() {
    return volume.deviceName();
  }

  /** {@code NamesParsed}: which parsed fields are filled. */
  public synchronized int namesParsed() {
    return namesParsed;
  }

  /**
   * {@code Share}: empty, as for every local volume (the model has no network redirector). Not a
   * field: a constant kept per name made the object a word longer.
   */
  public String share() {
    return "";
  }

  /** {@code Extension}, after {@link Flt#parseFileNameInformation}. */
  public synchronized String extension() {
    if (namesParsed == 0) {
      return "";
    }
    String tail = tail();
    int start = finalComponentStart();
    int end = streamStart(start);
    int dot = tail.lastIndexOf('.', end - 1);
    return dot < start ? "" : tail.substring(dot + 1, end);
  }

  /** {@code Stream} such as {@code :ads} or {@code ::$DATA}, after parsing; empty otherwise. */
  public synchronized String stream() {
    if (namesParsed == 0) {
      return "";
    }
    String tail = tail();
    int colon = streamStart(finalComponentStart());
    return colon == tail.length() ? "" : tail.substring(colon); // no copy for the default stream
  }

  /** {@code FinalComponent}, after parsing. */
  public synchronized String finalComponent() {
    return namesParsed == 0 ? "" : finalComponentOf();
  }

  /** {@code ParentDir} with its trailing backslash, after parsing. */
  public synchronized String parentDir() {
    if (namesParsed == 0) {
      return "";
    }
    String rest = tail();
    int slash = rest.lastIndexOf('\\');
    return slash < 0 ? "" : rest.substring(0, slash + 1);
  }

  /** The reference count (a snapshot): the callers' references plus one while cached. */
  public synchronized int referenceCount() {
    return refs + (isCached() ? 1 : 0);
  }

  /** Whether the volume's cache still holds it: cached in the current generation and not let go. */
  @GuardedBy("this")
  private boolean isCached() {
    return cachedIn != UNCACHED && cachedIn == volume.nameGeneration();
  }

  /** Whether it was cached in {@code generation} and the cache has not let go of it (a snapshot). */
  synchronized boolean isCachedIn(int generation) {
    return cachedIn == generation;
  }

  // The parsed components are cut from the name below the volume when asked for: a cached name
  // object lives as long as its file object, and most callers never ask for them. Indexes below
  // are into that tail.
  private String finalComponentOf() {
    return tail().substring(finalComponentStart());
  }

  /** Where the final component begins in the tail: after its last backslash. */
  private int finalComponentStart() {
    return tail().lastIndexOf('\\') + 1;
  }

  /** Where the stream name ({@code :ads}) begins in the final component, or the tail's length. */
  private int streamStart(int finalComponentStart) {
    String tail = tail();
    int colon = tail.indexOf(':', finalComponentStart);
    return colon < 0 ? tail.length() : colon;
  }

  synchronized void parse() {
    namesParsed =
        (byte)
            (FLTFL_FILE_NAME_PARSED_FINAL_COMPONENT
                | FLTFL_FILE_NAME_PARSED_EXTENSION
                | FLTFL_FILE_NAME_PARSED_STREAM
                | FLTFL_FILE_NAME_PARSED_PARENT_DIR);
  }

  /** A reference for a caller, if the object is still alive (cached or referenced). */
  synchronized boolean tryReference() {
    if (refs <= 0 && !isCached()) {
      return false;
    }
    refs++;
    return true;
  }

  void reference() {
    if (!tryReference()) {
      throw overRelease("FltReferenceFileNameInformation");
    }
  }

  /** A caller's release; with no caller reference left it is bug check 0xF5/0x68. */
  void release() {
    synchronized (this) {
      if (refs > 0) {
        refs--;
        return;
      }
    }
    throw overRelease("FltReleaseFileNameInformation");
  }

  /** The cache lets go of it; the callers' references stay valid. */
  synchronized void uncache() {
    cachedIn = UNCACHED;
  }

  private BugCheckException overRelease(String routine) {
    String msg = "file name information " + describe() + " released too many times (" + routine + ")";
    FltFilter f = manager().events().currentFilter();
    manager().verifier().report(
        new VerifierFinding(
            VerifierFinding.Kind.NAME_INFORMATION_RELEASED_TOO_MANY_TIMES,
            f == null ? "unknown filter" : f.name(), id(), msg, null, null));
    return new BugCheckException(BugCheckException.FLTMGR_FILE_SYSTEM, 0x68, msg, null);
  }

  /**
   * Records one reference as held by {@code filter} (the verifier's accounting); at TRACKING also
   * who took it, where and in which callback.
   *
   * @param filter the filter whose callback is running, or null outside callbacks
   * @param routine the routine that handed it out ({@code FltGetFileNameInformation}, ...)
   */
  void hold(@Nullable FltFilter filter, String routine) {
    ContextVerifier verifier = manager().verifier();
    ReferenceLedger.Entry entry =
        verifier.tracksReferences()
            ? new ReferenceLedger.Entry(routine, verifier.currentCallback(), new Throwable(routine + " " + id()), filter)
            : null;
    boolean first;
    synchronized (this) {
      if (filter == null) {
        rare().unattributed++;
      } else {
        Object h = who();
        if (h == null) {
          who(filter);
        } else if (h != filter) {
          holdersMap().computeIfAbsent(filter, k -> new int[1])[0]++;
        }
      }
      if (entry != null) {
        RareHolds r = rare();
        if (r.ledger == null) {
          r.ledger = new ReferenceLedger();
        }
        r.ledger.taken(entry);
      }
      first = totalHolds++ == 0;
      if (first) {
        // Tracked while anything handed out is outstanding, so the manager's set of tracked
        // names stays bounded by what filters hold right now.
        manager().trackName(this);
      }
    }
  }

  /**
   * Gives one handed-out reference back. Inside a filter's callback it must be that filter's (or
   * one taken outside any callback); outside callbacks (a worker thread) it may be anyone's.
   *
   * @return false when no handed-out reference was left to account for it
   */
  boolean unhold(@Nullable FltFilter filter) {
    synchronized (this) {
      Object charged = unholdOne(filter);
      if (charged == null) {
        return false;
      }
      ReferenceLedger l = ledger();
      if (l != null) {
        l.retire(charged == UNATTRIBUTED ? null : charged);
      }
      shedRare();
      if (--totalHolds == 0) {
        manager().untrackName(this);
      }
      return true;
    }
  }

  /** The holder, or the map of holders, without a {@link RareHolds} around it. */
  @GuardedBy("this")
  private @Nullable Object who() {
    Object h = holders;
    return h instanceof RareHolds r ? r.holders : h;
  }

  @GuardedBy("this")
  private void who(@Nullable Object h) {
    if (holders instanceof RareHolds r) {
      r.holders = h;
    } else {
      holders = h;
    }
  }

  @GuardedBy("this")
  private int unattributedHolds() {
    return holders instanceof RareHolds r ? r.unattributed : 0;
  }

  @GuardedBy("this")
  private @Nullable ReferenceLedger ledger() {
    return holders instanceof RareHolds r ? r.ledger : null;
  }

  /** The rare part, made around the holders on first use. */
  @GuardedBy("this")
  private RareHolds rare() {
    Object h = holders;
    if (h instanceof RareHolds r) {
      return r;
    }
    RareHolds r = new RareHolds(h);
    holders = r;
    return r;
  }

  /** Drops the rare part once it holds nothing but the holders. */
  @GuardedBy("this")
  private void shedRare() {
    if (holders instanceof RareHolds r && r.unattributed == 0 && r.ledger == null) {
      holders = r.holders;
    }
  }

  /** What {@link #unholdOne} returns for a reference charged to no filter. */
  private static final Object UNATTRIBUTED = new Object();

  /** The holders as a map, made from the sole holder when a second filter takes a reference. */
  @GuardedBy("this")
  // holders holds only a FltFilter or this map type; the field is an Object because it holds one
  // of the two, not because the map is used as any Map.
  @SuppressWarnings({"unchecked", "IdentityHashMapUsage"})
  private java.util.IdentityHashMap<FltFilter, int[]> holdersMap() {
    Object h = who();
    if (h instanceof java.util.IdentityHashMap<?, ?> m) {
      return (java.util.IdentityHashMap<FltFilter, int[]>) m;
    }
    java.util.IdentityHashMap<FltFilter, int[]> m = new java.util.IdentityHashMap<>(2);
    if (h instanceof FltFilter sole) {
      m.put(sole, new int[] {totalHolds - unattributedHolds()});
    }
    who(m);
    return m;
  }

  /** Gives one reference back; returns the filter it was charged to, {@link #UNATTRIBUTED}, or null for none. */
  @GuardedBy("this")
  private @Nullable Object unholdOne(@Nullable FltFilter filter) {
    Object who = who();
    Object sole = who instanceof FltFilter f ? f : null;
    int unattributed = unattributedHolds();
    if (sole != null && (filter == sole || (filter == null && unattributed == 0))) {
      if (totalHolds - unattributed == 1) {
        who(null); // its last reference
      }
      return sole;
    }
    java.util.IdentityHashMap<FltFilter, int[]> h = sole == null && who != null ? holdersMap() : null;
    int[] mine = filter == null || h == null ? null : h.get(filter);
    if (mine != null && mine[0] > 0) {
      if (--mine[0] == 0) {
        dropHolder(h, filter);
      }
      return filter;
    }
    if (unattributed > 0) {
      rare().unattributed--;
      return UNATTRIBUTED;
    }
    if (filter == null && h != null) {
      for (java.util.Map.Entry<FltFilter, int[]> any : h.entrySet()) {
        if (any.getValue()[0] > 0) {
          FltFilter k = any.getKey();
          if (--any.getValue()[0] == 0) {
            dropHolder(h, k);
          }
          return k;
        }
      }
    }
    return null;
  }

  @GuardedBy("this")
  private void dropHolder(java.util.IdentityHashMap<FltFilter, int[]> h, FltFilter filter) {
    h.remove(filter);
    if (h.isEmpty()) {
      who(null);
    }
  }

  /**
   * The references {@code filter} still holds on this object, oldest first, with the routine,
   * callback, thread and site that took each (recorded at {@link VerifierLevel#TRACKING} and
   * above, with stacks at FULL; empty below). A release retires one of the filter's references by
   * {@link ReferenceLedger}'s pairing policy.
   *
   * @param filter the holder
   * @return a snapshot; safe to call from any thread
   */
  public List<HeldReference> outstandingReferences(FltFilter filter) {
    ReferenceLedger l;
    synchronized (this) {
      l = ledger();
    }
    return l == null ? List.of() : l.outstanding(filter, manager().verifier().level().atLeast(VerifierLevel.FULL));
  }

  /** References {@code filter} still holds. */
  int heldBy(FltFilter filter) {
    synchronized (this) {
      Object h = who();
      if (h == filter) {
        return totalHolds - unattributedHolds();
      }
      int[] n = h instanceof java.util.IdentityHashMap<?, ?> ? holdersMap().get(filter) : null;
      return n == null ? 0 : n[0];
    }
  }

  /**
   * A hash from the object's number, not an identity hash; equality stays identity. The
   * verifier's set of held names ({@link FilterManager#trackName}) hashes the object inside {@link
   * #hold}, under the object's own monitor, and on JDK 17 an identity hash taken of an object its
   * thread has locked inflates the object's monitor: about a sixth of the filtered I/O path on
   * that JDK (issue 14).
   */
  @Override
  public int hashCode() {
    return number * 0x9E3779B9;
  }

  /** {@code Volume}'s device name: the first part of the name ({@link PrefixedText}). */
  @Override
  public String prefix() {
    return volume.deviceName();
  }

  /** Its identity and its name, such as {@code Name#4(\Device\HarddiskVolume1\a.txt)}, for messages. */
  public String describe() {
    return id() + "(" + this + ")";
  }
}
