package io.fsctx.fltmgr;

import io.fsctx.nt.PoolType;
import static io.fsctx.fltmgr.FltTestSupport.SIZE;
import static io.fsctx.fltmgr.FltTestSupport.TAG;
import static io.fsctx.nt.NtStatus.STATUS_FLT_CONTEXT_ALLOCATION_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_FLT_INVALID_CONTEXT_REGISTRATION;
import static io.fsctx.nt.NtStatus.STATUS_INVALID_PARAMETER;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.fsctx.fltmgr.FltConfig.PoolTagPolicy;
import io.fsctx.fltmgr.testing.NoLiveContextsExtension;
import io.fsctx.fltmgr.testing.NoLiveContextsExtension.TrackedManagers;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** fltmgr.md 10.1–10.20: constants and registration. */
@ExtendWith(NoLiveContextsExtension.class)
class RegistrationConformanceTest {
  private TrackedManagers managers;
  private FilterManager mgr;

  @BeforeEach
  void setUp(TrackedManagers tracked) {
    managers = tracked;
    mgr = tracked.create(FltTestSupport.quickUnload().build());
  }

  private static FltContextRegistration fixed(FltContextType t, long size) {
    return FltContextRegistration.of(t, 0, null, size, TAG, null);
  }

  private NtStatus register(FilterManager m, FltRegistration reg) {
    Out<FltFilter> out = new Out<>();
    NtStatus st = Flt.registerFilter(m, DriverObject.of("Reg", null), reg, out);
    if (st.isSuccess()) {
      assertNotNull(out.get());
      Flt.unregisterFilter(out.get());
    } else {
      assertNull(out.get(), "RetFilter is NULL on failure");
    }
    return st;
  }

  private NtStatus registerContexts(FilterManager m, FltContextRegistration... regs) {
    return register(m, FltRegistration.builder().contextRegistration(regs).build());
  }

  @Test
  @DisplayName("fltmgr.md 10.1: context type values, FLT_CONTEXT_END and FLT_ALL_CONTEXTS per header generation")
  void contextTypeConstants_matchFltKernelH() {
    assertEquals(
        List.of(0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40),
        java.util.Arrays.stream(FltContextType.values()).map(FltContextType::code).collect(Collectors.toList()));
    assertEquals(0xFFFF, FltContextType.FLT_CONTEXT_END);
    assertEquals(0x7F, FltContextType.allContexts(WindowsVersion.WIN8));
    assertEquals(0x3F, FltContextType.allContexts(WindowsVersion.WIN7));
  }

  @Test
  @DisplayName("fltmgr.md 10.2: REPLACE_IF_EXISTS 0, KEEP_IF_EXISTS 1, NO_EXACT_SIZE_MATCH 1, variable marker all ones")
  void setOperationAndRegistrationConstants_matchFltKernelH() {
    assertEquals(0, SetContextOperation.REPLACE_IF_EXISTS.code());
    assertEquals(1, SetContextOperation.KEEP_IF_EXISTS.code());
    assertEquals(1, FltContextRegistration.FLTFL_CONTEXT_REGISTRATION_NO_EXACT_SIZE_MATCH);
    assertEquals(-1L, FltContextRegistration.FLT_VARIABLE_SIZED_CONTEXTS);
    assertEquals(0xFFFF_FFFF_FFFF_FFFFL, FltContextRegistration.FLT_VARIABLE_SIZED_CONTEXTS);
  }

  @Test
  @DisplayName("fltmgr.md 10.3: the FLT context statuses carry their ntstatus.h values")
  void fltStatuses_matchNtstatusH() {
    assertEquals(0xC01C0002, NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED.code());
    assertEquals(0xC01C000B, NtStatus.STATUS_FLT_DELETING_OBJECT.code());
    assertEquals(0xC01C000C, NtStatus.STATUS_FLT_MUST_BE_NONPAGED_POOL.code());
    assertEquals(0xC01C0016, NtStatus.STATUS_FLT_CONTEXT_ALLOCATION_NOT_FOUND.code());
    assertEquals(0xC01C0017, NtStatus.STATUS_FLT_INVALID_CONTEXT_REGISTRATION.code());
    assertEquals(0xC01C001B, NtStatus.STATUS_FLT_ALREADY_ENLISTED.code());
    assertEquals(0xC01C001C, NtStatus.STATUS_FLT_CONTEXT_ALREADY_LINKED.code());
  }

