package io.fsctx.fsrtl;

import io.fsctx.nt.FieldHandles;
import io.fsctx.nt.KeThread;
import io.fsctx.nt.PoolBlock;
import com.google.common.collect.ImmutableList;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a verifier records about one FCB header over its life, the way Driver Verifier keeps its
 * own books beside a driver's structures: every setup, when the header first became reachable
 * (an FCB table insert) and when a file object first pointed at it, how many file objects point
 * at it now, and every {@code FsRtlTeardownPerStreamContexts} with what was open at that moment.
 * It also keeps the last write after setup that cleared a bit the setup owns, with its request.
 * FsRtl's setup and teardown routines, the header's flag setters and the I/O manager write it; the file-system rules ({@code
 * io.fsctx.verifier}) read it. A file system never needs to touch it, apart from telling its
 * FCB table's inserts through {@link #noteReachable()} when it does not use the toolkit's table.
 *
 * <p>The audit is a view: its state, and the verifier's rule marks ({@link #claimRuleMarks},
 * {@link #markRuleChecked}), live in the header, so a header carries no audit record of its own
 * (40 bytes, of which the header now holds 24; issue 14). {@link CommonFcbHeader#audit()} makes
 * a view at each call; two views of one header are the same audit ({@link #equals}).
 *
 * <p>Each "where" is the site of the request the thread was serving ({@link
 * KeThread#currentSite()}: for an IRP a small stand-in that prints as the IRP, so the audit of a
 * long-lived FCB does not keep its create request alive), or null outside any request.
 *
 * <p>Thread safety: safe for concurrent use; counters are atomic, the rare records are immutable
 * and replaced under the header's monitor (which the header's setups and flag writes hold while
 * they call the audit; the audit calls nothing that takes another lock while holding it), single
 * facts set once.
 */
public final class HeaderAudit extends AuditView<CommonFcbHeader> {
  /**
   * One call of {@code FsRtlTeardownPerStreamContexts}.
   *
   * @param where the request being served, or null
   * @param openFileObjects file objects pointing at the header at that moment
   * @param freedLock the header's fast mutex or auto-expand push lock, when it lived in a pool
   *     block that was already freed (the lock FsRtl may take), else null
   */
  public record Teardown(@Nullable Object where, int openFileObjects, @Nullable String freedLock) {}

  /**
   * A write of {@code Flags} or {@code Flags2} after setup that cleared a bit the setup routines
   * own ({@code FSRTL_FLAG_ADVANCED_HEADER} or {@code FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS}). A
   * paging file's documented clearing of the support bit is recorded too; whether a change
   * breaks a rule is the verifier's call.
   *
   * @param where the request being served when the bits were cleared, or null outside any request
   * @param flagsBefore {@code Flags} before the write
   * @param flagsAfter {@code Flags} after it
   * @param flags2Before {@code Flags2} before the write
   * @param flags2After {@code Flags2} after it
   */
  public record FlagsChange(
      @Nullable Object where, int flagsBefore, int flagsAfter, int flags2Before, int flags2After) {}

  private static final VarHandle OPEN =
      FieldHandles.of(MethodHandles.lookup(), CommonFcbHeader.class, "auditOpenFileObjects", int.class);
  // The five facts set once are bits of one int, and the first and last clearing writes one
  // field: every FCB of a long workload carries the audit's state (issue 14).
  private static final VarHandle FACTS =
      FieldHandles.of(MethodHandles.lookup(), CommonFcbHeader.class, "auditFacts", int.class);

  private static final int PUBLISHED = 1 << 1;
  private static final int SET_UP_WHEN_FIRST_PUBLISHED = 1 << 2;
  private static final int REACHABLE = 1 << 3;
  private static final int SET_UP_WHEN_FIRST_REACHABLE = 1 << 4;
  private static final int OPENED_AFTER_TEARDOWN = 1 << 5;
  private static final int OPEN_EVENT_SEEN = 1 << 6;
  /**
   * A file object first pointed at the header, or the FCB first became reachable, in the request
   * that first set the header up: the usual create, which builds, sets up, inserts and hands out
   * the FCB in one go. The site is then the first setup's and no field of its own keeps it; a
   * different site goes to {@link Rare} (issue 14: two fields, 8 bytes per header).
   */
  private static final int PUBLISHED_WHERE_FIRST_SET_UP = 1;
  private static final int REACHABLE_WHERE_FIRST_SET_UP = 1 << 7;
  /** One setup, counted in the facts from bit 8 up. */
  private static final int ONE_SETUP = 1 << 8;

  /** The first and the last clearing write since the last setup. */
  private record Cleared(FlagsChange first, FlagsChange last) {}

  /** Where the first and the last of two or more setups ran. */
  private record SetupSites(@Nullable Object first, @Nullable Object last) {}

  /**
   * What only some headers ever record: writes that cleared the setup's bits, contexts orphaned by
   * a repeated setup, teardowns, an open after a teardown, and where the header was first
   * published or made reachable when that was not in its first setup's request (a header of an
   * open file has none of them). Kept out of the audit so those six fields cost one (issue 14);
   * replaced, never changed, under the header's monitor.
   */
  private record Rare(
      @Nullable Cleared setupBitsCleared,
      int orphaned,
      ImmutableList<Teardown> teardowns,
      @Nullable Object openedAfterTeardownWhere,
      @Nullable Object publishedWhere,
      @Nullable Object reachableWhere,
      @Nullable Object slotAtSetup) {
    static final Rare NONE = new Rare(null, 0, ImmutableList.of(), null, null, null, null);

    Rare withCleared(@Nullable Cleared c) {
      return new Rare(c, orphaned, teardowns, openedAfterTeardownWhere, publishedWhere, reachableWhere, slotAtSetup);
    }

    Rare withOrphaned(int n) {
      return new Rare(setupBitsCleared, n, teardowns, openedAfterTeardownWhere, publishedWhere, reachableWhere, slotAtSetup);
    }

    Rare withTeardowns(ImmutableList<Teardown> t) {
      return new Rare(setupBitsCleared, orphaned, t, openedAfterTeardownWhere, publishedWhere, reachableWhere, slotAtSetup);
    }

    Rare withOpenedAfterTeardown(@Nullable Object where) {
      return new Rare(setupBitsCleared, orphaned, teardowns, where, publishedWhere, reachableWhere, slotAtSetup);
    }

    Rare withSlotAtSetup(@Nullable Object slot) {
      return new Rare(setupBitsCleared, orphaned, teardowns, openedAfterTeardownWhere, publishedWhere, reachableWhere, slot);
    }

    Rare withPublishedWhere(@Nullable Object where) {
      return new Rare(setupBitsCleared, orphaned, teardowns, openedAfterTeardownWhere, where, reachableWhere, slotAtSetup);
    }

    Rare withReachableWhere(@Nullable Object where) {
      return new Rare(setupBitsCleared, orphaned, teardowns, openedAfterTeardownWhere, publishedWhere, where, slotAtSetup);
    }
  }
  /**
   * The header, whose fields hold the audit's state: {@code auditSetupWhere}, where the setups ran
   * (the one setup's site, or once there are two or more a {@link SetupSites}: nearly every header
   * is set up once, so one field holds both sites without a pair object; written under the
   * header's monitor, as setups are); {@code auditRare}, a {@link Rare} or null; {@code
   * auditOpenFileObjects}; and {@code auditFacts}, the facts set once as
   * the bits above, which it only ever gains, and from bit 8 up the number of setups.
   */
  private final CommonFcbHeader header;

  HeaderAudit(CommonFcbHeader header) {
    super(header);
    this.header = header;
  }

  private boolean has(int fact) {
    return (header.auditFacts & fact) != 0;
  }

  private @Nullable Rare rareOrNull() {
    return (Rare) header.auditRare;
  }

  private Rare rare() {
    Rare r = rareOrNull();
    return r == null ? Rare.NONE : r;
  }

  private void rare(Rare r) {
    header.auditRare = r;
  }

  // ---- Written by FsRtl ----------------------------------------------------------------------

  void noteSetup(@Nullable PerFileContextSlot slot) {
    Object where = KeThread.currentSite();
    if (((int) FACTS.getAndAdd(header, ONE_SETUP) >>> 8) == 0) {
      header.auditSetupWhere = where;
    } else {
      header.auditSetupWhere = new SetupSites(firstSetupWhere(), where);
    }
    // The slot given is now the header's FileContextSupportPointer (the setup just wrote it),
    // which the audit reads rather than keeping a copy (issue 14: four bytes per header); a copy
    // made by a later direct write of the pointer is for the previous setup and goes.
    // A setup sets the bits again: what cleared them before no longer explains the header.
    Rare was = rareOrNull();
    if (was != null && (was.setupBitsCleared() != null || was.slotAtSetup() != null)) {
      synchronized (header) {
        rare(rare().withCleared(null).withSlotAtSetup(null));
      }
    }
  }

  /**
   * {@code FileContextSupportPointer} is about to be written directly, not by a setup. Keeps the
   * slot the last setup gave ({@code current}, the pointer's value until then) the first time
   * only, so {@link #slotGivenAtSetup} still answers. Called under the header's monitor.
   */
  void notePointerWrite(@Nullable PerFileContextSlot current) {
    Rare r = rare();
    if (isSetUp() && r.slotAtSetup() == null) {
      rare(r.withSlotAtSetup(current == null ? NO_SLOT : current));
    }
  }

  /** {@link Rare#slotAtSetup} when the setup gave no slot. */
  private static final Object NO_SLOT = new Object();

  /**
   * {@code Flags}/{@code Flags2} were written; records the write when it came after a setup and
   * cleared a bit the setup owns. Called by the header's setters (cheap when nothing was cleared).
   */
  void noteFlagsWritten(int flagsBefore, int flagsAfter, int flags2Before, int flags2After) {
    boolean cleared = (flagsBefore & ~flagsAfter & FsRtlConstants.FSRTL_FLAG_ADVANCED_HEADER) != 0
        || (flags2Before & ~flags2After & FsRtlConstants.FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS) != 0;
    if (cleared && isSetUp()) {
      FlagsChange c = new FlagsChange(KeThread.currentSite(), flagsBefore, flagsAfter, flags2Before, flags2After);
      synchronized (header) {
        Rare r = rare();
        Cleared before = r.setupBitsCleared();
        rare(r.withCleared(new Cleared(before == null ? c : before.first(), c)));
      }
    }
  }

  void noteTeardown(@Nullable String freedLock) {
    Object where = KeThread.currentSite();
    synchronized (header) {
      Rare r = rare();
      ImmutableList<Teardown> more = ImmutableList.<Teardown>builder()
          .addAll(r.teardowns())
          .add(new Teardown(where, header.auditOpenFileObjects, freedLock))
          .build();
      rare(r.withTeardowns(more));
    }
  }

  // ---- Written by the I/O manager and file systems --------------------------------------------

  /**
   * A file object now points at the header and counts as open on it ({@code FsContext} set by a
   * successful create, or a stream file object made on it). Called by the I/O manager.
   */
  public void fileObjectOpened() {
    OPEN.getAndAdd(header, 1);
    notePublished();
    if (rareOrNull() != null && !rare().teardowns().isEmpty() && !has(OPENED_AFTER_TEARDOWN)) {
      Object where = KeThread.currentSite();
      synchronized (header) {
        Rare r = rare();
        if (r.openedAfterTeardownWhere() == null) {
          rare(r.withOpenedAfterTeardown(where));
        }
      }
      FACTS.getAndBitwiseOr(header, OPENED_AFTER_TEARDOWN);
    }
  }

  /**
   * A file object's {@code FsContext} was set to the header: the file system handed the FCB out.
   * Called by {@code FileObject.setFsContext}; the first call records where and whether the header
   * was set up by then (a racing open can publish an FCB whose setup has not run yet).
   */
  public void notePublished() {
    if (!has(PUBLISHED)) {
      synchronized (header) {
        if (!has(PUBLISHED)) {
          boolean setUp = isSetUp();
          int bits = PUBLISHED | (setUp ? SET_UP_WHEN_FIRST_PUBLISHED : 0);
          FACTS.getAndBitwiseOr(header, bits | recordFirstSite(setUp, PUBLISHED_WHERE_FIRST_SET_UP, true));
        }
      }
    }
  }

  /**
   * A file object that pointed at the header is being closed: its {@code IRP_MJ_CLOSE} starts, in
   * which the file system may tear the stream down and free it.
   */
  public void fileObjectClosed() {
    OPEN.getAndAdd(header, -1);
  }

  /**
   * The file system made the FCB findable by other threads (inserted it in its FCB table). The
   * header should be set up by then: a racing open could otherwise hand it to a filter half-built.
   * The toolkit's table calls this; a file system with a table of its own calls it at its insert.
   */
  public void noteReachable() {
    if (!has(REACHABLE)) {
      synchronized (header) {
        if (!has(REACHABLE)) {
          boolean setUp = isSetUp();
          int bits = REACHABLE | (setUp ? SET_UP_WHEN_FIRST_REACHABLE : 0);
          FACTS.getAndBitwiseOr(header, bits | recordFirstSite(setUp, REACHABLE_WHERE_FIRST_SET_UP, false));
        }
      }
    }
  }

  /**
   * Under the audit's monitor, for the first publish or the first time reachable: when the current
   * request is the one the first setup ran in, returns {@code sameSiteBit} and keeps nothing;
   * otherwise keeps the site in {@link Rare} and returns 0. A site is only taken as the setup's
   * once the setup has recorded it: a setup still running on another thread, or none yet, sends
   * the site to the rare part.
   */
  private int recordFirstSite(boolean setUp, int sameSiteBit, boolean published) {
    Object where = KeThread.currentSite();
    if (setUp && where != null && where == firstSetupWhere()) {
      return sameSiteBit;
    }
    if (where != null) {
      Rare r = rare();
      rare(published ? r.withPublishedWhere(where) : r.withReachableWhere(where));
    }
    return 0;
  }

  // ---- Read by verifiers ------------------------------------------------------------------------

  /** The header this audit belongs to. */
  public CommonFcbHeader header() {
    return header;
  }

  /** The pool block the header is embedded in, or null when it was not built in one. */
  public @Nullable PoolBlock memory() {
    return header.memory();
  }

  /** How many times a setup routine ran on the header. */
  public int setupCount() {
    return header.auditFacts >>> 8;
  }

  /** Whether a setup routine has run. */
  public boolean isSetUp() {
    return (header.auditFacts >>> 8) > 0;
  }

  /** Where the first setup ran (null outside any request or when never set up). */
  public @Nullable Object firstSetupWhere() {
    Object w = header.auditSetupWhere;
    return w instanceof SetupSites s ? s.first() : w;
  }

  /** Where the last setup ran (null outside any request or when never set up). */
  public @Nullable Object lastSetupWhere() {
    Object w = header.auditSetupWhere;
    return w instanceof SetupSites s ? s.last() : w;
  }

  /** How many contexts repeated setups orphaned on the header (never freed: a leak). */
  public int orphanedContextCount() {
    return rare().orphaned();
  }

  /** A repeated setup orphaned {@code count} contexts; called under the header's monitor. */
  void noteOrphaned(int count) {
    synchronized (header) {
      Rare r = rare();
      rare(r.withOrphaned(r.orphaned() + count));
    }
  }

  /**
   * The first write since the last setup that cleared {@code FSRTL_FLAG_ADVANCED_HEADER} or {@code
   * FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS}, with the request it happened in; null when none did.
   */
  public @Nullable FlagsChange firstSetupBitsCleared() {
    Cleared c = rare().setupBitsCleared();
    return c == null ? null : c.first();
  }

  /** The last such write since the last setup (the same as the first when there was one); null when none. */
  public @Nullable FlagsChange lastSetupBitsCleared() {
    Cleared c = rare().setupBitsCleared();
    return c == null ? null : c.last();
  }

  /** The per-file slot the last setup was given ({@code FsRtlSetupAdvancedHeaderEx}), or null. */
  public @Nullable PerFileContextSlot slotGivenAtSetup() {
    if (!isSetUp()) {
      return null;
    }
    Object kept = rare().slotAtSetup();
    if (kept != null) {
      return kept == NO_SLOT ? null : (PerFileContextSlot) kept;
    }
    return header instanceof AdvancedFcbHeader a ? a.slotPointer() : null;
  }

  /** File objects pointing at the header now. */
  public int openFileObjects() {
    return header.auditOpenFileObjects;
  }

  /**
   * For the file-system verifier: marks that it has seen the I/O manager report a file object
   * created on this header ({@code IoEvent.FileObjectCreated}). A bit of the audit rather than a
   * map entry in the verifier: the map's node and table slot were 30 bytes per open file (issue
   * 14).
   *
   * @return true the first time, false once marked
   */
  public boolean markOpenEventSeen() {
    return !has(OPEN_EVENT_SEEN) && ((int) FACTS.getAndBitwiseOr(header, OPEN_EVENT_SEEN) & OPEN_EVENT_SEEN) == 0;
  }

  /** Whether {@link #markOpenEventSeen()} ran. */
  public boolean openEventSeen() {
    return has(OPEN_EVENT_SEEN);
  }

  /** Whether any file object has pointed at the header. */
  public boolean isPublished() {
    return has(PUBLISHED);
  }

  /** Where a file object first pointed at the header. */
  public @Nullable Object firstPublishedWhere() {
    return (header.auditFacts & PUBLISHED_WHERE_FIRST_SET_UP) != 0 ? firstSetupWhere() : rare().publishedWhere();
  }

  /** Whether the header had been set up when a file object first pointed at it. */
  public boolean setUpWhenFirstPublished() {
    return has(SET_UP_WHEN_FIRST_PUBLISHED);
  }

  /** Whether the file system reported the FCB reachable ({@link #noteReachable()}). */
  public boolean isReachable() {
    return has(REACHABLE);
  }

  /** Where the FCB first became reachable. */
  public @Nullable Object firstReachableWhere() {
    return (header.auditFacts & REACHABLE_WHERE_FIRST_SET_UP) != 0 ? firstSetupWhere() : rare().reachableWhere();
  }

  /** Whether the header had been set up when the FCB first became reachable. */
  public boolean setUpWhenFirstReachable() {
    return has(SET_UP_WHEN_FIRST_REACHABLE);
  }

  /** Every {@code FsRtlTeardownPerStreamContexts} on the header, in order. */
  public List<Teardown> teardowns() {
    return rare().teardowns();
  }

  /** Whether a file object was opened on the header after a teardown. */
  public boolean openedAfterTeardown() {
    return has(OPENED_AFTER_TEARDOWN);
  }

  /** Where a file object was first opened on the header after a teardown. */
  public @Nullable Object openedAfterTeardownWhere() {
    return rare().openedAfterTeardownWhere();
  }
}
