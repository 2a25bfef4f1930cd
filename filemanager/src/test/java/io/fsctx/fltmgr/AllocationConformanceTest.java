package io.fsctx.fltmgr;

import io.fsctx.nt.PoolType;
import static io.fsctx.fltmgr.FltTestSupport.TAG;
import static io.fsctx.nt.NtStatus.STATUS_FLT_CONTEXT_ALLOCATION_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.testing.NoLiveContextsExtension;
import io.fsctx.fltmgr.testing.NoLiveContextsExtension.TrackedManagers;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** fltmgr.md 10.21–10.37: FltAllocateContext and releasing what was never attached. */
@ExtendWith(NoLiveContextsExtension.class)
class AllocationConformanceTest {
  private TrackedManagers managers;
  private FilterManager mgr;
  private final List<FltFilter> filters = new ArrayList<>();

  @BeforeEach
  void setUp(TrackedManagers tracked) {
    managers = tracked;
    mgr = tracked.create(FltTestSupport.quickUnload().build());
  }

  @org.junit.jupiter.api.AfterEach
  void tearDown() {
    for (FltFilter f : filters) {
      if (f.state() != FltFilter.State.UNLOADED) {
        f.unregister();
      }
    }
  }

  private FltFilter filter(FilterManager m, FltContextRegistration... regs) {
    List<FltContextRegistration> all = new ArrayList<>(List.of(regs));
    all.add(FltContextRegistration.END);
    Out<FltFilter> out = new Out<>();
    assertEquals(
        STATUS_SUCCESS,
        Flt.registerFilter(m, DriverObject.of("Alloc" + filters.size(), null), FltRegistration.builder().contextRegistration(all).build(), out));
    FltFilter f = Objects.requireNonNull(out.get());
    filters.add(f);
    return f;
  }

  private static FltContextRegistration fixed(FltContextType t, long size, int flags) {
    return FltContextRegistration.of(t, flags, null, size, TAG, null);
  }

  private static final int NO_EXACT = FltContextRegistration.FLTFL_CONTEXT_REGISTRATION_NO_EXACT_SIZE_MATCH;

  private static NtStatus alloc(FltFilter f, int type, long size, PoolType pool, Out<FltContext> out) {
    return Flt.allocateContext(f, type, size, pool, out);
  }