  @ParameterizedTest(name = "Version 0x{0}")
  @ValueSource(ints = {0x0100, 0x0300, 0x0000, 0x0102})
  @DisplayName("fltmgr.md 10.4, 10.5: a Version whose major byte is not 0x02 is STATUS_INVALID_PARAMETER")
  void registerFilter_wrongMajorVersion_invalidParameter(int version) {
    assertEquals(STATUS_INVALID_PARAMETER, register(mgr, FltRegistration.builder().version(version).build()));
  }

  @ParameterizedTest(name = "Version 0x{0}")
  @ValueSource(ints = {0x0200, 0x0201, 0x0202, 0x0203, 0x02FF})
  @DisplayName("fltmgr.md 10.6: any Version with major byte 0x02 registers (the minor byte may differ)")
  void registerFilter_majorVersionTwo_succeeds(int version) {
    assertEquals(STATUS_SUCCESS, register(mgr, FltRegistration.builder().version(version).build()));
  }

  @ParameterizedTest(name = "Size {0}")
  @ValueSource(ints = {0, 0xFFFF, 1})
  @DisplayName("fltmgr.md 10.7: Size is ignored (policy), so 0 and 0xFFFF register")
  void registerFilter_anySize_succeeds(int size) {
    assertEquals(STATUS_SUCCESS, register(mgr, FltRegistration.builder().size(size).build()));
  }

