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
import io.fsctx.nt.PoolBlock;
import io.fsctx.nt.PoolListener;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Watches one {@link IoManager} as Driver Verifier watches a file system, and evaluates the
 * {@link FsRule} table on what the file system does: the headers its file objects point at, the
 * audits FsRtl keeps beside each header and per-file slot (setups, table inserts, flag writes,
 * teardowns and what was open at each), and its pool blocks. It never acts on the file system's
 * behalf.
 *
 * <h2>When each rule is judged</h2>
 * <ul>
 *   <li>At a file object's creation (a successful create or a stream file object): {@code
 *       FCB-POOL}, {@code HDR-ADVANCED}, {@code HDR-SETUP}, {@code SETUP-ORDER}, {@code
 *       SETUP-ONCE} (once contexts were orphaned), {@code FLAGS-STABLE}, {@code VERSION-SLOT}
 *       (headers given a per-file slot) and {@code PAGING-FILE} (a paging file: {@code
 *       SL_OPEN_PAGING_FILE}, or {@code \pagefile.sys} / {@code \swapfile.sys} at the root).
 *   <li>After each {@code IRP_MJ_CLEANUP} and {@code IRP_MJ_CLOSE}, on the header the file object
 *       points at (unless the close freed it): {@code FLAGS-STABLE} and {@code VERSION-SLOT}, so a
 *       header changed by a later request (a write that clears {@code Flags2}) is seen while it
 *       lives. The header's audit records which request cleared the bits, and the message names
 *       it.
 *   <li>At the free of a pool block, for every header and slot embedded in it: {@code
 *       FREE-ONCE}, {@code FREE-WHILE-OPEN}, {@code STREAM-TEARDOWN}, {@code FILE-TEARDOWN},
 *       {@code TEARDOWN-TIMING} (teardown with file objects open, a reopen after it, or a teardown
 *       in another request than the free), {@code LOCK-LIFETIME}, and again {@code SETUP-ORDER},
 *       {@code SETUP-ONCE}, {@code FLAGS-STABLE} and {@code VERSION-SLOT}.
 *   <li>At a second free of a block: {@code FREE-ONCE}.
 *   <li>When a volume has been dismounted and its last file object deleted: {@code
 *       FREE-AT-DISMOUNT}, over the pool blocks allocated while serving that volume's requests.
 *   <li>At {@link #finish()}, for headers still alive: {@code SETUP-ORDER}, {@code SETUP-ONCE},
 *       {@code FLAGS-STABLE}, {@code VERSION-SLOT} and {@code TEARDOWN-TIMING}.
 * </ul>
 * Each (rule, structure) pair is reported once. Each message names the structure (header id and
 * the path it was opened by, or the request it was built in when no file object ever pointed at
 * it) and the moment (the request, such as {@code in Irp#12[IRP_MJ_CLEANUP FileObject#5
 * \dir\a.txt]}, or {@code in dismount of Volume#1(C:)}). Besides violations the verifier keeps,
 * per rule, how often it was evaluated, on what and when ({@link #checked}), so a report can say
 * what a passing rule was checked on, and tell it from a rule never exercised.
 *
 * <p>Thread safety: safe for concurrent use; it is called on the threads that create and close
 * file objects and free pool blocks, keeps its books in concurrent collections and calls its own
 * listeners with no lock held.
 */
public final class FileSystemVerifier implements IoEventListener, PoolListener, AutoCloseable {
  /** Structures described per rule for reports. */
  private static final int EXAMPLES = 8;
  /** Structures counted per rule in {@link CheckLog#others}. */
  private static final int OTHERS_CAP = 4096;

  /** What was evaluated for one rule. */
  private static final class CheckLog {
    final LongAdder count = new LongAdder();
    /**
     * Distinct structures evaluated: each header and slot marks its own bit per rule (issue 14: a
     * set of identities cost a tenth of a replay's time and grew with every structure).
     */
    final LongAdder subjects = new LongAdder();
    /** Structures whose audit marks belong to another verifier ({@link #firstOfOthers}). */
    final Set<Object> others = ConcurrentHashMap.newKeySet();
    volatile boolean othersFull;
    final List<String> examples = new CopyOnWriteArrayList<>();
    final Set<String> moments = new CopyOnWriteArraySet<>();
  }

  private final IoManager io;
  /** The headers with a file object reported on them, and their names in messages. */
  private final OpenHeaders headers;
  /** File objects created and not yet deleted, per volume. */
  private final Map<Volume, VolumeFiles> openByVolume = new ConcurrentHashMap<>();
  private final Set<Volume> volumesChecked = ConcurrentHashMap.newKeySet();
  private final Set<String> reported = ConcurrentHashMap.newKeySet();
  private final List<FsViolation> violations = new CopyOnWriteArrayList<>();
  private final Map<FsRule, CheckLog> checks = new EnumMap<>(FsRule.class);
  private final CopyOnWriteArrayList<Consumer<FsViolation>> listeners = new CopyOnWriteArrayList<>();

  private FileSystemVerifier(IoManager io) {
    this.io = io;
    this.headers = new OpenHeaders(io.pool());
    for (FsRule r : FsRule.values()) {
      checks.put(r, new CheckLog());
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
    return checks.get(rule).count.sum();
  }

  /**
   * What was evaluated for a rule: how often, on how many structures, a few of them with what was
   * seen, and at which moments.
   *
   * @param rule the rule
   * @return a snapshot
   */
  public FsRuleChecks checked(FsRule rule) {
    CheckLog log = checks.get(checkNotNull(rule, "rule"));
    return new FsRuleChecks(rule, log.count.sum(), log.subjects.sum(), List.copyOf(log.examples),
        List.copyOf(log.moments));
  }

  /**
   * Judges what only the end of a run can show, for headers still alive: a teardown that ran
   * while file objects were open or was followed by a reopen, a setup after the FCB was
   * reachable, a setup run twice, flags or a version changed since the last request that showed
   * them.
   */
  public void finish() {
    for (CommonFcbHeader h : headers.alive()) {
      if (h instanceof AdvancedFcbHeader a && !isFreed(a)) {
        Object what = lazy(() -> describe(a));
        checkSetupOrder(a, what, "end of run");
        checkSetupOnce(a, what, "end of run", true);
        checkFlags(a, what, "end of run", "at the end of the run");
        checkVersionSlot(a, what, "end of run", "at the end of the run");
        checkTeardownTiming(a, what, "end of run", null);
      }
    }
  }

  // ---- I/O events --------------------------------------------------------------------------

  @Override
  public void onEvent(IoEvent event) {
    if (event instanceof IoEvent.CreateStarted c) {
      // Counted from the start of its create: the file system may hold an FCB for it already.
      openByVolume.computeIfAbsent(c.volume(), k -> new VolumeFiles()).opened(c.fileObject());
    } else if (event instanceof IoEvent.FileObjectCreated c) {
      openByVolume.computeIfAbsent(c.volume(), k -> new VolumeFiles()).opened(c.fileObject());
      CommonFcbHeader h = c.fileObject().fsContext();
      if (h != null) {
        onOpened(h, c);
      }
    } else if (event instanceof IoEvent.Cleanup e) {
      onRequestDone(e.fileObject(), "cleanup");
    } else if (event instanceof IoEvent.Close e) {
      onRequestDone(e.fileObject(), "close");
    } else if (event instanceof IoEvent.FileObjectDeleted d) {
      VolumeFiles files = openByVolume.get(d.volume());
      if (files != null && files.deletedAndGone(d.fileObject())) {
        checkVolumeFreed(d.volume());
      }
    } else if (event instanceof IoEvent.VolumeDismounted d) {
      if (openByVolume.computeIfAbsent(d.volume(), k -> new VolumeFiles()).dismountedAndEmpty()) {
        checkVolumeFreed(d.volume());
      }
    }
  }

  private void onOpened(CommonFcbHeader h, IoEvent.FileObjectCreated c) {
    FileObject fo = c.fileObject();
    headers.opened(h, c);
    // Descriptions are built only when a report or an example needs them: the checks run on
    // every open, cleanup, close and free, and nearly always pass.
    Object what = lazy(() -> describe(h));
    Object when = lazy(() -> "when " + fo + " was opened on it");
    PoolBlock memory = h.memory();
    if (check(FsRule.FCB_POOL, h, "open")) {
      example(FsRule.FCB_POOL, what + " in " + memory);
    }
    if (memory == null) {
      report(FsRule.FCB_POOL, h.id(), what + " is not embedded in a pool block: build the FCB's header with"
          + " new AdvancedFcbHeader(block, id) on a block from Volume.pool().allocate, or its free cannot be checked");
    }
    if (check(FsRule.HDR_ADVANCED, h, "open")) {
      example(FsRule.HDR_ADVANCED, String.valueOf(what));
    }
    if (!(h instanceof AdvancedFcbHeader a)) {
      report(FsRule.HDR_ADVANCED, h.id(), what + " has only FSRTL_COMMON_FCB_HEADER (no FilterContexts list, no"
          + " Flags2 support bit): " + fo + " was opened on it " + PoolBlock.describe(h.audit().firstPublishedWhere())
          + "; filters get STATUS_NOT_SUPPORTED for its stream, stream-handle and file contexts");
      return;
    }
    HeaderAudit audit = a.audit();
    if (check(FsRule.HDR_SETUP, a, "open")) {
      example(FsRule.HDR_SETUP, what + " set up " + PoolBlock.describe(audit.firstSetupWhere()));
    }
    if (!audit.isSetUp()) {
      report(FsRule.HDR_SETUP, a.id(), what + " was not set up (no FsRtlSetupAdvancedHeader/Ex/Ex2 call) " + when
          + " " + PoolBlock.describe(audit.firstPublishedWhere()) + ": Flags=" + hex(a.flags()) + " Flags2="
          + hex(a.flags2()) + " Version=" + a.version() + ", so filters get STATUS_NOT_SUPPORTED for its contexts");
    }
    checkSetupOrder(a, what, "open");
    checkSetupOnce(a, what, "open", false);
    checkFlags(a, what, "open", when);
    checkVersionSlot(a, what, "open", when);
    if (isPagingFileOpen(fo, c.parameters())) {
      if (check(FsRule.PAGING_FILE, a, "open")) {
        example(FsRule.PAGING_FILE, what + " Flags2=" + hex(a.flags2()));
      }
      boolean paging = (a.flags2() & FSRTL_FLAG2_IS_PAGING_FILE) != 0;
      boolean supports = (a.flags2() & FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS) != 0;
      if (!paging || supports) {
        report(FsRule.PAGING_FILE, a.id(), what + " is a paging file but Flags2=" + hex(a.flags2()) + " " + when
            + (paging ? "" : " lacks FSRTL_FLAG2_IS_PAGING_FILE (0x08)")
            + (supports ? (paging ? "" : " and") + " still has FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS (0x02)" : "")
            + ": after setup a paging file's header should set IS_PAGING_FILE and clear SUPPORTS_FILTER_CONTEXTS,"
            + " as fastfat's FatCreateFcb does");
      }
    }
  }

  /** After a cleanup or close: the header may have changed in any request since the open. */
  private void onRequestDone(FileObject fo, String moment) {
    if (fo.fsContext() instanceof AdvancedFcbHeader a && !isFreed(a)) {
      Object what = lazy(() -> describe(a));
      Object when = lazy(() -> "after the " + moment + " of " + fo);
      checkFlags(a, what, moment, when);
      checkVersionSlot(a, what, moment, when);
    }
  }

  // ---- Pool events -------------------------------------------------------------------------

  @Override
  public void onFree(PoolBlock block) {
    // The pool reports a block's first free here once: each is a new structure for the rule.
    if (record(FsRule.FREE_ONCE, true, "free")) {
      example(FsRule.FREE_ONCE, block + contents(block) + " freed " + PoolBlock.describe(block.freedAt()));
    }
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
    // Counted as a structure at its first free (the verifier is attached before the pool is used).
    if (record(FsRule.FREE_ONCE, false, "double free")) {
      example(FsRule.FREE_ONCE, block + contents(block));
    }
    report(FsRule.FREE_ONCE, block.id(), block + contents(block) + " was freed again " + PoolBlock.describe(where)
        + " after its first free " + PoolBlock.describe(block.freedAt())
        + ": BAD_POOL_CALLER (bug check 0xC2, parameter 0x7) on Windows");
  }

  private void onHeaderFreed(CommonFcbHeader h, PoolBlock block) {
    String name = headers.freed(h);
    Object what = lazy(() -> OpenHeaders.describe(h, name));
    Object at = lazy(() -> "freed " + PoolBlock.describe(block.freedAt()));
    int open = h.audit().openFileObjects();
    if (check(FsRule.FREE_WHILE_OPEN, h, "free")) {
      example(FsRule.FREE_WHILE_OPEN, what + " " + at + " with no file object open");
    }
    if (open > 0) {
      report(FsRule.FREE_WHILE_OPEN, h.id(), what + " was " + at + " while " + open + " file object"
          + (open == 1 ? "" : "s") + " still pointed at it (their close has not come yet)");
    }
    if (!(h instanceof AdvancedFcbHeader a)) {
      return;
    }
    HeaderAudit audit = a.audit();
    int linked = a.perStreamContexts().size();
    if (audit.isSetUp() || linked > 0) {
      if (check(FsRule.STREAM_TEARDOWN, a, "free")) {
        example(FsRule.STREAM_TEARDOWN, what + " torn down and " + at);
      }
      if (audit.teardowns().isEmpty()) {
        report(FsRule.STREAM_TEARDOWN, a.id(), what + " was " + at + " without FsRtlTeardownPerStreamContexts"
            + (linked == 0
                ? " (no filter had attached a context yet, but any would have leaked)"
                : "; " + linked + " per-stream context" + (linked == 1 ? " (Filter Manager's per-stream control"
                    + " block) stays" : "s (Filter Manager's per-stream control blocks) stay") + " linked, leaking"
                    + " every filter's stream and stream-handle contexts on it"));
      } else if (linked > 0) {
        report(FsRule.STREAM_TEARDOWN, a.id(), what + " was " + at + " with " + linked
            + " per-stream context(s) inserted after its teardown "
            + PoolBlock.describe(audit.teardowns().get(audit.teardowns().size() - 1).where())
            + " still linked: the teardown must come right before the free, once the FCB can no longer be opened");
      }
      checkTeardownTiming(a, what, "free", block);
      if (!audit.teardowns().isEmpty()) {
        if (check(FsRule.LOCK_LIFETIME, a, "free")) {
          example(FsRule.LOCK_LIFETIME, what + ": its lock was allocated at each teardown");
        }
        for (HeaderAudit.Teardown t : audit.teardowns()) {
          if (t.freedLock() != null) {
            report(FsRule.LOCK_LIFETIME, a.id(), what + ": FsRtlTeardownPerStreamContexts ran "
                + PoolBlock.describe(t.where()) + " after the header's " + t.freedLock()
                + " had been freed; free the lock's storage after the teardown, as fastfat frees its nonpaged FCB");
            break;
          }
        }
      }
    }
    checkSetupOrder(a, what, "free");
    checkSetupOnce(a, what, "free", true);
    Object when = lazy(() -> "when it was " + at); // a concatenation here would build "at" now
    checkFlags(a, what, "free", when);
    checkVersionSlot(a, what, "free", when);
  }

  private void onSlotFreed(PerFileContextSlot s, PoolBlock block) {
    SlotAudit audit = s.audit();
    int linked = s.perFileContexts().size();
    if (audit.users().isEmpty() && linked == 0) {
      return; // never passed to setup: no file contexts can hang off it
    }
    Object what = lazy(() -> "per-file structure " + s.id() + " (the slot of " + users(audit) + ")");
    Object at = lazy(() -> "freed " + PoolBlock.describe(block.freedAt()));
    if (check(FsRule.FILE_TEARDOWN, s, "free")) {
      example(FsRule.FILE_TEARDOWN, what + " torn down and " + at);
    }
    if (audit.teardowns().isEmpty()) {
      report(FsRule.FILE_TEARDOWN, s.id(), what + " was " + at + " without FsRtlTeardownPerFileContexts"
          + (linked == 0
              ? " (no filter had attached a file context yet, but any would have leaked)"
              : "; " + linked + " per-file context" + (linked == 1 ? " stays" : "s stay")
                  + " linked, leaking every filter's file contexts on it"));
    } else if (linked > 0) {
      report(FsRule.FILE_TEARDOWN, s.id(), what + " was " + at + " with " + linked
          + " per-file context(s) inserted after its teardown still linked");
    }
    if (audit.teardowns().isEmpty()) {
      return;
    }
    SlotAudit.Teardown last = audit.teardowns().get(audit.teardowns().size() - 1);
    if (check(FsRule.TEARDOWN_TIMING, s, "free")) {
      example(FsRule.TEARDOWN_TIMING, what + " torn down after the file's last stream and freed"
          + " in the same request (" + PoolBlock.describe(block.freedAt()) + ")");
    }
    for (SlotAudit.Teardown t : audit.teardowns()) {
      if (!t.liveHeaders().isEmpty()) {
        report(FsRule.TEARDOWN_TIMING, s.id(), "FsRtlTeardownPerFileContexts on " + what + " ran "
            + PoolBlock.describe(t.where()) + " while streams of the file were still alive ("
            + String.join(", ", t.liveHeaders()) + "): tear per-file contexts down after the file's last stream"
            + " structure has been torn down and freed");
        return;
      }
    }
    if (!Objects.equals(last.where(), block.freedAt())) {
      report(FsRule.TEARDOWN_TIMING, s.id(), "FsRtlTeardownPerFileContexts on " + what + " ran "
          + PoolBlock.describe(last.where()) + " but the structure was " + at + ": tear down in the routine"
          + " that frees the per-file structure, right before the free");
    }
  }

  // ---- Rules used at several moments ---------------------------------------------------------

  private void checkSetupOrder(AdvancedFcbHeader a, Object what, String moment) {
    HeaderAudit audit = a.audit();
    if (!audit.isSetUp()) {
      return;
    }
    if (check(FsRule.SETUP_ORDER, a, moment)) {
      example(FsRule.SETUP_ORDER, what + " set up " + PoolBlock.describe(audit.firstSetupWhere())
          + " before " + (audit.isReachable() ? "its FCB table insert and " : "") + "its first open");
    }
    if (audit.isReachable() && !audit.setUpWhenFirstReachable()) {
      report(FsRule.SETUP_ORDER, a.id(), what + " became reachable (FCB table insert) "
          + PoolBlock.describe(audit.firstReachableWhere()) + " before it was set up "
          + PoolBlock.describe(audit.firstSetupWhere()) + ": set the header up before the FCB can be found, or a"
          + " racing open hands it to filters half-built");
    } else if (audit.isPublished() && !audit.setUpWhenFirstPublished()) {
      report(FsRule.SETUP_ORDER, a.id(), what + " was set up " + PoolBlock.describe(audit.firstSetupWhere())
          + " after a file object already pointed at it " + PoolBlock.describe(audit.firstPublishedWhere())
          + ": an open found the FCB before its header was set up; set the header up before the FCB is linked"
          + " where another open can find it");
    }
  }

  /**
   * SETUP-ONCE. A repeated setup is reported as soon as it has orphaned contexts, or at the end
   * of the header's life ({@code atEnd}), so the message can say what was lost.
   */
  private void checkSetupOnce(AdvancedFcbHeader a, Object what, String moment, boolean atEnd) {
    HeaderAudit audit = a.audit();
    if (!audit.isSetUp()) {
      return;
    }
    if (check(FsRule.SETUP_ONCE, a, moment)) {
      example(FsRule.SETUP_ONCE, what + " set up once, " + PoolBlock.describe(audit.firstSetupWhere()));
    }
    int n = audit.setupCount();
    int orphaned = a.orphanedContextCount();
    if (n > 1 && (atEnd || orphaned > 0)) {
      report(FsRule.SETUP_ONCE, a.id(), what + " was set up " + n + " times (first "
          + PoolBlock.describe(audit.firstSetupWhere()) + ", last " + PoolBlock.describe(audit.lastSetupWhere())
          + "); re-running setup on a live header re-initialises FilterContexts: "
          + (orphaned > 0
              ? orphaned + " per-stream context(s) (Filter Manager's per-stream control block, with every filter's"
                  + " stream and stream-handle contexts) were orphaned and their free callbacks will never run"
              : "no context was linked at the time, but any would have been orphaned"));
    }
  }

  private void checkFlags(AdvancedFcbHeader a, Object what, String moment, Object when) {
    if (!a.audit().isSetUp()) {
      return;
    }
    if (check(FsRule.FLAGS_STABLE, a, moment)) {
      example(FsRule.FLAGS_STABLE, what + " Flags=" + hex(a.flags()) + " Flags2=" + hex(a.flags2()) + " " + when);
    }
    List<String> bad = new ArrayList<>();
    if ((a.flags() & FSRTL_FLAG_ADVANCED_HEADER) == 0) {
      bad.add("Flags=" + hex(a.flags()) + " lost FSRTL_FLAG_ADVANCED_HEADER (0x40)");
    }
    boolean paging = (a.flags2() & FSRTL_FLAG2_IS_PAGING_FILE) != 0;
    if ((a.flags2() & FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS) == 0 && !paging) {
      bad.add("Flags2=" + hex(a.flags2()) + " lost FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS (0x02) on a header that is"
          + " not a paging file's");
    }
    if (bad.isEmpty()) {
      return;
    }
    HeaderAudit.FlagsChange first = a.audit().firstSetupBitsCleared();
    HeaderAudit.FlagsChange last = a.audit().lastSetupBitsCleared();
    String how;
    if (first == null || last == null) {
      how = "something overwrote the header after setup";
    } else {
      how = "the bits were cleared " + describeChange(first) + (last == first ? "" : ", then " + describeChange(last));
    }
    report(FsRule.FLAGS_STABLE, a.id(), what + ": " + String.join(" and ", bad) + " " + when + "; " + how
        + ", after setup " + PoolBlock.describe(a.audit().lastSetupWhere()) + " left Flags=" + hex(a.flagsAtSetup())
        + " Flags2=" + hex(a.flags2AtSetup()));
  }

  private void checkVersionSlot(AdvancedFcbHeader a, Object what, String moment, Object when) {
    PerFileContextSlot given = a.audit().slotGivenAtSetup();
    if (given == null) {
      return;
    }
    if (check(FsRule.VERSION_SLOT, a, moment)) {
      example(FsRule.VERSION_SLOT, what + " Version=" + a.version() + " with slot " + given.id());
    }
    if (a.version() < FSRTL_FCB_HEADER_V1) {
      report(FsRule.VERSION_SLOT, a.id(), what + " was set up with per-file slot " + given.id()
          + " (FsRtlSetupAdvancedHeaderEx " + PoolBlock.describe(a.audit().lastSetupWhere()) + ") but its Version is "
          + a.version() + " " + when + ", below FSRTL_FCB_HEADER_V1: FsRtlSupportsPerFileContexts tests the version,"
          + " so FileContextSupportPointer is hidden and filters get no native file contexts");
    }
  }

  /**
   * TEARDOWN-TIMING for a stream header: no file object open at a teardown, no open after it,
   * and (once freed, {@code freed} non-null) the last teardown in the request that freed it.
   */
  private void checkTeardownTiming(AdvancedFcbHeader a, Object what, String moment, @Nullable PoolBlock freed) {
    HeaderAudit audit = a.audit();
    List<HeaderAudit.Teardown> teardowns = audit.teardowns();
    if (teardowns.isEmpty()) {
      return;
    }
    HeaderAudit.Teardown last = teardowns.get(teardowns.size() - 1);
    if (check(FsRule.TEARDOWN_TIMING, a, moment)) {
      example(FsRule.TEARDOWN_TIMING, what + " torn down with no file object open"
          + (freed == null ? " (" : " and freed in the same request (") + PoolBlock.describe(last.where()) + ")");
    }
    for (HeaderAudit.Teardown t : teardowns) {
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
          + PoolBlock.describe(audit.openedAfterTeardownWhere()) + " after FsRtlTeardownPerStreamContexts "
          + PoolBlock.describe(teardowns.get(0).where()) + ": the teardown came before the FCB was freed, and"
          + " filters' new contexts on it will leak");
      return;
    }
    if (freed != null && !Objects.equals(last.where(), freed.freedAt())) {
      report(FsRule.TEARDOWN_TIMING, a.id(), what + ": FsRtlTeardownPerStreamContexts ran "
          + PoolBlock.describe(last.where()) + " but the FCB was freed only " + PoolBlock.describe(freed.freedAt())
          + "; in between it could still be found and opened, and contexts attached meanwhile would leak: tear"
          + " down in the routine that frees the FCB, right before the free");
    }
  }

  private void checkVolumeFreed(Volume volume) {
    if (!volumesChecked.add(volume)) {
      return;
    }
    // volumesChecked lets each volume through once: always a new structure for the rule.
    if (record(FsRule.FREE_AT_DISMOUNT, true, "dismount")) {
      example(FsRule.FREE_AT_DISMOUNT, volume + " (" + volume.ntDeviceName()
          + "): no block allocated for it was left once it was dismounted and its last file object gone");
    }
    List<PoolBlock> left = io.pool().outstanding();
    left.sort(Comparator.comparingLong(FileSystemVerifier::allocationNumber));
    for (PoolBlock b : left) {
      if (Irp.Site.volumeOf(b.allocatedAt()) == volume) {
        report(FsRule.FREE_AT_DISMOUNT, b.id(), b + contents(b) + ", allocated " + PoolBlock.describe(b.allocatedAt())
            + ", is still allocated although " + volume + " (" + volume.ntDeviceName() + ") is dismounted and has no"
            + " file objects left: it was never freed (with its teardown) and leaks");
      }
    }
  }

  // ---- Helpers -----------------------------------------------------------------------------

  /** Text built on first use: what a message or example says, when one is wanted. */
  private static final class Lazy {
    private @Nullable Supplier<String> text;
    private @Nullable String built;

    Lazy(Supplier<String> text) {
      this.text = text;
    }

    @Override
    public String toString() {
      Supplier<String> t = text;
      if (t != null) {
        built = t.get();
        text = null;
      }
      return java.util.Objects.requireNonNull(built);
    }
  }

  private static Object lazy(Supplier<String> text) {
    return new Lazy(text);
  }

  /**
   * Counts one evaluation of a rule on a header; true when an example of what was seen is wanted,
   * which the caller then gives to {@link #example}. The caller builds the example's text only
   * then: the checks run on every open, cleanup, close and free, and a text (or a lambda to make
   * one) on each was most of the verifier's cost per request (issue 14).
   */
  private boolean check(FsRule rule, CommonFcbHeader h, String moment) {
    HeaderAudit audit = h.audit();
    boolean isNew = audit.claimRuleMarks(this) ? audit.markRuleChecked(rule.ordinal()) : firstOfOthers(rule, h);
    return record(rule, isNew, moment);
  }

  /** {@link #check(FsRule, CommonFcbHeader, String)} on a per-file structure. */
  private boolean check(FsRule rule, PerFileContextSlot s, String moment) {
    SlotAudit audit = s.audit();
    boolean isNew = audit.claimRuleMarks(this) ? audit.markRuleChecked(rule.ordinal()) : firstOfOthers(rule, s);
    return record(rule, isNew, moment);
  }

  /**
   * For a structure whose audit keeps another verifier's marks (two verifiers watch the same I/O
   * manager, such as check-fs's own and Filter Manager's): whether this is the rule's first
   * evaluation on it, from a set of this verifier's own, exact up to {@link #OTHERS_CAP}
   * structures per rule and then counting no more (a bound on memory over long runs).
   */
  private boolean firstOfOthers(FsRule rule, Object structure) {
    CheckLog log = checks.get(rule);
    if (log.othersFull) {
      return false;
    }
    if (log.others.size() >= OTHERS_CAP) {
      log.othersFull = true;
      return false;
    }
    return log.others.add(structure);
  }

  /**
   * Counts one evaluation of a rule; {@code newSubject} says whether it is the first on its
   * structure (a bit in the structure's audit record, so the count needs no set of identities
   * and costs no look-up however many structures a run builds).
   */
  private boolean record(FsRule rule, boolean newSubject, String moment) {
    CheckLog log = checks.get(rule);
    log.count.increment();
    if (!log.moments.contains(moment)) { // a read first: adding to a copy-on-write set locks
      log.moments.add(moment);
    }
    if (!newSubject) {
      return false;
    }
    log.subjects.increment();
    return log.examples.size() < EXAMPLES;
  }

  /** Keeps an example of a rule's evaluation, while it has fewer than {@link #EXAMPLES}. */
  private void example(FsRule rule, String text) {
    CheckLog log = checks.get(rule);
    synchronized (log) {
      if (log.examples.size() < EXAMPLES) {
        log.examples.add(text);
      }
    }
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

  private String describe(CommonFcbHeader h) {
    return headers.describe(h);
  }

  /** The block's number ({@code Pool#12} is 12): blocks are numbered in allocation order. */
  private static long allocationNumber(PoolBlock b) {
    String id = b.id();
    return Long.parseLong(id.substring(id.indexOf('#') + 1));
  }

  private static boolean isFreed(CommonFcbHeader h) {
    return OpenHeaders.isFreed(h);
  }


  private String contents(PoolBlock b) {
    List<String> parts = new ArrayList<>();
    for (Object m : b.members()) {
      if (m instanceof CommonFcbHeader h) {
        parts.add(describe(h));
      } else if (m instanceof PerFileContextSlot s) {
        parts.add("per-file slot " + s.id());
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

  private static boolean isPagingFileOpen(FileObject fo, @Nullable CreateParameters p) {
    if (p != null && p.hasSlFlag(IoConstants.SL_OPEN_PAGING_FILE)) {
      return true;
    }
    String n = fo.fileName();
    return n.equalsIgnoreCase("\\pagefile.sys") || n.equalsIgnoreCase("\\swapfile.sys");
  }

  /** "in Irp#7[IRP_MJ_WRITE ...] (Flags2 0x02 to 0x00)": where a flags write happened and what it changed. */
  private static String describeChange(HeaderAudit.FlagsChange c) {
    List<String> what = new ArrayList<>();
    if (c.flagsBefore() != c.flagsAfter()) {
      what.add("Flags " + hex(c.flagsBefore()) + " to " + hex(c.flagsAfter()));
    }
    if (c.flags2Before() != c.flags2After()) {
      what.add("Flags2 " + hex(c.flags2Before()) + " to " + hex(c.flags2After()));
    }
    return PoolBlock.describe(c.where()) + " (" + String.join(", ", what) + ")";
  }

  private static String hex(int v) {
    return String.format(Locale.ROOT, "0x%02X", v);
  }
}
