package io.fsctx.fltmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.fsctx.fltmgr.FltTestSupport.Fx;
import io.fsctx.fltmgr.FltTestSupport.Kind;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.PoolType;
import org.junit.jupiter.api.Test;

/**
 * A context keeps its number and its state in one int, and its definition, size and pool in a
 * shape shared by the contexts allocated alike: the number survives every state change, and the
 * documented wrap is at 2^28 allocations.
 */
class ContextNumberAndShapeTest {

  @Test
  void numberSurvivesEveryStateChange_andWrapsAtTwoToTheTwentyEight() {
    FilterManager mgr = new FilterManager(FltConfig.builder().verifierLevel(VerifierLevel.COUNTING).build());
    try (Fx fx = new Fx(mgr)) {
      ContextDefinition d = fx.alloc(FltContextType.STREAM).definition();
      for (long n : new long[] {1, (1L << 28) - 1, 1L << 28, 0x8000_0000L + 5}) {
        FltContext c = new FltContext.Boxed(
            new FltContext.Allocation(n, d, FltTestSupport.SIZE, PoolType.PAGED_POOL, null, null, false), new byte[0]);
        String id = "Ctx#" + (n & ((1L << 28) - 1));
        assertEquals(id, c.id());
        assertEquals(FltContext.State.ALLOCATED, c.state());
        c.markFreed();
        assertEquals(FltContext.State.FREED, c.state());
        assertEquals(id, c.id(), "the state's bits leave the number alone");
      }
      // A context of the manager's own numbering, through set, delete and free.
      FltContext c = fx.alloc(FltContextType.STREAMHANDLE);
      String id = c.id();
      assertEquals(NtStatus.STATUS_SUCCESS, Kind.STREAMHANDLE.set(fx.target(), 0, c, null));
      assertEquals(FltContext.State.ATTACHED, c.state());
      assertEquals(id, c.id());
      assertEquals(NtStatus.STATUS_SUCCESS, Kind.STREAMHANDLE.delete(fx.target(), null));
      assertEquals(FltContext.State.DELETED, c.state());
      assertEquals(id, c.id());
      Flt.releaseContext(c);
      assertEquals(FltContext.State.FREED, c.state());
      assertEquals(id, c.id());
    }
  }

  @Test
  void contextsAllocatedAlike_shareOneShape_othersGetTheirOwn() {
    FilterManager mgr = new FilterManager();
    try (Fx fx = new Fx(mgr)) {
      FltContext a = fx.alloc(FltContextType.STREAM);
      FltContext b = fx.alloc(FltContextType.STREAM);
      FltContext v = fx.alloc(FltContextType.VOLUME); // nonpaged, another definition
      assertSame(a.shape(), b.shape());
      assertNotSame(a.shape(), v.shape());
      assertEquals(FltTestSupport.SIZE, a.size());
      assertEquals(PoolType.PAGED_POOL, a.poolType());
      assertEquals(PoolType.NON_PAGED_POOL, v.poolType());
      ContextDefinition d = a.definition();
      ContextShape nonPaged = d.shape(FltTestSupport.SIZE, PoolType.NON_PAGED_POOL);
      assertNotSame(a.shape(), nonPaged);
      assertSame(nonPaged, d.shape(FltTestSupport.SIZE, PoolType.NON_PAGED_POOL));
      assertSame(a.shape(), d.shape(FltTestSupport.SIZE, PoolType.PAGED_POOL), "made once, found again");
      for (FltContext c : new FltContext[] {a, b, v}) {
        Flt.releaseContext(c);
      }
    }
  }

  @Test
  void extrasFlag_survivesStateChanges_soTrackingKeepsRecording() {
    FilterManager mgr = new FilterManager(FltConfig.builder().verifierLevel(VerifierLevel.TRACKING).build());
    try (Fx fx = new Fx(mgr)) {
      FltContext c = fx.alloc(FltContextType.STREAMHANDLE);
      assertEquals(1, c.outstandingReferences().size(), "the allocation's reference");
      assertEquals(NtStatus.STATUS_SUCCESS, Kind.STREAMHANDLE.set(fx.target(), 0, c, null));
      try (GetResult got = fx.instance.getStreamHandleContext(fx.stream.fo)) {
        assertSame(c, got.require().context());
        assertEquals(2, c.outstandingReferences().size(), "the get is recorded after the attach");
      }
      assertEquals(NtStatus.STATUS_SUCCESS, Kind.STREAMHANDLE.delete(fx.target(), null));
      assertEquals(1, c.outstandingReferences().size(), "the release after the detach is recorded");
      Flt.releaseContext(c);
      assertEquals(0, c.outstandingReferences().size());
    }
    FilterManager counting = new FilterManager(FltConfig.builder().verifierLevel(VerifierLevel.COUNTING).build());
    try (Fx fx = new Fx(counting)) {
      FltContext c = fx.alloc(FltContextType.STREAM);
      assertEquals(0, c.outstandingReferences().size(), "no extras below TRACKING");
      Flt.releaseContext(c);
    }
  }
}
