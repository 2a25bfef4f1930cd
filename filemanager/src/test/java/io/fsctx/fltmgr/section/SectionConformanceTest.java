package io.fsctx.fltmgr.section;

import static io.fsctx.nt.NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED;
import static io.fsctx.nt.NtStatus.STATUS_INVALID_PARAMETER;
import static io.fsctx.nt.NtStatus.STATUS_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_NOT_SUPPORTED;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.ContextCleanupCallback;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.Flt;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltContextType;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.FltRegistration;
import io.fsctx.fltmgr.FltRelatedContexts;
import io.fsctx.fltmgr.FltRelatedObjects;
import io.fsctx.fltmgr.FltSection;
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.fltmgr.WindowsVersion;
import io.fsctx.fltmgr.testing.FilterHarness;
import io.fsctx.io.FileObject;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.nt.PoolType;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Section contexts and data scans (issue 13; fltmgr.md 4 "Section", assertions 68, 107–110). */
class SectionConformanceTest {
  static final int SEC_COMMIT = 0x8000000;
  static final int TAG = FltContextRegistration.tag("SecT");

  private final List<String> cleanups = new CopyOnWriteArrayList<>();
  private final List<String> conflicts = new CopyOnWriteArrayList<>();
  private FilterHarness h;

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
      h.assertNoProblems();
    }
  }

  private FltRegistration registration(boolean closeOnConflict) {
    ContextCleanupCallback cleanup = (c, t) -> cleanups.add(c.id());
    return FltRegistration.builder()
        .contextRegistration(FltContextRegistration.of(FltContextType.SECTION, 0, cleanup, 16, TAG, null))
        .instanceSetupCallback((o, flags, deviceType, fsType) -> Flt.registerForDataScan(o.instance()))
        .sectionNotificationCallback((instance, ctx, data) -> {
          conflicts.add(ctx.id() + " " + data.iopb().majorFunction());
          if (closeOnConflict) {
            Flt.closeSectionForDataScan(ctx);
          }
          return STATUS_SUCCESS;
        })
        .build();
  }

  private FileObject start(boolean closeOnConflict) {
    h = FilterHarness.on(new NtfsLikeFileSystem());
    h.start("SectionProbe", "370000", registration(closeOnConflict));
    return h.open("\\a.txt");
  }

  private FltContext alloc() {
    Out<FltContext> out = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.allocateContext(h.filter(), FltContextType.SECTION.code(), 16, PoolType.PAGED_POOL, out));
    return out.get();
  }

  static NtStatus create(FltInstance i, FileObject fo, FltContext ctx, Out<FltSection> section) {
    return Flt.createSectionForDataScan(i, fo, ctx, 0x4 /* SECTION_MAP_READ */, null, null, 0x02 /* PAGE_READONLY */,
        SEC_COMMIT, 0, section, new Out<>(), null);
  }

  @Test
  @DisplayName("fltmgr.md 10.109: FltGetSectionContext is NOT_FOUND before any section and the context (+1) after")
  void getSectionContext_beforeAndAfterCreate_notFoundThenPlusOne() {
    FileObject fo = start(false);
    Out<FltContext> got = new Out<>();
    assertEquals(STATUS_NOT_FOUND, Flt.getSectionContext(h.instance(), fo, got));
    assertNull(got.get());
    FltContext ctx = alloc();
    Out<FltSection> section = new Out<>();
    assertEquals(STATUS_SUCCESS, create(h.instance(), fo, ctx, section));
    assertNotNull(section.get());
    assertEquals(2, ctx.referenceCount(), "the caller's and the attachment's");
    assertEquals(STATUS_SUCCESS, Flt.getSectionContext(h.instance(), fo, got));
    assertSame(ctx, got.get());
    assertEquals(3, ctx.referenceCount());
    Flt.releaseContext(got.get());
    assertEquals(STATUS_SUCCESS, Flt.closeSectionForDataScan(ctx));
    assertTrue(section.get().isClosed());
    Flt.releaseContext(ctx);
    assertEquals(List.of(ctx.id()), cleanups);
    h.close(fo);
  }

  @Test
  @DisplayName("fltmgr.md 10.107: a second section of the instance on the same stream is FLT_CONTEXT_ALREADY_DEFINED; its context stays unattached")
  void createSection_secondOnSameStream_alreadyDefined() {
    FileObject fo = start(false);
    FileObject second = h.open("\\a.txt");
    FltContext first = alloc();
    FltContext other = alloc();
    Out<FltSection> s1 = new Out<>();
    Out<FltSection> s2 = new Out<>();
    assertEquals(STATUS_SUCCESS, create(h.instance(), fo, first, s1));
    assertEquals(STATUS_FLT_CONTEXT_ALREADY_DEFINED, create(h.instance(), second, other, s2), "same stream, other handle");
    assertNull(s2.get());
    assertEquals(FltContext.State.ALLOCATED, other.state());
    assertEquals(1, other.referenceCount());
    Flt.releaseContext(other);
    assertEquals(FltContext.State.FREED, other.state());
    Flt.closeSectionForDataScan(first);
    Flt.releaseContext(first);
    h.close(second);
    h.close(fo);
  }

  @Test
  @DisplayName("fltmgr.md 10.108: FltCloseSectionForDataScan on a context never passed to create is INVALID_PARAMETER; on a closed one NOT_FOUND")
  void closeSection_neverCreatedAndTwice_invalidThenNotFound() {
    FileObject fo = start(false);
    FltContext never = alloc();
    assertEquals(STATUS_INVALID_PARAMETER, Flt.closeSectionForDataScan(never));
    FltContext ctx = alloc();
    assertEquals(STATUS_SUCCESS, create(h.instance(), fo, ctx, new Out<>()));
    assertEquals(STATUS_SUCCESS, Flt.closeSectionForDataScan(ctx));
    assertEquals(STATUS_NOT_FOUND, Flt.closeSectionForDataScan(ctx));
    assertEquals(1, ctx.referenceCount(), "the close dropped the attachment's reference only");
    Out<FltContext> got = new Out<>();
    assertEquals(STATUS_NOT_FOUND, Flt.getSectionContext(h.instance(), fo, got));
    Flt.releaseContext(ctx);
    Flt.releaseContext(never);
    h.close(fo);
  }

  @Test
  @DisplayName("fltmgr.md 10.110: a section context never used in a create is freed by FltReleaseContext alone, cleanup included")
  void releaseContext_sectionNeverCreated_freed() {
    FileObject fo = start(false);
    FltContext ctx = alloc();
    Flt.releaseContext(ctx);
    assertEquals(FltContext.State.FREED, ctx.state());
    assertEquals(List.of(ctx.id()), cleanups);
    h.close(fo);
  }

  @Test
  @DisplayName("fltmgr.md 10.68: FltGetContextsEx fills SectionContext (+1); FltReleaseContextsEx gives it back; an invalid bit is INVALID_PARAMETER")
  void getContextsEx_section_filledAndReleased() {
    FileObject fo = start(false);
    FltContext ctx = alloc();
    create(h.instance(), fo, ctx, new Out<>());
    FltRelatedObjects objects = new FltRelatedObjects(h.filter(), h.fltVolume(), h.instance(), fo, null);
    FltRelatedContexts rc = new FltRelatedContexts();
    assertEquals(STATUS_SUCCESS,
        Flt.getContextsEx(objects, FltContextType.SECTION.code(), FltRelatedContexts.SIZEOF_FLT_RELATED_CONTEXTS_EX, rc));
    assertSame(ctx, rc.sectionContext);
    assertEquals(3, ctx.referenceCount());
    Flt.releaseContextsEx(FltRelatedContexts.SIZEOF_FLT_RELATED_CONTEXTS_EX, rc);
    assertNull(rc.sectionContext);
    assertEquals(2, ctx.referenceCount());
    assertEquals(STATUS_INVALID_PARAMETER,
        Flt.getContextsEx(objects, 0x0100, FltRelatedContexts.SIZEOF_FLT_RELATED_CONTEXTS_EX, rc));
    Flt.closeSectionForDataScan(ctx);
    Flt.releaseContext(ctx);
    h.close(fo);
  }

  @Test
  @DisplayName("fltmgr.md 4 Section: FltDeleteContext on a section context is a verifier finding and leaves the section open")
  void deleteContext_sectionContext_reportedAndIgnored() {
    FileObject fo = start(false);
    FltContext ctx = alloc();
    create(h.instance(), fo, ctx, new Out<>());
    Flt.deleteContext(ctx);
    List<VerifierFinding> f = h.manager().verifierFindings();
    assertEquals(1, f.size(), f::toString);
    assertEquals(VerifierFinding.Kind.SECTION_CONTEXT_DELETED, f.get(0).kind());
    assertEquals(FltContext.State.ATTACHED, ctx.state());
    assertEquals(STATUS_SUCCESS, Flt.closeSectionForDataScan(ctx));
    Flt.releaseContext(ctx);
    h.close(fo);
    h.manager().clearVerifierFindings();
  }

  @Test
  @DisplayName("issue 13: create before FltRegisterForDataScan is NOT_SUPPORTED; before Windows 8 the registration itself is")
  void createSection_notRegistered_notSupported() {
    h = FilterHarness.on(new NtfsLikeFileSystem());
    h.start("NoScan", "370000", FltRegistration.builder()
        .contextRegistration(FltContextRegistration.of(FltContextType.SECTION, 0, null, 16, TAG, null)).build());
    FileObject fo = h.open("\\a.txt");
    FltContext ctx = alloc();
    assertEquals(STATUS_NOT_SUPPORTED, create(h.instance(), fo, ctx, new Out<>()));
    Flt.releaseContext(ctx);
    h.close(fo);

    FilterManager win7 = new FilterManager(FilterHarness.testConfig().toBuilder().windowsVersion(WindowsVersion.WIN7).build());
    try (FilterHarness old = FilterHarness.on(win7, new NtfsLikeFileSystem())) {
      old.start("Win7", "370000", FltRegistration.builder().build());
      assertEquals(STATUS_NOT_SUPPORTED, Flt.registerForDataScan(old.instance()));
    }
  }

  @Test
  @DisplayName("issue 13: a write to a stream with an open section notifies the filter first; its callback may close the section")
  void write_withOpenSection_notifiesAndCallbackCloses() {
    FileObject fo = start(true);
    FltContext ctx = alloc();
    Out<FltSection> section = new Out<>();
    create(h.instance(), fo, ctx, section);
    h.read(fo, 0, 10);
    assertEquals(List.of(), conflicts, "a read does not conflict");
    assertTrue(h.write(fo, 0, 10).isSuccess());
    assertEquals(1, conflicts.size());
    assertTrue(section.get().isClosed());
    assertEquals(STATUS_NOT_FOUND, Flt.closeSectionForDataScan(ctx));
    h.write(fo, 0, 10);
    assertEquals(1, conflicts.size(), "no section, no notification");
    Flt.releaseContext(ctx);
    h.close(fo);
  }

  @Test
  @DisplayName("issue 13: the section references its file object: closing the handle sends no IRP_MJ_CLOSE until the section is closed")
  void section_holdsFileObject_untilClosed() {
    FileObject fo = start(false);
    FltContext ctx = alloc();
    create(h.instance(), fo, ctx, new Out<>());
    assertEquals(2, fo.pointerCount());
    h.close(fo);
    assertFalse(fo.isCloseCompleted());
    Flt.closeSectionForDataScan(ctx);
    assertTrue(fo.isCloseCompleted());
    Flt.releaseContext(ctx);
  }

  @Test
  @DisplayName("issue 13: instance teardown closes the sections still open, frees their contexts and drops the file-object references")
  void unload_sectionOpen_closedByTeardown() {
    FileObject fo = start(false);
    FltContext ctx = alloc();
    Out<FltSection> section = new Out<>();
    create(h.instance(), fo, ctx, section);
    Flt.releaseContext(ctx); // the attachment's reference is the last
    h.close(fo);
    assertTrue(h.unload().clean());
    assertTrue(section.get().isClosed());
    assertEquals(FltContext.State.FREED, ctx.state());
    assertTrue(fo.isCloseCompleted());
  }
}
