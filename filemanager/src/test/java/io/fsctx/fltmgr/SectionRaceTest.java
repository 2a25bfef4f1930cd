package io.fsctx.fltmgr;

import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fltmgr.testing.FilterHarness;
import io.fsctx.io.FileObject;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.nt.PoolType;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Section creation racing its conflict notification (issue 13): the notification may arrive on
 * another thread before {@code FltCreateSectionForDataScan} returns, and a callback that closes
 * the section then must leave every reference balanced.
 */
class SectionRaceTest {
  private static final int SEC_COMMIT = 0x8000000;

  private static NtStatus create(FltInstance i, FileObject fo, FltContext ctx, Out<FltSection> s) {
    return Flt.createSectionForDataScan(i, fo, ctx, 0x4, null, null, 0x02, SEC_COMMIT, 0, s, new Out<>(), null);
  }

  private static FltRegistration registration(List<String> seen, AtomicBoolean createReturned) {
    return FltRegistration.builder()
        .contextRegistration(FltContextRegistration.of(
            FltContextType.SECTION, 0, null, 16, FltContextRegistration.tag("SecR"), null))
        .instanceSetupCallback((o, flags, deviceType, fsType) -> Flt.registerForDataScan(o.instance()))
        .sectionNotificationCallback((instance, ctx, data) -> {
          seen.add((createReturned.get() ? "after" : "before") + " create returned, on "
              + (Thread.currentThread().getName().startsWith("conflict") ? "the writer" : "the creator"));
          NtStatus st = Flt.closeSectionForDataScan(ctx);
          if (!st.isSuccess() && !st.equals(NtStatus.STATUS_NOT_FOUND)) {
            throw new AssertionError("close from the notification: " + st);
          }
          return STATUS_SUCCESS;
        })
        .build();
  }

  @Test
  @DisplayName("issue 13: a conflicting write on another thread is notified before FltCreateSectionForDataScan returns; the callback's close balances")
  void conflict_beforeCreateReturns_notifiedAndBalanced() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    AtomicBoolean createReturned = new AtomicBoolean();
    try (FilterHarness h = FilterHarness.on(new NtfsLikeFileSystem())) {
      h.start("SectionRace", "370000", registration(seen, createReturned));
      FileObject fo = h.open("\\a.txt");
      FileObject writer = h.open("\\a.txt");
      h.manager().setRaceProbe(p -> {
        if (p == RacePoint.SECTION_CREATED) {
          Thread t = new Thread(() -> h.write(writer, 0, 10), "conflict-writer");
          t.start();
          try {
            t.join();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      });
      Out<FltContext> ctx = new Out<>();
      Flt.allocateContext(h.filter(), FltContextType.SECTION.code(), 16, PoolType.PAGED_POOL, ctx);
      Out<FltSection> section = new Out<>();
      assertEquals(STATUS_SUCCESS, create(h.instance(), fo, ctx.get(), section));
      createReturned.set(true);
      h.manager().setRaceProbe(null);
      assertEquals(List.of("before create returned, on the writer"), seen);
      assertTrue(section.get().isClosed(), "closed by the notification before the create returned");
      assertEquals(NtStatus.STATUS_NOT_FOUND, Flt.closeSectionForDataScan(ctx.get()), "the filter's own close finds it closed");
      assertEquals(1, ctx.get().referenceCount());
      Flt.releaseContext(ctx.get());
      assertEquals(FltContext.State.FREED, ctx.get().state());
      h.close(writer);
      h.close(fo);
      h.unload();
      h.assertNoProblems();
    }
  }

  /**
   * The stress filter: each pre-read scans the file the way avscan does, inside the operation
   * (so instance teardown waits for it): allocate, create the section, close it, release.
   */
  private static FltRegistration scanningRegistration(AtomicInteger created, List<Throwable> errors) {
    PreOperationCallback preRead = (data, objects, cc) -> {
      try {
        Out<FltContext> ctx = new Out<>();
        if (Flt.allocateContext(objects.filter(), FltContextType.SECTION.code(), 16, PoolType.PAGED_POOL, ctx).isSuccess()) {
          NtStatus st = create(objects.instance(), objects.fileObject(), ctx.get(), new Out<>());
          if (st.isSuccess()) {
            created.incrementAndGet();
            NtStatus closed = Flt.closeSectionForDataScan(ctx.get());
            if (!closed.isSuccess() && !closed.equals(NtStatus.STATUS_NOT_FOUND)) {
              throw new AssertionError("close: " + closed);
            }
          } else if (!st.equals(NtStatus.STATUS_FLT_DELETING_OBJECT) && !st.equals(NtStatus.STATUS_FLT_CONTEXT_ALREADY_DEFINED)) {
            throw new AssertionError("create: " + st);
          }
          Flt.releaseContext(ctx.get());
        }
      } catch (Throwable t) {
        errors.add(t);
      }
      return FltPreopCallbackStatus.SUCCESS_NO_CALLBACK;
    };
    return FltRegistration.builder()
        .contextRegistration(FltContextRegistration.of(
            FltContextType.SECTION, 0, null, 16, FltContextRegistration.tag("SecR"), null))
        .operationRegistration(new FltOperationRegistration(io.fsctx.io.IrpMajorFunction.READ.code(), 0, preRead, null))
        .instanceSetupCallback((o, flags, deviceType, fsType) -> Flt.registerForDataScan(o.instance()))
        .instanceQueryTeardownCallback((o, flags) -> STATUS_SUCCESS)
        .sectionNotificationCallback((instance, ctx, data) -> {
          NtStatus st = Flt.closeSectionForDataScan(ctx);
          if (!st.isSuccess() && !st.equals(NtStatus.STATUS_NOT_FOUND)) {
            errors.add(new AssertionError("close from the notification: " + st));
          }
          return STATUS_SUCCESS;
        })
        .build();
  }

  @Test
  @DisplayName("issue 13 stress: section creates and closes racing conflicting writes and, every other round, the instance's detach lose no reference")
  void createClose_racingConflictsAndTeardown_balanced() throws Exception {
    int totalCreated = 0;
    for (int round = 0; round < 20; round++) {
      AtomicInteger created = new AtomicInteger();
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      try (FilterHarness h = FilterHarness.on(new NtfsLikeFileSystem())) {
        h.start("SectionRace", "370000", scanningRegistration(created, errors));
        FileObject reader = h.open("\\a.txt");
        FileObject writer = h.open("\\a.txt");
        CyclicBarrier go = new CyclicBarrier(3);
        Thread scanning = io.fsctx.fltmgr.async.AsyncTestSupport.looping("scanner", go, 200, () -> h.read(reader, 0, 10), errors);
        Thread conflicting =
            io.fsctx.fltmgr.async.AsyncTestSupport.looping("conflict-writer", go, 200, () -> h.write(writer, 0, 10), errors);
        go.await();
        if (round % 2 == 1) {
          Thread.yield();
          assertEquals(STATUS_SUCCESS, Flt.detachVolume(h.filter(), h.fltVolume(), null));
        }
        scanning.join();
        conflicting.join();
        assertEquals(List.of(), errors);
        h.close(writer);
        h.close(reader);
        assertTrue(h.unload().clean());
        assertEquals(List.of(), h.problems());
        assertTrue(reader.isCloseCompleted(), "every section's file-object reference was dropped");
      }
      totalCreated += created.get();
    }
    assertTrue(totalCreated > 0, "sections were created");
  }
}
