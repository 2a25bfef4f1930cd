package io.fsctx.fsrtl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fsctx.nt.NtStatus;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Contexts initialised with one shared {@link FsRtlContext.Ids} record (as Filter Manager's control
 * blocks are) behave as contexts initialised field by field: same matching, same free callback,
 * each context freed once (issue 14).
 */
class SharedIdsTest {
  private final Ptr owner = new Ptr("Volume");
  private final Ptr other = new Ptr("OtherVolume");

  @Test
  @DisplayName("per-stream contexts sharing ids: found by their owner on each stream, each freed once at its teardown")
  void perStream_sharedIds_matchAndFreeEachContext() {
    AtomicInteger frees = new AtomicInteger();
    FsRtlContext.Ids<PerStreamContext> ids = new FsRtlContext.Ids<>(owner, null, c -> frees.incrementAndGet());
    AdvancedFcbHeader a = new AdvancedFcbHeader("Scb#1");
    AdvancedFcbHeader b = new AdvancedFcbHeader("Scb#2");
    FsRtl.setupAdvancedHeader(a, new FastMutex());
    FsRtl.setupAdvancedHeader(b, new FastMutex());
    PerStreamContext ca = new PerStreamContext();
    ca.init(ids);
    PerStreamContext cb = new PerStreamContext();
    cb.init(ids);
    assertSame(ids, ca.ids());
    assertSame(ca.ids(), cb.ids());
    assertSame(owner, ca.ownerId());
    assertNull(ca.instanceId());

    assertEquals(NtStatus.STATUS_SUCCESS, a.insertPerStreamContext(ca));
    assertEquals(NtStatus.STATUS_SUCCESS, b.insertPerStreamContext(cb));
    assertSame(ca, a.lookupPerStreamContext(owner, null));
    assertSame(cb, b.lookupPerStreamContext(owner, null));
    assertNull(a.lookupPerStreamContext(other, null));
    assertNull(a.lookupPerStreamContext(owner, new Ptr("SomeInstance")), "the shared instance is null");

    a.teardownPerStreamContexts();
    assertEquals(1, frees.get());
    b.teardownPerStreamContexts();
    assertEquals(2, frees.get());
  }

  @Test
  @DisplayName("per-file contexts sharing ids: found on each file's slot, each freed once")
  void perFile_sharedIds_matchAndFreeEachContext() {
    AtomicInteger frees = new AtomicInteger();
    FsRtlContext.Ids<PerFileContext> ids = new FsRtlContext.Ids<>(owner, null, c -> frees.incrementAndGet());
    PerFileContextSlot s1 = new PerFileContextSlot("Fcb#1");
    PerFileContextSlot s2 = new PerFileContextSlot("Fcb#2");
    PerFileContext c1 = new PerFileContext();
    c1.init(ids);
    PerFileContext c2 = new PerFileContext();
    c2.init(ids);
    assertEquals(NtStatus.STATUS_SUCCESS, s1.insert(c1));
    assertEquals(NtStatus.STATUS_SUCCESS, s2.insert(c2));
    assertSame(c1, s1.lookup(owner, null));
    assertSame(c2, s2.lookup(owner, null));
    assertSame(ids.freeCallback(), c1.freeCallback());
    s1.teardown();
    s2.teardown();
    assertEquals(2, frees.get());
  }

  @Test
  @DisplayName("ids without an owner, or shared ids without a free callback, are refused as FsRtlInit*Context refuses them")
  void ids_missingOwnerOrCallback_refused() {
    assertThrows(IllegalArgumentException.class, () -> new FsRtlContext.Ids<PerStreamContext>(null, null, c -> {}));
    FsRtlContext.Ids<PerStreamContext> noCallback = new FsRtlContext.Ids<>(owner, null, null);
    assertThrows(IllegalArgumentException.class, () -> new PerStreamContext().init(noCallback));
    FsRtlContext.Ids<PerFileContext> noFileCallback = new FsRtlContext.Ids<>(owner, null, null);
    assertThrows(IllegalArgumentException.class, () -> new PerFileContext().init(noFileCallback));
  }
}
