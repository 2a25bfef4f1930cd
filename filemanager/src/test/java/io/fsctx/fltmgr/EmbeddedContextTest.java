package io.fsctx.fltmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.FastMutex;
import io.fsctx.fsrtl.FsRtl;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.PoolType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A filter's context class that extends {@link FltContext} ({@link
 * FltContextRegistration#embedded}): the context is the filter's object, as the structure {@code
 * FltAllocateContext} returns is in C, and it behaves as a context with a separate payload does.
 */
class EmbeddedContextTest {
  private static final int TAG = FltContextRegistration.tag("Embd");

  /** A filter's stream context: Filter Manager's part, then the filter's fields. */
  static final class CountingContext extends FltContext {
    int opens;

    CountingContext(FltContext.Allocation allocation) {
      super(allocation);
    }
  }

  private final List<FltContext> cleaned = new ArrayList<>();

  private FltFilter filter(FilterManager mgr, FltContext.Factory factory) {
    FltRegistration reg =
        FltRegistration.builder()
            .contextRegistration(
                FltContextRegistration.embedded(
                    FltContextType.STREAM, 0, (c, t) -> cleaned.add(c), 16, TAG, factory),
                FltContextRegistration.END)
            .build();
    FltFilter f = Objects.requireNonNull(mgr.registerFilter(DriverObject.of("Embd", "370000"), reg).filter());
    mgr.mountBareVolume("\\Device\\HarddiskVolume1", "NTFS", true);
    assertEquals(NtStatus.STATUS_SUCCESS, f.startFiltering());
    return f;
  }

  @Test
  void embedded_contextIsTheFiltersObject_itsOwnPayload_andLivesAsAnyContext() {
    FilterManager mgr = new FilterManager(FltConfig.builder().verifierLevel(VerifierLevel.TRACKING).build());
    FltFilter filter = filter(mgr, CountingContext::new);
    FltInstance instance = mgr.volumes().get(0).instances().get(0);
    AdvancedFcbHeader h = new AdvancedFcbHeader("Scb#1");
    FsRtl.setupAdvancedHeader(h, new FastMutex());
    FileObject fo = new FileObject("FileObject#1", "\\f");
    fo.setFsContext(h);

    FltContext c = Objects.requireNonNull(
        filter.allocateContext(FltContextType.STREAM.code(), 16, PoolType.PAGED_POOL).context());
    CountingContext mine = c.payload(CountingContext.class);
    assertSame(c, mine);
    assertSame(c, c.payload());
    assertEquals(16, c.size());
    assertEquals(FltContextType.STREAM, c.type());
    assertEquals(1, c.referenceCount());
    assertTrue(c.describe().contains("CountingContext"), c.describe());
    mine.opens = 3;

    try (ContextLease alloc = ContextLease.adopt(c);
        SetResult set = instance.setStreamContext(fo, SetContextOperation.KEEP_IF_EXISTS, c)) {
      assertEquals(SetResult.Outcome.ATTACHED, set.outcome());
    }
    try (GetResult got = instance.getStreamContext(fo)) {
      assertSame(mine, got.require().context().payload(CountingContext.class));
      assertEquals(3, got.require().context().payload(CountingContext.class).opens);
    }
    assertEquals(List.of(c), mgr.liveContexts());
    FsRtl.teardownPerStreamContexts(h);
    assertEquals(List.of(c), cleaned, "the cleanup callback gets the filter's object, once");
    assertEquals(FltContext.State.FREED, c.state());
    assertTrue(mgr.liveContexts().isEmpty());
    assertThrows(ClassCastException.class, () -> c.payload(String.class));
  }

  @Test
  void embedded_equalityIsIdentity() {
    FilterManager mgr = new FilterManager(FltConfig.builder().build());
    FltFilter filter = filter(mgr, CountingContext::new);
    FltContext a = Objects.requireNonNull(
        filter.allocateContext(FltContextType.STREAM.code(), 16, PoolType.PAGED_POOL).context());
    FltContext b = Objects.requireNonNull(
        filter.allocateContext(FltContextType.STREAM.code(), 16, PoolType.PAGED_POOL).context());
    assertEquals(a, a);
    assertNotEquals(a, b);
    assertEquals(System.identityHashCode(a), a.hashCode());
    Flt.releaseContext(a);
    Flt.releaseContext(b);
  }

  @Test
  void factory_mustReturnTheContextBuiltFromItsAllocation() {
    FilterManager mgr = new FilterManager(FltConfig.builder().build());
    AtomicReference<FltContext.Allocation> kept = new AtomicReference<>();
    FltFilter nulls = filter(mgr, a -> null);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> nulls.allocateContext(FltContextType.STREAM.code(), 16, PoolType.PAGED_POOL));
    assertTrue(e.getMessage().contains("returned null"), e.getMessage());

    FilterManager mgr2 = new FilterManager(FltConfig.builder().build());
    FltFilter twice = filter(mgr2, a -> {
      kept.set(a);
      return new CountingContext(a);
    });
    FltContext first = Objects.requireNonNull(
        twice.allocateContext(FltContextType.STREAM.code(), 16, PoolType.PAGED_POOL).context());
    IllegalStateException reuse = assertThrows(IllegalStateException.class, () -> new CountingContext(kept.get()));
    assertTrue(reuse.getMessage().contains("already built " + first.id()), reuse.getMessage());

    FilterManager mgr3 = new FilterManager(FltConfig.builder().build());
    FltFilter other = filter(mgr3, a -> {
      new CountingContext(a); // builds the right one, then hands back another
      return first;
    });
    IllegalStateException wrong = assertThrows(IllegalStateException.class,
        () -> other.allocateContext(FltContextType.STREAM.code(), 16, PoolType.PAGED_POOL));
    assertTrue(wrong.getMessage().contains("returned " + first.id() + ", not the context built from"),
        wrong.getMessage());
    Flt.releaseContext(first);
  }
}
