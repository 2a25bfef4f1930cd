package io.fsctx.examples.ctx;

import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.nt.AllocationFaults;
import io.fsctx.nt.EResource;
import io.fsctx.nt.KeThread;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.nt.UnicodeString;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * CTX's {@code support.c} and the inline resource helpers of {@code CtxProc.h}: string buffers
 * from paged pool with tag {@code CxSt}, {@code ERESOURCE}s from nonpaged pool with tag {@code
 * CxRc}, and the acquire/release wrappers that pair each acquisition with a critical region.
 *
 * <p>The model has no kernel pool, so this object counts what CTX allocates and frees per tag
 * (the pool tracking Driver Verifier would do, ctx-sample §1.12 H): after unload {@link
 * #outstanding()} must be zero. Allocations can be made to fail through {@link
 * #setAllocationFaults} to drive CTX down its {@code STATUS_INSUFFICIENT_RESOURCES} paths.
 *
 * <p>Thread safety: safe for concurrent use (atomic counters; the fault hook is volatile).
 */
public final class CtxSupport {
  /** {@code CTX_STRING_TAG}, shown as {@code CxSt}. */
  public static final int CTX_STRING_TAG = FltContextRegistration.tag("CxSt");
  /** {@code CTX_RESOURCE_TAG}, shown as {@code CxRc}. */
  public static final int CTX_RESOURCE_TAG = FltContextRegistration.tag("CxRc");

  /** {@code "CxRc StreamContext "} and the like: one string per kind, not per resource. */
  private static final ConcurrentHashMap<String, String> RESOURCE_PREFIXES = new ConcurrentHashMap<>();

  private final CtxLog log;
  private final AtomicInteger strings = new AtomicInteger();
  private final AtomicInteger resources = new AtomicInteger();
  private volatile AllocationFaults faults = AllocationFaults.NEVER;

  CtxSupport(CtxLog log) {
    this.log = log;
  }

  /**
   * Makes chosen pool allocations fail. The descriptions passed to the hook are {@code "CxSt "}
   * plus what the string is for ({@code "CxSt FileContext.FileName"}, ...) and {@code "CxRc "}
   * plus the owner.
   *
   * @param faults the hook; {@link AllocationFaults#NEVER} restores normal behaviour
   */
  public void setAllocationFaults(AllocationFaults faults) {
    this.faults = faults;
  }

  /**
   * Outstanding allocations per pool tag (tags as pool tools show them), zero entries included.
   * Non-zero after unload means CTX leaked pool.
   */
  public Map<String, Integer> outstanding() {
    Map<String, Integer> m = new TreeMap<>();
    m.put(FltContextRegistration.tagToString(CTX_STRING_TAG), strings.get());
    m.put(FltContextRegistration.tagToString(CTX_RESOURCE_TAG), resources.get());
    return m;
  }

  // ---- support.c ------------------------------------------------------------------------------

  /**
   * {@code CtxAllocateUnicodeString}: allocates {@code maximumLength} bytes with tag {@code CxSt}
   * and {@code Length} 0. On failure logs at ERROR and returns {@code
   * STATUS_INSUFFICIENT_RESOURCES}, leaving {@code string} empty.
   *
   * @param maximumLength the {@code MaximumLength} to allocate, in bytes
   * @param what what the string is for (fault-injection key and log text)
   * @param string receives the new string; the caller owns it and frees it with {@link
   *     #ctxFreeUnicodeString}
   */
  public NtStatus ctxAllocateUnicodeString(int maximumLength, String what, Out<UnicodeString> string) {
    AllocationFaults f = faults;
    // The fault key is built only when faults are injected: this runs for every new context.
    if (f != AllocationFaults.NEVER && f.shouldFail("CxSt " + what)) {
      string.set(new UnicodeString());
      log.trace(CtxLog.DEBUG_TRACE_ERROR,
          "CtxAllocateUnicodeString -> Failed to allocate %d bytes for %s", maximumLength, what);
      return NtStatus.STATUS_INSUFFICIENT_RESOURCES;
    }
    string.set(UnicodeString.allocate(maximumLength));
    strings.incrementAndGet();
    return NtStatus.STATUS_SUCCESS;
  }

  /**
   * {@code CtxFreeUnicodeString}: frees the buffer and clears the lengths. Unlike the sample, which
   * would pass a NULL (or, in an unzeroed context, garbage) {@code Buffer} to {@code
   * ExFreePoolWithTag}, a string without a buffer is left alone, so every caller may call this
   * unconditionally.
   *
   * @param string the string to free (its owner's field)
   */
  public void ctxFreeUnicodeString(UnicodeString string) {
    if (!string.hasBuffer()) {
      return;
    }
    string.free();
    strings.decrementAndGet();
  }

  // ---- CtxProc.h: resource helpers ------------------------------------------------------------

  /**
   * {@code CtxAllocateResource} plus {@code ExInitializeResourceLite}: an {@code ERESOURCE} from
   * nonpaged pool with tag {@code CxRc}, or null when the allocation fails.
   *
   * @param owner what it guards, for its name
   */
  public @Nullable EResource ctxAllocateResource(String owner) {
    return ctxAllocateResource(owner, "");
  }

  /**
   * {@link #ctxAllocateResource(String)} for a resource guarding {@code kind} followed by {@code
   * owner}'s name (the resource is {@code CxRc StreamContext Ctx#7}): the name is put together
   * only when a message or an injected fault needs it, since CTX allocates a resource with every
   * stream and stream-handle context.
   *
   * @param kind what kind of object it guards
   * @param owner the object it guards; its {@code toString} ends the name
   * @return the resource, or null when the allocation fails
   */
  public @Nullable EResource ctxAllocateResource(String kind, Object owner) {
    AllocationFaults f = faults;
    if (f != AllocationFaults.NEVER && f.shouldFail("CxRc " + named(kind, owner))) {
      return null;
    }
    resources.incrementAndGet();
    if (owner instanceof String text) {
      return new EResource("CxRc " + named(kind, text)); // named by text: nothing to defer
    }
    // Named after its owner, and put together only when a message asks: a supplier object per
    // resource would cost 24 bytes for each stream and stream-handle context.
    return new EResource(RESOURCE_PREFIXES.computeIfAbsent(kind, k -> "CxRc " + k + " "), owner);
  }

  private static String named(String kind, Object owner) {
    String o = owner.toString();
    return o.isEmpty() ? kind : kind + " " + o;
  }

  /**
   * {@code ExDeleteResourceLite} plus {@code CtxFreeResource}.
   *
   * @param resource a resource from {@link #ctxAllocateResource} that nobody holds
   */
  public void ctxFreeResource(EResource resource) {
    resource.delete();
    resources.decrementAndGet();
  }

  /**
   * {@code CtxAcquireResourceExclusive}: asserts the caller owns it exclusively already or does not
   * hold it shared (a shared owner asking for exclusive access deadlocks), then enters a critical
   * region and acquires it exclusively, waiting.
   *
   * @param resource the resource
   */
  public static void ctxAcquireResourceExclusive(EResource resource) {
    if (!resource.isAcquiredExclusive() && resource.isAcquiredShared() != 0) {
      throw new IllegalStateException("CtxAcquireResourceExclusive: " + resource + " is held shared by this thread");
    }
    KeThread.enterCriticalRegion();
    resource.acquireExclusive();
  }

  /**
   * {@code CtxAcquireResourceShared}: the shared twin; the sample never calls it, kept for
   * completeness.
   *
   * @param resource the resource
   */
  public static void ctxAcquireResourceShared(EResource resource) {
    KeThread.enterCriticalRegion();
    resource.acquireShared();
  }

  /**
   * {@code CtxReleaseResource}: asserts the resource is held by this thread, releases it and
   * leaves the critical region.
   *
   * @param resource the resource
   */
  public static void ctxReleaseResource(EResource resource) {
    if (!resource.isAcquiredExclusive() && resource.isAcquiredShared() == 0) {
      throw new IllegalStateException("CtxReleaseResource: " + resource + " is not held by this thread");
    }
    resource.release();
    KeThread.leaveCriticalRegion();
  }
}