  /** Which definition served the allocations: the stats rows that counted one. */
  private static List<String> used(FltFilter f) {
    List<String> out = new ArrayList<>();
    for (LookasideStats s : f.lookasideStats()) {
      if (s.pagedAllocations() + s.nonPagedAllocations() > 0) {
        out.add(s.kind() + ":" + s.size());
      }
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(value = FltContextType.class, names = "SECTION", mode = EnumSource.Mode.EXCLUDE)
  @DisplayName("fltmgr.md 10.21: a successful allocation is non-NULL with refs 1 and not attached")
  void allocateContext_success_oneReferenceNotAttached(FltContextType type) {
    FltFilter f = filter(mgr, fixed(type, 24, 0));
    Out<FltContext> out = new Out<>();
    assertEquals(STATUS_SUCCESS, alloc(f, type.code(), 24, PoolType.NON_PAGED_POOL, out));
    FltContext c = Objects.requireNonNull(out.get());
    assertEquals(1, c.referenceCount());
    assertEquals(FltContext.State.ALLOCATED, c.state());
    assertNull(c.attachedTo());
    assertSame(type, c.type());
    Flt.releaseContext(c);
  }

  @Test
  @DisplayName("fltmgr.md 10.22, 10.23: exact size succeeds; a smaller size without NO_EXACT_SIZE_MATCH is ALLOCATION_NOT_FOUND")
  void allocateContext_exactSizeRequired_onlyExactMatches() {
    FltFilter f = filter(mgr, fixed(FltContextType.STREAM, 64, 0));
    Out<FltContext> out = new Out<>();
    assertEquals(STATUS_SUCCESS, alloc(f, 0x8, 64, PoolType.PAGED_POOL, out));
    Flt.releaseContext(out.get());
    assertEquals(STATUS_FLT_CONTEXT_ALLOCATION_NOT_FOUND, alloc(f, 0x8, 40, PoolType.PAGED_POOL, out));
    assertNull(out.get());
  }

  @Test
  @DisplayName("contextsAllocated/contextsFreed count per type: a failed allocation is not counted; a free is counted at the last release")
  void contextsAllocatedAndFreed_countPerType() {
    FltFilter f = filter(mgr, fixed(FltContextType.STREAM, 64, 0), fixed(FltContextType.FILE, 16, 0));
    Out<FltContext> a = new Out<>();
    Out<FltContext> b = new Out<>();
    assertEquals(STATUS_SUCCESS, alloc(f, 0x8, 64, PoolType.PAGED_POOL, a));
    assertEquals(STATUS_SUCCESS, alloc(f, FltContextType.FILE.code(), 16, PoolType.PAGED_POOL, b));
    assertEquals(STATUS_FLT_CONTEXT_ALLOCATION_NOT_FOUND, alloc(f, 0x8, 40, PoolType.PAGED_POOL, new Out<>()));
    assertEquals(1, mgr.contextsAllocated(FltContextType.STREAM));
    assertEquals(1, mgr.contextsAllocated(FltContextType.FILE));
    assertEquals(0, mgr.contextsAllocated(FltContextType.VOLUME));
    Flt.referenceContext(a.get());
    Flt.releaseContext(a.get());
    assertEquals(0, mgr.contextsFreed(FltContextType.STREAM), "a reference is still held");
    Flt.releaseContext(a.get());
    Flt.releaseContext(b.get());
    assertEquals(1, mgr.contextsFreed(FltContextType.STREAM));
    assertEquals(1, mgr.contextsFreed(FltContextType.FILE));
  }

  @Test
  @DisplayName("contextsAllocated/contextsFreed sum every filter's contexts of the type and keep an unregistered filter's")
  void contextsAllocatedAndFreed_sumFiltersAndOutliveUnregistration() {
    FltFilter one = filter(mgr, fixed(FltContextType.STREAM, 64, 0));
    FltFilter two = filter(mgr, fixed(FltContextType.STREAM, 32, 0), fixed(FltContextType.STREAM, 128, 0));
    Out<FltContext> a = new Out<>();
    Out<FltContext> b = new Out<>();
    Out<FltContext> c = new Out<>();
    assertEquals(STATUS_SUCCESS, alloc(one, 0x8, 64, PoolType.PAGED_POOL, a));
    assertEquals(STATUS_SUCCESS, alloc(two, 0x8, 32, PoolType.PAGED_POOL, b));
    assertEquals(STATUS_SUCCESS, alloc(two, 0x8, 128, PoolType.NON_PAGED_POOL_NX, c));
    assertEquals(3, mgr.contextsAllocated(FltContextType.STREAM), "both filters, both definitions, both pools");
    Flt.releaseContext(a.get());
    Flt.releaseContext(b.get());
    Flt.releaseContext(c.get());
    assertEquals(3, mgr.contextsFreed(FltContextType.STREAM));
    Flt.unregisterFilter(one);
    assertEquals(3, mgr.contextsAllocated(FltContextType.STREAM), "counted since the manager was created");
    assertEquals(3, mgr.contextsFreed(FltContextType.STREAM));
    assertEquals(0, mgr.contextsAllocated(FltContextType.FILE));
  }

  @Test
  @DisplayName("fltmgr.md 10.24: with NO_EXACT_SIZE_MATCH a smaller request is served by that definition")
  void allocateContext_noExactFlagSmallerSize_succeeds() {
    FltFilter f = filter(mgr, fixed(FltContextType.STREAM, 64, NO_EXACT));
    Out<FltContext> out = new Out<>();
    assertEquals(STATUS_SUCCESS, alloc(f, 0x8, 40, PoolType.PAGED_POOL, out));
    assertEquals(40, Objects.requireNonNull(out.get()).size());
    assertEquals(List.of("LOOKASIDE:64"), used(f));
    Flt.releaseContext(out.get());
  }

  @Test
  @DisplayName("fltmgr.md 10.25: a request above every fixed size with no variable entry is ALLOCATION_NOT_FOUND")
  void allocateContext_largerThanAllFixed_allocationNotFound() {
    FltFilter f = filter(mgr, fixed(FltContextType.STREAM, 32, NO_EXACT), fixed(FltContextType.STREAM, 64, NO_EXACT));
    Out<FltContext> out = new Out<>();
    assertEquals(STATUS_FLT_CONTEXT_ALLOCATION_NOT_FOUND, alloc(f, 0x8, 65, PoolType.PAGED_POOL, out));
  }

  @Test
  @DisplayName("fltmgr.md 10.26: with fixed {32,64,128} all NO_EXACT, a request of 40 comes from the 64 definition")
  void allocateContext_severalFlaggedSizes_smallestFitServes() {
    FltContextType t = FltContextType.STREAMHANDLE;
    // Registered out of order on purpose: FltMgr sorts fixed sizes ascending.
    FltFilter f = filter(mgr, fixed(t, 128, NO_EXACT), fixed(t, 32, NO_EXACT), fixed(t, 64, NO_EXACT));
    Out<FltContext> out = new Out<>();
    assertEquals(STATUS_SUCCESS, alloc(f, t.code(), 40, PoolType.PAGED_POOL, out));
    assertEquals(List.of("LOOKASIDE:64"), used(f));
    Flt.releaseContext(out.get());
  }

  @Test
  @DisplayName("fltmgr.md 10.27: with fixed {64} (no flag) and a variable entry, 40 uses the variable entry and 64 the fixed one")
  void allocateContext_fixedAndVariable_variableTakesNonMatching() {
    FltContextType t = FltContextType.FILE;
    FltFilter f = filter(mgr, fixed(t, FltContextRegistration.FLT_VARIABLE_SIZED_CONTEXTS, 0), fixed(t, 64, 0));
    Out<FltContext> a = new Out<>();
    assertEquals(STATUS_SUCCESS, alloc(f, t.code(), 40, PoolType.PAGED_POOL, a));
    assertEquals(List.of("DIRECT:-1"), used(f));
    Out<FltContext> b = new Out<>();
    assertEquals(STATUS_SUCCESS, alloc(f, t.code(), 64, PoolType.PAGED_POOL, b));
    assertTrue(used(f).contains("LOOKASIDE:64"), used(f)::toString);
    Flt.releaseContext(a.get());
    Flt.releaseContext(b.get());
  }

  @Test
  @DisplayName("fltmgr.md 10.28, 10.29: ContextSize 0x10000 is INVALID_BUFFER_SIZE; ContextSize 0 is INVALID_PARAMETER (policy)")
  void allocateContext_badSizes_rejected() {
    FltFilter f = filter(mgr, fixed(FltContextType.STREAM, FltContextRegistration.FLT_VARIABLE_SIZED_CONTEXTS, 0), fixed(FltContextType.STREAM, 0, 0));
    Out<FltContext> out = new Out<>();
    assertEquals(NtStatus.STATUS_INVALID_BUFFER_SIZE, alloc(f, 0x8, 0x10000, PoolType.PAGED_POOL, out));
    assertEquals(NtStatus.STATUS_INVALID_PARAMETER, alloc(f, 0x8, 0, PoolType.PAGED_POOL, out));
    assertNull(out.get());
    assertEquals(STATUS_SUCCESS, alloc(f, 0x8, 0xFFFF, PoolType.PAGED_POOL, out));
    Flt.releaseContext(out.get());
  }

  @ParameterizedTest(name = "ContextType 0x{0}")
  @ValueSource(ints = {0x0003, 0x0000, 0x0080, 0x0100, 0xFFFF, 0x80000000, 0xFFFFFFFF})
  @DisplayName("fltmgr.md 10.30: a ContextType that is not one single type is INVALID_PARAMETER")
  void allocateContext_invalidType_invalidParameter(int type) {
    FltFilter f = filter(mgr, fixed(FltContextType.VOLUME, 16, 0), fixed(FltContextType.INSTANCE, 16, 0));
    Out<FltContext> out = new Out<>();
    assertEquals(NtStatus.STATUS_INVALID_PARAMETER, alloc(f, type, 16, PoolType.NON_PAGED_POOL, out));
    assertNull(out.get());
  }

  @ParameterizedTest
  @EnumSource(FltContextType.class)
  @DisplayName("fltmgr.md 1.1: each FLT_*_CONTEXT value names its own type")
  void contextType_ofItsCode_isItself(FltContextType type) {
    assertEquals(type, FltContextType.of(type.code()));
  }

  @Test
  @DisplayName("fltmgr.md 10.31: a volume context from PagedPool is MUST_BE_NONPAGED_POOL; NonPagedPool and NonPagedPoolNx succeed")
  void allocateContext_volumeContextPool_mustBeNonPaged() {
    FltFilter f = filter(mgr, fixed(FltContextType.VOLUME, 16, 0));
    Out<FltContext> out = new Out<>();
    assertEquals(NtStatus.STATUS_FLT_MUST_BE_NONPAGED_POOL, alloc(f, 0x1, 16, PoolType.PAGED_POOL, out));
    assertNull(out.get());
    for (PoolType p : List.of(PoolType.NON_PAGED_POOL, PoolType.NON_PAGED_POOL_NX)) {
      assertEquals(STATUS_SUCCESS, alloc(f, 0x1, 16, p, out));
      Flt.releaseContext(out.get());
    }
  }

  @ParameterizedTest
  @EnumSource(value = FltContextType.class, names = {"INSTANCE", "FILE", "STREAM", "STREAMHANDLE", "TRANSACTION"})
  @DisplayName("fltmgr.md 10.32: every context type but volume may come from PagedPool")
  void allocateContext_pagedPoolNonVolume_succeeds(FltContextType type) {
    FltFilter f = filter(mgr, fixed(type, 16, 0));
    Out<FltContext> out = new Out<>();
    assertEquals(STATUS_SUCCESS, alloc(f, type.code(), 16, PoolType.PAGED_POOL, out));
    assertSame(PoolType.PAGED_POOL, Objects.requireNonNull(out.get()).poolType());
    Flt.releaseContext(out.get());
  }

  @Test
  @DisplayName("fltmgr.md 10.33: once FltUnregisterFilter has started, allocation is STATUS_FLT_DELETING_OBJECT")
  void allocateContext_duringAndAfterUnregister_deletingObject() {
    FltTestSupport.Recorder rec = new FltTestSupport.Recorder();
    Out<FltFilter> out = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.registerFilter(mgr, DriverObject.of("Dying", "370000"), FltTestSupport.allTypesRegistration(rec, WindowsVersion.WIN11).build(), out));
    FltFilter f = Objects.requireNonNull(out.get());
    mgr.mountBareVolume("\\Device\\HarddiskVolume9", "NTFS", true);
    assertEquals(STATUS_SUCCESS, f.startFiltering());
    AtomicReference<NtStatus> inTeardown = new AtomicReference<>();
    rec.onTeardownStart = o -> inTeardown.set(alloc(o.filter(), 0x2, FltTestSupport.SIZE, PoolType.PAGED_POOL, new Out<>()));
    Flt.unregisterFilter(f);
    assertEquals(NtStatus.STATUS_FLT_DELETING_OBJECT, inTeardown.get());
    Out<FltContext> c = new Out<>();
    assertEquals(NtStatus.STATUS_FLT_DELETING_OBJECT, alloc(f, 0x2, FltTestSupport.SIZE, PoolType.PAGED_POOL, c));
    assertNull(c.get());
  }

  @Test
  @DisplayName("fltmgr.md 10.34, 10.35: the allocate routine gets header+ContextSize, the pool and the type; NULL from it is INSUFFICIENT_RESOURCES")
  void allocateContext_allocateRoutine_argumentsAndFailure() {
    List<String> calls = new ArrayList<>();
    AtomicReference<Object> next = new AtomicReference<>(new Object());
    FltContextRegistration routines =
        new FltContextRegistration(
            FltContextType.STREAM.code(), 0, null, 0, 0,
            (pool, size, type) -> {
              calls.add(pool + "/" + size + "/" + type);
              return next.get();
            },
            (block, type) -> {},
            null, null);
    FltFilter f = filter(mgr, routines);
    Out<FltContext> out = new Out<>();
    assertEquals(STATUS_SUCCESS, alloc(f, 0x8, 100, PoolType.NON_PAGED_POOL_NX, out));
    assertEquals(List.of("NON_PAGED_POOL_NX/" + (FltFilter.CONTEXT_HEADER_SIZE + 100) + "/STREAM"), calls);
    Flt.releaseContext(out.get());
    next.set(null);
    assertEquals(NtStatus.STATUS_INSUFFICIENT_RESOURCES, alloc(f, 0x8, 100, PoolType.PAGED_POOL, out));
    assertNull(out.get());
  }

  @Test
  @DisplayName("fltmgr.md 10.36: on Windows 11 variable-size contexts are zeroed; fixed-size ones come back poisoned, never assumed zero")
  void allocateContext_zeroingByVersionAndDefinition() {
    FltFilter f = filter(mgr, fixed(FltContextType.STREAM, FltContextRegistration.FLT_VARIABLE_SIZED_CONTEXTS, 0), fixed(FltContextType.STREAM, 16, 0));
    Out<FltContext> var = new Out<>();
    assertEquals(STATUS_SUCCESS, alloc(f, 0x8, 20, PoolType.PAGED_POOL, var));
    assertArrayEquals(new byte[20], Objects.requireNonNull(var.get()).payload(byte[].class));
    Out<FltContext> fix = new Out<>();
    assertEquals(STATUS_SUCCESS, alloc(f, 0x8, 16, PoolType.PAGED_POOL, fix));
    byte[] poisoned = Objects.requireNonNull(fix.get()).payload(byte[].class);
    assertEquals(16, poisoned.length);
    assertTrue(poisoned[0] != 0 && poisoned[15] != 0, "fixed-size payload must not read as zeroed");
    Flt.releaseContext(var.get());
    Flt.releaseContext(fix.get());

    FilterManager win10 = managers.create(FltTestSupport.quickUnload().windowsVersion(WindowsVersion.WIN10).build());
    FltFilter old = filter(win10, fixed(FltContextType.STREAM, FltContextRegistration.FLT_VARIABLE_SIZED_CONTEXTS, 0));
    assertEquals(STATUS_SUCCESS, alloc(old, 0x8, 20, PoolType.PAGED_POOL, var));
    assertTrue(Objects.requireNonNull(var.get()).payload(byte[].class)[0] != 0, "before Windows 11 nothing is zeroed");
    Flt.releaseContext(var.get());
  }

  @Test
  @DisplayName("fltmgr.md 10.37: releasing a never-attached context runs its cleanup once and frees it")
  void releaseContext_neverAttached_cleanupOnceThenFree() {
    FltTestSupport.Recorder rec = new FltTestSupport.Recorder();
    FltFilter f = filter(mgr, FltContextRegistration.of(FltContextType.STREAM, 0, rec::cleanup, 16, TAG, null));
    Out<FltContext> out = new Out<>();
    assertEquals(STATUS_SUCCESS, alloc(f, 0x8, 16, PoolType.PAGED_POOL, out));
    FltContext c = Objects.requireNonNull(out.get());
    Flt.releaseContext(c);
    assertEquals(1, rec.cleanupsOf(c));
    assertEquals(FltContext.State.FREED, c.state());
    assertEquals(List.of(), rec.problems);
  }
}
