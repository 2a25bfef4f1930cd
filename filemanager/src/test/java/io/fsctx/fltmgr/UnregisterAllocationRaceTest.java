package io.fsctx.fltmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.nt.NtStatus;
import io.fsctx.nt.PoolType;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code FltAllocateContext} racing {@code FltUnregisterFilter} on another thread. An allocation
 * already past its state check when the unload begins is one the unload must wait for, as for
 * any live context; counting it only once its context existed let the unload's wait see no
 * context, finish, and then report the newcomer as a leak (or miss it). The allocation here is
 * held inside its payload factory, which runs after the check, while the unload starts.
 */
class UnregisterAllocationRaceTest {
  @Test
  @DisplayName("FltUnregisterFilter waits for an allocation in flight, then for its release; the report is clean")
  void unregister_waitsForAllocationInFlight() throws Exception {
    CountDownLatch inFactory = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    FilterManager mgr = new FilterManager(FltConfig.builder().unloadWaitTimeout(Duration.ofSeconds(20)).build());
    FltRegistration reg =
        FltRegistration.builder()
            .contextRegistration(
                FltContextRegistration.of(
                    FltContextType.STREAM, 0, null, 16, FltContextRegistration.tag("Race"),
                    size -> {
                      inFactory.countDown();
                      try {
                        proceed.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return new byte[size];
                    }),
                FltContextRegistration.END)
            .build();
    FltFilter filter = Objects.requireNonNull(mgr.registerFilter(DriverObject.of("Race", "370000"), reg).filter());
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<FltFilter.AllocateResult> allocation =
          threads.submit(() -> filter.allocateContext(FltContextType.STREAM.code(), 16, PoolType.PAGED_POOL));
      assertTrue(inFactory.await(10, TimeUnit.SECONDS));
      Future<UnloadReport> unload = threads.submit(filter::unregister);
      while (filter.state() == FltFilter.State.REGISTERED || filter.state() == FltFilter.State.FILTERING) {
        Thread.onSpinWait();
      }
      // The unload is in its wait (or about to be): it must stay there while the allocation is
      // in flight. Before the fix it had already returned a report by now.
      Thread.sleep(200);
      assertFalse(unload.isDone(), "FltUnregisterFilter returned while an allocation was in flight");
      proceed.countDown();
      FltFilter.AllocateResult r = allocation.get(10, TimeUnit.SECONDS);
      assertEquals(NtStatus.STATUS_SUCCESS, r.status());
      Thread.sleep(100);
      assertFalse(unload.isDone(), "FltUnregisterFilter returned while its context was referenced");
      Flt.releaseContext(Objects.requireNonNull(r.context()));
      UnloadReport report = unload.get(10, TimeUnit.SECONDS);
      assertTrue(report.clean(), report::format);
      assertEquals(0, filter.liveContextCount());
    } finally {
      proceed.countDown();
      threads.shutdownNow();
      assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @Test
  @DisplayName("FltAllocateContext after the unload began is DELETING_OBJECT and leaves no count behind")
  void allocate_afterUnload_deletingObjectNothingCounted() {
    FilterManager mgr = new FilterManager(FltConfig.builder().unloadWaitTimeout(Duration.ofMillis(1)).build());
    FltRegistration reg =
        FltRegistration.builder()
            .contextRegistration(
                FltContextRegistration.of(FltContextType.STREAM, 0, null, 16, FltContextRegistration.tag("Race"), null),
                FltContextRegistration.END)
            .build();
    FltFilter filter = Objects.requireNonNull(mgr.registerFilter(DriverObject.of("Race", "370000"), reg).filter());
    assertTrue(filter.unregister().clean());
    FltFilter.AllocateResult r = filter.allocateContext(FltContextType.STREAM.code(), 16, PoolType.PAGED_POOL);
    assertEquals(NtStatus.STATUS_FLT_DELETING_OBJECT, r.status());
    assertEquals(0, filter.liveContextCount());
  }
}
