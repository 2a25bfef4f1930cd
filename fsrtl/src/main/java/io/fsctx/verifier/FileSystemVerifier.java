package io.fsctx.verifier;

import static com.google.common.base.Preconditions.checkNotNull;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V1;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_IS_PAGING_FILE;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG_ADVANCED_HEADER;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.fsrtl.HeaderAudit;
import io.fsctx.fsrtl.PerFileContextSlot;
import io.fsctx.fsrtl.SlotAudit;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoEvent;
import io.fsctx.io.IoEventListener;
import io.fsctx.io.IoManager;
import io.fsctx.io.Irp;
import io.fsctx.io.Volume;
import io.fsctx.io.VolumeRequest;
import io.fsctx.nt.PoolBlock;
import io.fsctx.nt.PoolListener;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Watches one {@link IoManager} as Driver Verifier watches a file system, and evaluates the
 * {@link FsRule} table: at each file object's first sight of a header (a successful create or a
 * stream file object), at each pool free (the FCB going away, with whatever its header's and
 * slot's audits recorded: setups, teardowns and what was open at each), at each double free, and
 * when a dismounted volume has no file objects left. It never acts on the file system's behalf.
 *
 * <h2>When each rule is judged</h2>
 * <ul>
 *   <li>At a file object's creation: {@code FCB-POOL}, {@code HDR-ADVANCED}, {@code HDR-SETUP},
 *       {@code SETUP-ORDER}, {@code SETUP-ONCE}, {@code FLAGS-STABLE}, {@code VERSION-SLOT},
 *       {@code PAGING-FILE} (a paging file: {@code SL_OPEN_PAGING_FILE} or {@code \pagefile.sys},
 *       {@code \swapfile.sys} at the root).
 *   <li>At the free of a pool block, for every header and slot embedded in it: {@code
 *       STREAM-TEARDOWN}, {@code FILE-TEARDOWN}, {@code TEARDOWN-TIMING}, {@code LOCK-LIFETIME},
 *       {@code FREE-WHILE-OPEN}, and again {@code SETUP-ORDER}, {@code SETUP-ONCE} and {@code
 *       FLAGS-STABLE} (the header may have changed since it was first seen).
 *   <li>At a second free of a block: {@code FREE-ONCE}.
 *   <li>When a volume has been dismounted and its last file object deleted: {@code
 *       FREE-AT-DISMOUNT}, over the pool blocks allocated while serving that volume's requests.
 *   <li>At {@link #finish()}: {@code TEARDOWN-TIMING} and {@code SETUP-ORDER} for headers still
 *       alive.
 * </ul>
 * Each (rule, structure) pair is reported once. Besides violations the verifier counts how often
 * each rule was checked ({@link #checks}), so that a report can tell "passed on 12 frees" from
 * "never exercised".
 *
 * <p>Thread safety: safe for concurrent use; it is called on the threads that create file objects
 * and free pool blocks, keeps its books in concurrent collections and calls its own listeners
 * with no lock held.
 */
public final class FileSystemVerifier implements IoEventListener, PoolListener, AutoCloseable {
  private final IoManager io;
  /** Headers a file object has pointed at and whose block is not freed, with a name for messages. */
  private final Map<CommonFcbHeader, String> live = new ConcurrentHashMap<>();
  /** File objects created and not yet deleted, per volume. */
  private final Map<Volume, Set<FileObject>> openByVolume = new ConcurrentHashMap<>();
  private final Set<Volume> volumesChecked = ConcurrentHashMap.newKeySet();
  private final Set<String> reported = ConcurrentHashMap.newKeySet();
  private final List<FsViolation> violations = new CopyOnWriteArrayList<>();
  private final Map<FsRule, LongAdder> checks = new EnumMap<>(FsRule.class);
  private final CopyOnWriteArrayList<Consumer<FsViolation>> listeners = new CopyOnWriteArrayList<>();

  private FileSystemVerifier(IoManager io) {
    this.io = io;
    for (FsRule r : FsRule.values()) {
      checks.put(r, new LongAdder());
    }
  }

  /**
   * Starts watching an I/O manager: its events and its pool. Volumes mounted before this call are
   * watched from now on.
   *
   * @param io the I/O manager
   * @return the verifier; {@link #close()} stops it
   */
  public static FileSystemVerifier watch(IoManager io) {
    FileSystemVerifier v = new FileSystemVerifier(checkNotNull(io, "io"));
    io.addListener(v);
    io.pool().addListener(v);
    return v;
  }

  /** Stops watching. */
  @Override
  public void close() {
    io.removeListener(this);
    io.pool().removeListener(this);
  }

  /**
   * Calls {@code listener} for every later violation, on the thread that found it.
   *
   * @param listener the listener
   */
  public void addListener(Consumer<FsViolation> listener) {
    listeners.add(checkNotNull(listener, "listener"));
  }

  /** Every violation found so far, in the order found. */
  public List<FsViolation> violations() {
    return List.copyOf(violations);
  }

  /** The violations of one rule. */
  public List<FsViolation> violations(FsRule rule) {
    List<FsViolation> out = new ArrayList<>();
    for (FsViolation v : violations) {
      if (v.rule() == rule) {
        out.add(v);
      }
    }
    return out;
  }

  /** How many times a rule was evaluated (on a header, slot, block or volume). */
  public long checks(FsRule rule) {
    return checks.get(rule).sum();
  }

  /**
   * Judges what only the end of a run can show, for headers still alive: a teardown that ran
   * while file objects were open, a setup after the FCB was reachable.
   */
  public void finish() {
    for (Map.Entry<CommonFcbHeader, String> e : live.entrySet()) {
      if (e.getKey() instanceof AdvancedFcbHeader a) {
        checkSetupOrder(a, e.getValue());
        checkTeardownTiming(a, e.getValue());
      }
    }
  }

  // ---- I/O events --------------------------------------------------------------------------

  @Override
  public void onEvent(IoEvent event) {
    if (event instanceof IoEvent.FileObjectCreated c) {
      openByVolume.computeIfAbsent(c.volume(), k -> ConcurrentHashMap.newKeySet()).add(c.fileObject());
      CommonFcbHeader h = c.fileObject().fsContext();
      if (h != null) {
        onPublished(h, c);
      }
    } else if (event instanceof IoEvent.FileObjectDeleted d) {
      Set<FileObject> open = openByVolume.get(d.volume());
      if (open != null && open.remove(d.fileObject()) && open.isEmpty() && d.volume().isDismounted()) {
        checkVolumeFreed(d.volume());
      }
    } else if (event instanceof IoEvent.VolumeDismounted d) {
      Set<FileObject> open = openByVolume.get(d.volume());
      if (open == null || open.isEmpty()) {
        checkVolumeFreed(d.volume());
      }
    }
  }

  private void onPublished(CommonFcbHeader h, IoEvent.FileObjectCreated c) {
    FileObject fo = c.fileObject();
    String name = describeOpen(fo, c);
    String known = live.putIfAbsent(h, name);
    if (known != null) {
      name = known;
    }
    // Messages are built only when a rule is broken: this runs at every create.
    check(FsRule.FCB_POOL);
    if (h.memory() == null) {
      report(FsRule.FCB_POOL, h.id(), what(h, name) + " is not embedded in a pool block: build the FCB's header with"
          + " new AdvancedFcbHeader(block, id) on a block from Volume.pool().allocate, or its free cannot be checked");
    }
    check(FsRule.HDR_ADVANCED);
    if (!(h instanceof AdvancedFcbHeader a)) {
      report(FsRule.HDR_ADVANCED, h.id(), what(h, name) + " has only FSRTL_COMMON_FCB_HEADER (no FilterContexts list, no"
          + " Flags2 support bit): " + fo + " was opened on it " + PoolBlock.describe(h.audit().firstPublishedWhere())
          + "; filters get STATUS_NOT_SUPPORTED for its stream, stream-handle and file contexts");
      return;
    }
    HeaderAudit audit = a.audit();
    check(FsRule.HDR_SETUP);
    if (!audit.isSetUp()) {
      report(FsRule.HDR_SETUP, a.id(), what(a, name) + " was never set up (no FsRtlSetupAdvancedHeader/Ex/Ex2 call) when "
          + fo + " was opened on it " + PoolBlock.describe(audit.firstPublishedWhere()) + ": Flags="
          + hex(a.flags()) + " Flags2=" + hex(a.flags2()) + " Version=" + a.version());
    }
    checkSetupOrder(a, name);
    checkSetupOnce(a, name);
    checkFlags(a, name, fo);
    check(FsRule.VERSION_SLOT);
    PerFileContextSlot given = audit.slotGivenAtSetup();
    if (given != null && a.version() < FSRTL_FCB_HEADER_V1) {
      report(FsRule.VERSION_SLOT, a.id(), what(a, name) + " was set up with per-file slot " + given.id()
          + " (FsRtlSetupAdvancedHeaderEx) but its Version is " + a.version()
          + ", below FSRTL_FCB_HEADER_V1, so FileContextSupportPointer is hidden and filters get no native file"
          + " contexts");
    }
    if (isPagingFileOpen(fo, c.parameters())) {
      check(FsRule.PAGING_FILE);
      boolean paging = (a.flags2() & FSRTL_FLAG2_IS_PAGING_FILE) != 0;
      boolean supports = (a.flags2() & FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS) != 0;
      if (!paging || supports) {
        report(FsRule.PAGING_FILE, a.id(), what(a, name) + " is a paging file but Flags2=" + hex(a.flags2())
            + (paging ? "" : " lacks FSRTL_FLAG2_IS_PAGING_FILE (0x08)")
            + (supports ? (paging ? "" : " and") + " still has FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS (0x02)" : "")
            + ": after setup a paging file's header should set IS_PAGING_FILE and clear SUPPORTS_FILTER_CONTEXTS,"
            + " as fastfat's FatCreateFcb does");
      }
    }
  }

  // ---- Pool events -------------------------------------------------------------------------

  @Override
  public void onFree(PoolBlock block) {
    check(FsRule.FREE_ONCE);
    for (Object m : block.members()) {
      if (m instanceof CommonFcbHeader h) {
        onHeaderFreed(h, block);
      } else if (m instanceof PerFileContextSlot s) {
        onSlotFreed(s, block);
      }
    }
  }

  @Override
  public void onDoubleFree(PoolBlock block, @Nullable Object where) {
    check(FsRule.FREE_ONCE);
    report(FsRule.FREE_ONCE, block.id(), block + contents(block)
        + " was freed again " + PoolBlock.describe(where) + " after its first free "
        + PoolBlock.describe(block.freedAt()) + " (BAD_POOL_CALLER 0xC2/0x7 on Windows)");
  }

  private void onHeaderFreed(CommonFcbHeader h, PoolBlock block) {
    String name = live.remove(h);
    check(FsRule.FREE_WHILE_OPEN);
    int open = h.audit().openFileObjects();
    if (open > 0) {
      report(FsRule.FREE_WHILE_OPEN, h.id(), what(h, name) + " was freed " + freedAt(block) + " while " + open + " file object"
          + (open == 1 ? "" : "s") + " still pointed at it (their close has not come yet)");
    }
    if (!(h instanceof AdvancedFcbHeader a)) {
      return;
    }
    HeaderAudit audit = a.audit();
    boolean hadContexts = !a.perStreamContexts().isEmpty();
    if (audit.isSetUp() || hadContexts) {
      check(FsRule.STREAM_TEARDOWN);
      if (audit.teardowns().isEmpty()) {
        int n = a.perStreamContexts().size();
        report(FsRule.STREAM_TEARDOWN, a.id(), what(a, name) + " was freed " + freedAt(block)
            + " without FsRtlTeardownPerStreamContexts"
            + (n == 0 ? "" : "; " + n + " per-stream context" + (n == 1 ? "" : "s")
                + " (Filter Manager's control block) stay linked and leak every filter's stream contexts"));
      } else if (hadContexts) {
        report(FsRule.STREAM_TEARDOWN, a.id(), what(a, name) + " was freed " + freedAt(block) + " with "
            + a.perStreamContexts().size() + " per-stream context(s) inserted after its teardown still linked:"
            + " the teardown must come right before the free, once the FCB can no longer be opened");
      }
      checkTeardownTiming(a, name == null ? "" : name);
      check(FsRule.LOCK_LIFETIME);
      for (HeaderAudit.Teardown t : audit.teardowns()) {
        if (t.freedLock() != null) {
          report(FsRule.LOCK_LIFETIME, a.id(), what(a, name) + ": FsRtlTeardownPerStreamContexts ran "
              + PoolBlock.describe(t.where()) + " after the header's " + t.freedLock()
              + " had been freed; free the lock's storage after the teardown, as fastfat frees its nonpaged FCB");
          break;
        }
      }
    }
    checkSetupOrder(a, name == null ? "" : name);
    checkSetupOnce(a, name == null ? "" : name);
    checkFlags(a, name == null ? "" : name, block);
  }

  private void onSlotFreed(PerFileContextSlot s, PoolBlock block) {
    SlotAudit audit = s.audit();
    boolean hadContexts = !s.perFileContexts().isEmpty();
    if (audit.users().isEmpty() && !hadContexts) {
      return;
    }
    String at = freedAt(block);
    check(FsRule.FILE_TEARDOWN);
    if (audit.teardowns().isEmpty()) {
      int n = s.perFileContexts().size();
      report(FsRule.FILE_TEARDOWN, s.id(), "per-file structure " + s.id() + " (slot of " + users(audit)
          + ") was freed " + at + " without FsRtlTeardownPerFileContexts"
          + (n == 0 ? "" : "; " + n + " per-file context(s) stay linked and leak every filter's file contexts"));
    } else if (hadContexts) {
      report(FsRule.FILE_TEARDOWN, s.id(), "per-file structure " + s.id() + " was freed " + at + " with "
          + s.perFileContexts().size() + " per-file context(s) inserted after its teardown still linked");
    }
    check(FsRule.TEARDOWN_TIMING);
    for (SlotAudit.Teardown t : audit.teardowns()) {
      if (!t.liveHeaders().isEmpty()) {
        report(FsRule.TEARDOWN_TIMING, s.id(), "FsRtlTeardownPerFileContexts on " + s.id() + " ran "
            + PoolBlock.describe(t.where()) + " while streams of the file were still alive ("
            + String.join(", ", t.liveHeaders()) + "): tear per-file contexts down after the file's last stream"
            + " structure has been torn down and freed");
        break;
      }
    }
  }

  // ---- Rules used at several moments ---------------------------------------------------------

  private void checkSetupOrder(AdvancedFcbHeader a, String name) {
    HeaderAudit audit = a.audit();
    if (!audit.isSetUp()) {
      return;
    }
    check(FsRule.SETUP_ORDER);
    String what = a.id() + (name.isEmpty() ? "" : " (" + name + ")");
    if (audit.isReachable() && !audit.setUpWhenFirstReachable()) {
      report(FsRule.SETUP_ORDER, a.id(), what + " became reachable (FCB table insert) "
          + PoolBlock.describe(audit.firstReachableWhere()) + " before it was set up: set the header up before"
          + " the FCB can be found, or a racing open hands it to filters half-built");
    } else if (audit.isPublished() && !audit.setUpWhenFirstPublished()) {
      report(FsRule.SETUP_ORDER, a.id(), what + " was set up " + PoolBlock.describe(audit.firstSetupWhere())
          + " after a file object already pointed at it " + PoolBlock.describe(audit.firstPublishedWhere())
          + ": a racing open found the FCB before its header was set up");
    }
  }

  private void checkSetupOnce(AdvancedFcbHeader a, String name) {
    check(FsRule.SETUP_ONCE);
    int n = a.audit().setupCount();
    if (n > 1) {
      report(FsRule.SETUP_ONCE, a.id(), a.id() + (name.isEmpty() ? "" : " (" + name + ")") + " was set up " + n
          + " times; re-running setup on a live header orphaned " + a.orphanedContextCount()
          + " per-stream context(s), whose free callbacks will never run");
    }
  }

  /**
   * {@code FLAGS-STABLE}; {@code moment} is the file object just opened on the header or the pool
   * block just freed, turned into words only for a message.
   */
  private void checkFlags(AdvancedFcbHeader a, String name, Object moment) {
    if (!a.audit().isSetUp()) {
      return;
    }
    check(FsRule.FLAGS_STABLE);
    List<String> bad = new ArrayList<>();
    if ((a.flags() & FSRTL_FLAG_ADVANCED_HEADER) == 0) {
      bad.add("Flags=" + hex(a.flags()) + " lost FSRTL_FLAG_ADVANCED_HEADER (0x40)");
    }
    boolean paging = (a.flags2() & FSRTL_FLAG2_IS_PAGING_FILE) != 0;
    if ((a.flags2() & FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS) == 0 && !paging) {
      bad.add("Flags2=" + hex(a.flags2()) + " lost FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS (0x02) on a header that is"
          + " not a paging file's");
    }
    if (!bad.isEmpty()) {
      String when = moment instanceof PoolBlock b ? "when it was freed " + freedAt(b)
          : "when " + moment + " was opened on it";
      report(FsRule.FLAGS_STABLE, a.id(), a.id() + (name.isEmpty() ? "" : " (" + name + ")") + ": "
          + String.join(" and ", bad) + " " + when + " (setup left Flags=" + hex(a.flagsAtSetup()) + " Flags2="
          + hex(a.flags2AtSetup()) + "); something overwrote the header after setup");
    }
  }

  private void checkTeardownTiming(AdvancedFcbHeader a, String name) {
    HeaderAudit audit = a.audit();
    if (audit.teardowns().isEmpty()) {
      return;
    }
    check(FsRule.TEARDOWN_TIMING);
    String what = a.id() + (name.isEmpty() ? "" : " (" + name + ")");
    for (HeaderAudit.Teardown t : audit.teardowns()) {
      if (t.openFileObjects() > 0) {
        report(FsRule.TEARDOWN_TIMING, a.id(), what + ": FsRtlTeardownPerStreamContexts ran "
            + PoolBlock.describe(t.where()) + " while " + t.openFileObjects() + " file object"
            + (t.openFileObjects() == 1 ? " was" : "s were") + " still open on the stream; tear down in the"
            + " FCB's deletion, after its last IRP_MJ_CLOSE, not in IRP_MJ_CLEANUP");
        return;
      }
    }
    if (audit.openedAfterTeardown()) {
      report(FsRule.TEARDOWN_TIMING, a.id(), what + " was opened again "
          + PoolBlock.describe(audit.openedAfterTeardownWhere()) + " after FsRtlTeardownPerStreamContexts: the"
          + " teardown came before the FCB was freed, and filters' new contexts on it will leak");
    }
  }

  private void checkVolumeFreed(Volume volume) {
    if (!volumesChecked.add(volume)) {
      return;
    }
    check(FsRule.FREE_AT_DISMOUNT);
    for (PoolBlock b : io.pool().outstanding()) {
      if (volumeOf(b.allocatedAt()) == volume) {
        report(FsRule.FREE_AT_DISMOUNT, b.id(), b + contents(b) + ", allocated " + PoolBlock.describe(b.allocatedAt())
            + ", is still allocated although " + volume + " (" + volume.ntDeviceName() + ") is dismounted and has no"
            + " file objects left: it was never freed (with its teardown) and leaks");
      }
    }
  }

  // ---- Helpers -----------------------------------------------------------------------------

  private void check(FsRule rule) {
    checks.get(rule).increment();
  }

  private void report(FsRule rule, String subject, String message) {
    if (!reported.add(rule.id() + " " + subject)) {
      return;
    }
    FsViolation v = new FsViolation(rule, subject, message);
    violations.add(v);
    for (Consumer<FsViolation> l : listeners) {
      l.accept(v);
    }
  }

  private static @Nullable Volume volumeOf(@Nullable Object request) {
    if (request instanceof Irp irp) {
      FileObject fo = irp.fileObject();
      return fo == null ? null : fo.volume();
    }
    if (request instanceof VolumeRequest r) {
      return r.volume();
    }
    return null;
  }

  private String contents(PoolBlock b) {
    List<String> parts = new ArrayList<>();
    for (Object m : b.members()) {
      if (m instanceof CommonFcbHeader h) {
        String n = live.get(h);
        parts.add(h.id() + (n == null ? "" : " " + n));
      } else if (m instanceof PerFileContextSlot s) {
        parts.add(s.id());
      }
    }
    return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
  }

  private static String users(SlotAudit audit) {
    List<String> ids = new ArrayList<>();
    for (AdvancedFcbHeader h : audit.users()) {
      ids.add(h.id());
    }
    return ids.isEmpty() ? "no header" : String.join(", ", ids);
  }

  /** "(name)" after a structure's id, for messages only. */
  private static String what(CommonFcbHeader h, @Nullable String name) {
    return h.id() + (name == null ? "" : " (" + name + ")");
  }

  private static String freedAt(PoolBlock block) {
    return PoolBlock.describe(block.freedAt());
  }

  /** The name an open gives its header in messages; the file object's own name string if plain. */
  private static String describeOpen(FileObject fo, IoEvent.FileObjectCreated c) {
    if (c.streamFileObject()) {
      return "stream file object " + fo.fileName();
    }
    if (fo.hasFlags(FileObject.FO_VOLUME_OPEN)) {
      return "volume open";
    }
    CreateParameters p = c.parameters();
    return p != null && p.hasOption(IoConstants.FILE_DIRECTORY_FILE)
        ? "directory " + fo.fileName()
        : fo.fileName();
  }

  private static boolean isPagingFileOpen(FileObject fo, @Nullable CreateParameters p) {
    if (p != null && p.hasSlFlag(IoConstants.SL_OPEN_PAGING_FILE)) {
      return true;
    }
    String n = fo.fileName();
    return n.equalsIgnoreCase("\\pagefile.sys") || n.equalsIgnoreCase("\\swapfile.sys");
  }

  private static String hex(int v) {
    return String.format(Locale.ROOT, "0x%02X", v);
  }
}