  @Test
  @DisplayName("fltmgr.md 10.8: registering the same driver twice while the first lives is ALTITUDE_COLLISION")
  void registerFilter_sameDriverTwice_altitudeCollision() {
    DriverObject d = DriverObject.of("Twice", null);
    Out<FltFilter> first = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.registerFilter(mgr, d, FltRegistration.builder().build(), first));
    Out<FltFilter> second = new Out<>();
    assertEquals(
        NtStatus.STATUS_FLT_INSTANCE_ALTITUDE_COLLISION,
        Flt.registerFilter(mgr, d, FltRegistration.builder().build(), second));
    assertNull(second.get());
    Flt.unregisterFilter(java.util.Objects.requireNonNull(first.get()));
    // Once the first is gone the driver may register again.
    assertEquals(STATUS_SUCCESS, register(mgr, FltRegistration.builder().build()));
  }

  @ParameterizedTest
  @EnumSource(FltContextType.class)
  @DisplayName("fltmgr.md 10.9: with ContextRegistration NULL every allocation is ALLOCATION_NOT_FOUND")
  void allocateContext_noContextRegistration_allocationNotFound(FltContextType type) {
    Out<FltFilter> f = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.registerFilter(mgr, DriverObject.of("None", null), FltRegistration.builder().build(), f));
    Out<FltContext> c = new Out<>();
    assertEquals(
        STATUS_FLT_CONTEXT_ALLOCATION_NOT_FOUND,
        Flt.allocateContext(f.get(), type.code(), SIZE, PoolType.NON_PAGED_POOL, c));
    assertNull(c.get());
    Flt.unregisterFilter(f.get());
  }

  @Test
  @DisplayName("fltmgr.md 10.10: an allocate-routine entry must be alone for its type; without a free routine it is refused (policy)")
  void registerFilter_allocateRoutineNotAlone_invalidContextRegistration() {
    FltContextRegistration routines =
        new FltContextRegistration(
            FltContextType.STREAM.code(), 0, null, 0, 0, (p, s, t) -> new Object(), (b, t) -> {}, null, null);
    assertEquals(STATUS_SUCCESS, registerContexts(mgr, routines, FltContextRegistration.END));
    assertEquals(
        STATUS_FLT_INVALID_CONTEXT_REGISTRATION,
        registerContexts(mgr, routines, fixed(FltContextType.STREAM, 16), FltContextRegistration.END));
    FltContextRegistration noFree =
        new FltContextRegistration(
            FltContextType.STREAM.code(), 0, null, 0, 0, (p, s, t) -> new Object(), null, null, null);
    assertEquals(STATUS_FLT_INVALID_CONTEXT_REGISTRATION, registerContexts(mgr, noFree, FltContextRegistration.END));
  }

  @Test
  @DisplayName("fltmgr.md 10.11: two FLT_VARIABLE_SIZED_CONTEXTS entries for one type fail registration")
  void registerFilter_twoVariableEntries_invalidContextRegistration() {
    assertEquals(
        STATUS_FLT_INVALID_CONTEXT_REGISTRATION,
        registerContexts(
            mgr,
            fixed(FltContextType.STREAM, FltContextRegistration.FLT_VARIABLE_SIZED_CONTEXTS),
            FltContextRegistration.of(FltContextType.STREAM, 0, null, FltContextRegistration.FLT_VARIABLE_SIZED_CONTEXTS, FltContextRegistration.tag("Othr"), null),
            FltContextRegistration.END));
  }

  @Test
  @DisplayName("fltmgr.md 10.12: three fixed sizes per type register, four fail")
  void registerFilter_fourFixedSizes_invalidContextRegistration() {
    FltContextType t = FltContextType.STREAMHANDLE;
    assertEquals(STATUS_SUCCESS, registerContexts(mgr, fixed(t, 8), fixed(t, 16), fixed(t, 24), FltContextRegistration.END));
    assertEquals(
        STATUS_FLT_INVALID_CONTEXT_REGISTRATION,
        registerContexts(mgr, fixed(t, 8), fixed(t, 16), fixed(t, 24), fixed(t, 32), FltContextRegistration.END));
    // Three fixed sizes plus the variable entry is still legal.
    assertEquals(
        STATUS_SUCCESS,
        registerContexts(
            mgr, fixed(t, 8), fixed(t, 16), fixed(t, 24),
            fixed(t, FltContextRegistration.FLT_VARIABLE_SIZED_CONTEXTS), FltContextRegistration.END));
  }

  @Test
  @DisplayName("fltmgr.md 10.13: byte-identical duplicate entries register and act as one definition")
  void registerFilter_identicalDuplicates_behaveAsOne() {
    FltContextRegistration e = fixed(FltContextType.STREAM, 16);
    Out<FltFilter> f = new Out<>();
    assertEquals(
        STATUS_SUCCESS,
        Flt.registerFilter(mgr, DriverObject.of("Dup", null), FltRegistration.builder().contextRegistration(e, e, FltContextRegistration.END).build(), f));
    FltFilter filter = java.util.Objects.requireNonNull(f.get());
    assertEquals(1, filter.lookasideStats().size());
    Out<FltContext> c = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.allocateContext(filter, FltContextType.STREAM.code(), 16, PoolType.PAGED_POOL, c));
    Flt.releaseContext(c.get());
    Flt.unregisterFilter(filter);
  }

  @ParameterizedTest(name = "Size {0}")
  @ValueSource(longs = {0x10000, 0x7FFF_FFFFL, -2})
  @DisplayName("fltmgr.md 10.14: a fixed Size above 0xFFFF (not the variable marker) fails registration")
  void registerFilter_fixedSizeTooLarge_invalidContextRegistration(long size) {
    assertEquals(STATUS_FLT_INVALID_CONTEXT_REGISTRATION, registerContexts(mgr, fixed(FltContextType.STREAM, size), FltContextRegistration.END));
  }

  @ParameterizedTest(name = "ContextType 0x{0}")
  @ValueSource(ints = {0x0080, 0x0003, 0x0000, 0x0100})
  @DisplayName("fltmgr.md 10.15: an unknown ContextType fails registration instead of being ignored")
  void registerFilter_unknownContextType_invalidContextRegistration(int type) {
    FltContextRegistration e = new FltContextRegistration(type, 0, null, 16, TAG, null, null, null, null);
    assertEquals(STATUS_FLT_INVALID_CONTEXT_REGISTRATION, registerContexts(mgr, e, FltContextRegistration.END));
  }

  @Test
  @DisplayName("fltmgr.md 10.16: a non-NULL Reserved1 fails registration")
  void registerFilter_reserved1Set_invalidContextRegistration() {
    FltContextRegistration e =
        new FltContextRegistration(FltContextType.STREAM.code(), 0, null, 16, TAG, null, null, new Object(), null);
    assertEquals(STATUS_FLT_INVALID_CONTEXT_REGISTRATION, registerContexts(mgr, e, FltContextRegistration.END));
  }

  @Test
  @DisplayName("fltmgr.md 10.17: PoolTag 0 without allocate routine is refused in DDI_STRICT and gets a type default tag in HEADER_DEFAULT_TAG")
  void registerFilter_zeroPoolTag_dependsOnPolicy() {
    FltContextRegistration e = FltContextRegistration.of(FltContextType.STREAM, 0, null, 16, 0, null);
    assertEquals(PoolTagPolicy.DDI_STRICT, FltConfig.defaults().poolTagPolicy());
    assertEquals(STATUS_FLT_INVALID_CONTEXT_REGISTRATION, registerContexts(mgr, e, FltContextRegistration.END));

    FilterManager lenient =
        managers.create(FltTestSupport.quickUnload().poolTagPolicy(PoolTagPolicy.HEADER_DEFAULT_TAG).build());
    Out<FltFilter> f = new Out<>();
    assertEquals(
        STATUS_SUCCESS,
        Flt.registerFilter(lenient, DriverObject.of("Tagless", null), FltRegistration.builder().contextRegistration(e, FltContextRegistration.END).build(), f));
    Out<FltContext> c = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.allocateContext(f.get(), FltContextType.STREAM.code(), 16, PoolType.PAGED_POOL, c));
    FltContext ctx = java.util.Objects.requireNonNull(c.get());
    assertEquals("FMcS", FltContextRegistration.tagToString(ctx.poolTag()));
    Flt.releaseContext(ctx);
    Flt.unregisterFilter(f.get());
  }

  @Test
  @DisplayName("fltmgr.md 10.18: a fixed Size 0 definition registers")
  void registerFilter_fixedSizeZero_succeeds() {
    assertEquals(STATUS_SUCCESS, registerContexts(mgr, fixed(FltContextType.INSTANCE, 0), FltContextRegistration.END));
  }

  @Test
  @DisplayName("fltmgr.md 10.19: FLT_SECTION_CONTEXT is refused before Windows 8 (registration and allocation) and accepted from Windows 8")
  void sectionContext_dependsOnWindowsVersion() {
    FilterManager win7 = managers.create(FltTestSupport.quickUnload().windowsVersion(WindowsVersion.WIN7).build());
    assertEquals(
        STATUS_FLT_INVALID_CONTEXT_REGISTRATION,
        registerContexts(win7, fixed(FltContextType.SECTION, 16), FltContextRegistration.END));
    Out<FltFilter> old = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.registerFilter(win7, DriverObject.of("Old", null), FltRegistration.builder().contextRegistration(fixed(FltContextType.STREAM, 16), FltContextRegistration.END).build(), old));
    Out<FltContext> none = new Out<>();
    assertEquals(STATUS_INVALID_PARAMETER, Flt.allocateContext(old.get(), FltContextType.SECTION.code(), 16, PoolType.PAGED_POOL, none));
    assertNull(none.get());
    Flt.unregisterFilter(old.get());

    for (WindowsVersion v : List.of(WindowsVersion.WIN8, WindowsVersion.WIN11)) {
      FilterManager m = managers.create(FltTestSupport.quickUnload().windowsVersion(v).build());
      Out<FltFilter> f = new Out<>();
      assertEquals(STATUS_SUCCESS, Flt.registerFilter(m, DriverObject.of("Scan", null), FltRegistration.builder().contextRegistration(fixed(FltContextType.SECTION, 16), FltContextRegistration.END).build(), f));
      Out<FltContext> c = new Out<>();
      assertEquals(STATUS_SUCCESS, Flt.allocateContext(f.get(), FltContextType.SECTION.code(), 16, PoolType.NON_PAGED_POOL, c));
      FltContext ctx = java.util.Objects.requireNonNull(c.get());
      assertSame(FltContextType.SECTION, ctx.type());
      // Out of scope in this model: attaching it (FltCreateSectionForDataScan); releasing frees it.
      Flt.releaseContext(ctx);
      assertEquals(FltContext.State.FREED, ctx.state());
      Flt.unregisterFilter(f.get());
    }
  }

  @ParameterizedTest
  @EnumSource(value = FltContextType.class, names = {"FILE", "TRANSACTION"})
  @DisplayName("fltmgr.md 10.20: file and transaction contexts are refused before Vista and accepted from Vista")
  void vistaContextTypes_dependOnWindowsVersion(FltContextType type) {
    FilterManager xp = managers.create(FltTestSupport.quickUnload().windowsVersion(WindowsVersion.XP_SP2).build());
    assertEquals(STATUS_FLT_INVALID_CONTEXT_REGISTRATION, registerContexts(xp, fixed(type, 16), FltContextRegistration.END));
    FilterManager vista = managers.create(FltTestSupport.quickUnload().windowsVersion(WindowsVersion.VISTA).build());
    assertEquals(STATUS_SUCCESS, registerContexts(vista, fixed(type, 16), FltContextRegistration.END));
  }
}
