package io.fsctx.fsrtl;

import static com.google.common.base.Preconditions.checkArgument;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V0;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V1;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V2;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V3;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V4;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V5;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG_ADVANCED_HEADER;

import io.fsctx.nt.FieldHandles;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.PoolBlock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * {@code FSRTL_ADVANCED_FCB_HEADER}: the common header plus what filter contexts need, the
 * {@code FilterContexts} list of {@link PerStreamContext}s, its lock, and the per-file slot.
 *
 * <h2>Versions</h2>
 * Fields introduced after {@code V0} exist only when {@link #version()} is high enough; their
 * getters throw {@link IllegalStateException} below it (fsrtl.md 3.1): {@code PushLock} and {@code
 * FileContextSupportPointer} from {@code V1}, {@code Oplock} from {@code V2}, {@code AePushLock}
 * from {@code V3}, {@code BypassIoOpenCount} from {@code V4}, {@code ReservedContext} from {@code
 * V5}. The setup routines write {@code V2} (a Windows 8+ build target, which exposes {@code
 * Oplock}) and {@code Ex2} writes {@code V3}; the documentation does not give the exact values, so
 * this is a modelling choice (fsrtl.md 4).
 *
 * <h2>Which lock guards {@code FilterContexts}</h2>
 * By version (fsrtl.md 3.3): {@code V0} uses {@code FastMutex}; {@code V1}/{@code V2} use {@code
 * PushLock}; {@code V3}+ use {@code AePushLock} when one was installed and fall back to {@code
 * PushLock} when it is null. Lookups under a push lock read the list's published snapshot, which is
 * what a shared acquisition gives when writers never change the list in place; lookups under a fast
 * mutex acquire it, since it has no shared mode.
 *
 * <h2>Re-running setup</h2>
 * The setup macros re-initialise the list head, so running setup again on a header with linked
 * contexts orphans them: they leave the list, no free callback ever runs for them, and {@link
 * #orphanedContextCount()} counts them so a verifier can report the leak (fsrtl.md 14.36).
 *
 * <p>Thread safety: safe for concurrent use. The list lock is a leaf lock; no callback runs while
 * it is held.
 */
public class AdvancedFcbHeader extends CommonFcbHeader {
  private volatile @Nullable FastMutex fastMutex;
  /** {@code PushLock} and {@code FilterContexts}: one object, made with the header. */
  private final FilterContextList filterContexts = new FilterContextList();
  private volatile @Nullable PerFileContextSlot fileContextSupportPointer;
  /**
   * {@code Oplock} (V2+), {@code AePushLock} (V3+) and {@code BypassIoOpenCount} (V4+), which few
   * headers have set: null while all three are zero. One field for the three, replaced whole by a
   * compare-and-set, rather than a field each: 8 bytes less per stream, and a replay keeps one
   * header per open file (issue 14). {@code ReservedContext} (V5+) is system-reserved and nothing
   * in the model writes it, so it has no storage.
   */
  private volatile @Nullable Later later;

  private record Later(@Nullable Object oplock, @Nullable PushLock aePushLock, int bypassIoOpenCount) {
    static final Later NONE = new Later(null, null, 0);

    /** This record, or null when it holds nothing. */
    @Nullable Later orNull() {
      return oplock == null && aePushLock == null && bypassIoOpenCount == 0 ? null : this;
    }

    /** Whether {@code other} holds the very same values (the oplock compared by identity). */
    boolean sameAs(@Nullable Later other) {
      return other != null && other.oplock == oplock && other.aePushLock == aePushLock
          && other.bypassIoOpenCount == bypassIoOpenCount;
    }
  }

  private static final VarHandle LATER =
      FieldHandles.of(MethodHandles.lookup(), AdvancedFcbHeader.class, "later", Later.class);
  // Bytes, as the flags they copy (CommonFcbHeader).
  private volatile byte flagsAtSetup;
  private volatile byte flags2AtSetup;

  /**
   * Creates a zeroed advanced header; a file system calls one of the setup routines next.
   *
   * @param id a stable identity for messages, such as {@code Scb#4}
   */
  public AdvancedFcbHeader(String id) {
    super(id);
  }

  /**
   * Creates a zeroed advanced header embedded in the FCB's pool block, as a file system builds it
   * ({@code Fcb->Header}); a setup routine comes next.
   *
   * @param memory the FCB's pool block, or null for a header outside any allocation (tests)
   * @param id a stable identity for messages, such as {@code Scb#4}
   */
  public AdvancedFcbHeader(@Nullable PoolBlock memory, String id) {
    super(memory, id);
  }

  /**
   * As {@link #AdvancedFcbHeader(PoolBlock, String)}, with the identity {@code kind#number} put
   * together only when a message needs it ({@link CommonFcbHeader#CommonFcbHeader(PoolBlock,
   * String, long)}).
   *
   * @param memory the FCB's pool block, or null for a header outside any allocation (tests)
   * @param kind the identity's prefix, such as {@code Scb}
   * @param number the identity's number, from 1
   */
  public AdvancedFcbHeader(@Nullable PoolBlock memory, String kind, long number) {
    super(memory, kind, number);
  }

  // ---- Setup --------------------------------------------------------------------------------

  /**
   * {@code FsRtlSetupAdvancedHeader}: ORs {@code FSRTL_FLAG_ADVANCED_HEADER} into {@code Flags}
   * and {@code FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS} into {@code Flags2}, sets the version,
   * re-initialises the list (orphaning anything on it), stores {@code mutex} only when it is
   * non-null, zeroes the push lock and clears the per-file slot. Node type, sizes, resources and
   * {@code IsFastIoPossible} are untouched.
   *
   * @param mutex an initialised fast mutex, or null to keep the one the file system stored itself
   */
  public final void setup(@Nullable FastMutex mutex) {
    setupInternal(mutex, null, null, FSRTL_FCB_HEADER_V2);
  }

  /**
   * {@code FsRtlSetupAdvancedHeaderEx}: {@link #setup}, then stores {@code fileContextSlot} as
   * {@code FileContextSupportPointer} when it is non-null (null leaves per-file contexts off).
   *
   * @param mutex as for {@link #setup}
   * @param fileContextSlot the per-file slot in the file system's FCB, or null
   */
  public final void setupEx(@Nullable FastMutex mutex, @Nullable PerFileContextSlot fileContextSlot) {
    setupInternal(mutex, fileContextSlot, null, FSRTL_FCB_HEADER_V2);
  }

  /**
   * {@code FsRtlSetupAdvancedHeaderEx2} (Windows 10 20H2): {@link #setupEx} and installs the
   * caller-allocated auto-expand push lock, which then guards {@code FilterContexts}. Writes
   * {@code V3}, the lowest version that has the field. A null push lock is tolerated and leaves
   * the ordinary push lock in charge.
   *
   * @param mutex as for {@link #setup}
   * @param fileContextSlot as for {@link #setupEx}
   * @param aePushLock from {@link PushLock#autoExpand()}, or null
   */
  public final void setupEx2(
      @Nullable FastMutex mutex,
      @Nullable PerFileContextSlot fileContextSlot,
      @Nullable PushLock aePushLock) {
    setupInternal(mutex, fileContextSlot, aePushLock, FSRTL_FCB_HEADER_V3);
  }

  private synchronized void setupInternal(
      @Nullable FastMutex mutex,
      @Nullable PerFileContextSlot slot,
      @Nullable PushLock ae,
      int newVersion) {
    setFlagsBits(FSRTL_FLAG_ADVANCED_HEADER);
    setFlags2Bits(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
    if (!filterContexts.isEmpty()) {
      audit().noteOrphaned(filterContexts.orphanAll(filterContextsLock()).size());
    }
    if (mutex != null) {
      fastMutex = mutex;
    }
    fileContextSupportPointer = slot;
    if (ae != aePushLockField()) { // nearly every setup has none and had none: no record to build
      updateLater(l -> new Later(l.oplock(), ae, l.bypassIoOpenCount()));
    }
    setVersion(newVersion);
    flagsAtSetup = (byte) flags();
    flags2AtSetup = (byte) flags2();
    audit().noteSetup(slot);
    if (slot != null) {
      slot.audit().noteUser(this);
    }
  }

  /** Whether a setup routine has run on this header. */
  public final boolean isSetUp() {
    // The audit's count of setups, which each setup raises before it returns: a flag of its own
    // would repeat it, and cost an SCB that begins with its header eight bytes (issue 14).
    return (auditFacts >>> 8) > 0;
  }

  /** {@code Flags} as the last setup left them, for "changed after setup" checks. */
  public final int flagsAtSetup() {
    return flagsAtSetup & 0xFF;
  }

  /** {@code Flags2} as the last setup left them. */
  public final int flags2AtSetup() {
    return flags2AtSetup & 0xFF;
  }

  /** How many contexts a repeated setup has orphaned on this header (never freed: a leak). */
  public final int orphanedContextCount() {
    return audit().orphanedContextCount();
  }

  // ---- Fields -------------------------------------------------------------------------------

  /** {@code FastMutex}: guards the size fields, and {@code FilterContexts} on a V0 header. */
  public final @Nullable FastMutex fastMutex() {
    return fastMutex;
  }

  /** Stores the file system's own fast mutex, as it must when setup was given null. */
  public final void setFastMutex(@Nullable FastMutex mutex) {
    fastMutex = mutex;
  }

  /**
   * {@code PushLock} (V1+): one lock for the header's life, which also holds the {@code
   * FilterContexts} list. A setup re-initialises the push lock in C; the model keeps the same lock
   * (and its acquisition count), which a correct file system never holds across a setup.
   */
  public final PushLock pushLock() {
    requireVersion(FSRTL_FCB_HEADER_V1, "PushLock");
    return filterContexts;
  }

  /** {@code FileContextSupportPointer} (V1+): the per-file slot, or null for no file contexts. */
  public final @Nullable PerFileContextSlot fileContextSupportPointer() {
    requireVersion(FSRTL_FCB_HEADER_V1, "FileContextSupportPointer");
    return fileContextSupportPointer;
  }

  /** Sets {@code FileContextSupportPointer} directly (V1+). */
  public final void setFileContextSupportPointer(@Nullable PerFileContextSlot slot) {
    requireVersion(FSRTL_FCB_HEADER_V1, "FileContextSupportPointer");
    synchronized (this) { // the audit's monitor: it keeps the slot the last setup gave
      audit().notePointerWrite(fileContextSupportPointer);
      fileContextSupportPointer = slot;
    }
  }

  /** The raw {@code FileContextSupportPointer}, whatever the version, for the audit. */
  final @Nullable PerFileContextSlot slotPointer() {
    return fileContextSupportPointer;
  }

  /** {@code Oplock} (V2+), owned by the oplock package; opaque here. */
  public final @Nullable Object oplock() {
    requireVersion(FSRTL_FCB_HEADER_V2, "Oplock");
    Later l = later;
    return l == null ? null : l.oplock();
  }

  /** Sets {@code Oplock} (V2+). */
  public final void setOplock(@Nullable Object value) {
    requireVersion(FSRTL_FCB_HEADER_V2, "Oplock");
    updateLater(l -> new Later(value, l.aePushLock(), l.bypassIoOpenCount()));
  }

  /** {@code AePushLock} (V3+). */
  public final @Nullable PushLock aePushLock() {
    requireVersion(FSRTL_FCB_HEADER_V3, "AePushLock");
    return aePushLockField();
  }

  /** {@code BypassIoOpenCount} (V4+). */
  public final int bypassIoOpenCount() {
    requireVersion(FSRTL_FCB_HEADER_V4, "BypassIoOpenCount");
    Later l = later;
    return l == null ? 0 : l.bypassIoOpenCount();
  }

  /** Sets {@code BypassIoOpenCount} (V4+). */
  public final void setBypassIoOpenCount(int value) {
    requireVersion(FSRTL_FCB_HEADER_V4, "BypassIoOpenCount");
    updateLater(l -> new Later(l.oplock(), l.aePushLock(), value));
  }

  /** {@code ReservedContext} (V5+), system-reserved. */
  public final @Nullable PerStreamContext reservedContext() {
    requireVersion(FSRTL_FCB_HEADER_V5, "ReservedContext");
    return null; // system-reserved: nothing in the model writes it
  }

  private @Nullable PushLock aePushLockField() {
    Later l = later;
    return l == null ? null : l.aePushLock();
  }

  /** Replaces {@link #later} with what {@code change} makes of it (never given null), retrying on a race. */
  private void updateLater(UnaryOperator<Later> change) {
    Later old;
    Later now;
    do {
      old = later;
      now = change.apply(old == null ? Later.NONE : old).orNull();
      if (now == old || (now != null && now.sameAs(old))) {
        return; // nothing changes: keep the record there is
      }
    } while (!LATER.compareAndSet(this, old, now));
  }

  /**
   * The lock guarding {@code FilterContexts} under the version rule in the class comment.
   *
   * @throws IllegalStateException for a V0 header without a fast mutex
   */
  public final HeaderLock filterContextsLock() {
    int v = version();
    if (v == FSRTL_FCB_HEADER_V0) {
      FastMutex m = fastMutex;
      if (m == null) {
        throw new IllegalStateException(
            id() + ": V0 header has no FastMutex; the file system must store one before using FilterContexts");
      }
      return m;
    }
    PushLock ae = v >= FSRTL_FCB_HEADER_V3 ? aePushLockField() : null;
    return ae != null ? ae : filterContexts;
  }

  // ---- Per-stream contexts (Java API) ------------------------------------------------------

  /**
   * Whether FsRtl treats this header as supporting per-stream contexts: the {@code Flags2} bit,
   * exactly what {@code FsRtlSupportsPerStreamContexts} tests once it has the header.
   */
  public final boolean supportsFilterContexts() {
    return (flags2() & FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS) != 0;
  }

  /**
   * {@code FsRtlInsertPerStreamContext}: links {@code context} at the head of the list.
   *
   * @param context initialised and not linked anywhere; on success the file system owns it
   * @return {@code STATUS_SUCCESS}, or {@code STATUS_INVALID_DEVICE_REQUEST} when the {@code
   *     Flags2} bit is clear (list unchanged)
   * @throws io.fsctx.nt.BugCheckException when {@code context} is already linked
   */
  public final NtStatus insertPerStreamContext(PerStreamContext context) {
    if (!supportsFilterContexts()) {
      return NtStatus.STATUS_INVALID_DEVICE_REQUEST;
    }
    checkArgument(context.ownerId() != null && context.freeCallback() != null,
        "%s was not initialised (FsRtlInitPerStreamContext)", context);
    filterContexts.insertHead(filterContextsLock(), context);
    return NtStatus.STATUS_SUCCESS;
  }

  /**
   * {@code FsRtlLookupPerStreamContext}: the first context matching the ids, or null. Returns null
   * without taking any lock when the {@code Flags2} bit is clear or the list is empty.
   *
   * @param ownerId null to match any context
   * @param instanceId null to match any instance of the owner; requires an owner
   * @return a bare pointer: no reference is taken, its validity is the caller's protocol
   */
  public final @Nullable PerStreamContext lookupPerStreamContext(
      @Nullable Object ownerId, @Nullable Object instanceId) {
    ContextList.checkIds(ownerId, instanceId);
    if (!supportsFilterContexts()) {
      return null;
    }
    return lookupPerStreamContextInternal(ownerId, instanceId);
  }

  /**
   * The lookup without the {@code Flags2} test, as the WDK's {@code FsRtlLookupPerStreamContext}
   * macro calls {@code FsRtlLookupPerStreamContextInternal} once it has made the test: for a
   * caller that has just checked {@link #supportsFilterContexts()} itself.
   *
   * @param ownerId null to match any context
   * @param instanceId null to match any instance of the owner; requires an owner
   * @return a bare pointer: no reference is taken, its validity is the caller's protocol
   */
  public final @Nullable PerStreamContext lookupPerStreamContextInternal(
      @Nullable Object ownerId, @Nullable Object instanceId) {
    if (filterContexts.isEmpty()) {
      ContextList.checkIds(ownerId, instanceId);
      return null;
    }
    // Only a V0 header guards the list with its fast mutex, which a lookup must take; the push
    // locks of later versions are taken by writers only, so there is no lock to resolve.
    HeaderLock lock = version() == FSRTL_FCB_HEADER_V0 ? filterContextsLock() : null;
    return filterContexts.lookup(lock, ownerId, instanceId);
  }

  /**
   * {@code FsRtlRemovePerStreamContext}: unlinks and returns the first match; the caller owns it
   * and its free callback is not called.
   *
   * @return the removed context, or null when nothing matches or the bit is clear
   */
  public final @Nullable PerStreamContext removePerStreamContext(
      @Nullable Object ownerId, @Nullable Object instanceId) {
    ContextList.checkIds(ownerId, instanceId);
    if (!supportsFilterContexts()) {
      return null;
    }
    return filterContexts.remove(filterContextsLock(), ownerId, instanceId);
  }

  /**
   * {@code FsRtlTeardownPerStreamContexts}: called by the file system when the stream structure
   * dies. Calls every remaining context's free callback once, head first, each after unlinking
   * it and with the lock released; contexts inserted meanwhile are torn down too. Does not test the
   * {@code Flags2} bit, so it is harmless on a paging-file header with an empty list. A callback
   * that throws does not stop the others; the first failure is rethrown afterwards.
   *
   * @return how many free callbacks ran
   */
  public final int teardownPerStreamContexts() {
    audit().noteTeardown(freedLockName());
    if (filterContexts.isEmpty()) {
      return 0;
    }
    return filterContexts.teardown(filterContextsLock(), PerStreamContext::callFree);
  }

  /** How many times the file system has called the teardown routine on this header. */
  public final long teardownCount() {
    return audit().teardowns().size();
  }

  /** The fast mutex or auto-expand push lock when it lives in a freed pool block, for the audit. */
  private @Nullable String freedLockName() {
    FastMutex m = fastMutex;
    if (m != null && m.memory() != null && m.memory().isFreed()) {
      return "FastMutex in " + m.memory();
    }
    PushLock ae = aePushLockField();
    if (ae != null && ae.memory() != null && ae.memory().isFreed()) {
      return "AePushLock in " + ae.memory();
    }
    return null;
  }

  /** The per-stream contexts on the list, head first (a snapshot, for tools and verifiers). */
  public final List<PerStreamContext> perStreamContexts() {
    return filterContexts.snapshot();
  }

  private void requireVersion(int min, String field) {
    int v = version();
    if (v < min) {
      throw new IllegalStateException(
          id() + ": " + field + " exists only from header version V" + min + "; this header is V" + v);
    }
  }
}
