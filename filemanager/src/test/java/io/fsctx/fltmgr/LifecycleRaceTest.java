package io.fsctx.fltmgr;

import static io.fsctx.nt.NtStatus.STATUS_FLT_DELETING_OBJECT;
import static io.fsctx.nt.NtStatus.STATUS_NOT_FOUND;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.HeaderLock;
import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.tm.KTransaction;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The five lifecycle races of issue 18, each forced deterministically: a {@link RacePoint} probe,
 * a filter callback or a file-system lock stops one thread exactly inside the window, a {@link
 * Racer} runs the racing lifecycle operation until it finishes or parks where the fix orders it,
 * and the first thread then goes on. Each test failed before its fix (the report of issue 18
 * lists the failures) and asserts the documented outcome:
 * <ol>
 *   <li>a transaction context set racing the end of its transaction is refused or detached by the
 *       end, never left on the ended transaction ({@link KTransaction});
 *   <li>an attach racing {@code FltUnregisterFilter} is decided by the unload's start: an instance
 *       whose setup began before it is torn down by the unload, after its setup ({@link
 *       FltFilter#unregister()});
 *   <li>a dismount racing the last close of a file reports nothing: the teardown is judged when
 *       the header is freed, by the kernel's FileSystemVerifier, not by a snapshot at dismount
 *       ({@link FilterManager#followMounts});
 *   <li>instance teardown waits for a post-operation callback that holds a context reference, so
 *       the verifier reports no leak ({@link FltInstance}); nor does it count the link reference
 *       that a racing detach has not dropped yet;
 *   <li>{@code FltDeleteContext} by a reference holder racing the detach of its object is not a
 *       delete without a reference ({@link Flt#deleteContext}).
 * </ol>
 */
class LifecycleRaceTest {

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(60, TimeUnit.SECONDS), "latch never opened");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Runs {@code caller} with a probe installed: the first thread to reach {@code point} starts
   * {@code racing} on a {@link Racer} and lets it finish (or park) before going on. Returns once
   * both are done, rethrowing what the racer threw.
   */
  private static void raceAt(LifecycleWorld w, RacePoint point, String racerName, Runnable racing, Runnable caller) {
    AtomicReference<@Nullable Racer> racer = new AtomicReference<>();
    w.manager.setRaceProbe(
        p -> {
          if (p == point && racer.get() == null) {
            racer.set(Racer.start(racerName, racing).awaitFinishedOrParkedIn());
          }
        });
    try {
      caller.run();
    } finally {
      w.manager.setRaceProbe(null);
    }
    Objects.requireNonNull(racer.get(), "the probe was never reached").join();
  }

  /** Shuts the world down and asserts that it ends clean: no finding, no live context. */
  private static void assertEndsClean(LifecycleWorld w) {
    UnloadReport r = w.shutDown();
    assertTrue(r == null || r.clean(), () -> "unload report: " + r);
    assertEquals(List.of(), w.formattedFindings());
    assertEquals(List.of(), w.liveContexts());
  }

  // ---- 1. FltSetTransactionContext vs commit / rollback ---------------------------------------

  @ParameterizedTest(name = "commit={0}")
  @ValueSource(booleans = {true, false})
  @DisplayName("issue 18.1, fltmgr.md 6.2: a transaction that ends between the set's check and its attach leaves no context on it; the set gets DELETING_OBJECT")
  void setTransactionContext_transactionEndsInsideTheSet_deletingObjectNothingLeft(boolean commit) {
    LifecycleWorld w = new LifecycleWorld();
    KTransaction tx = new KTransaction("Tx#1");
    FltContext c = LifecycleWorld.alloc(w.filter, FltContextType.TRANSACTION);
    AtomicReference<@Nullable NtStatus> set = new AtomicReference<>();

    raceAt(w, RacePoint.TRANSACTION_SET_CHECKED, commit ? "commit" : "rollback", commit ? tx::commit : tx::rollback,
        () -> set.set(Flt.setTransactionContext(w.instance, tx, 1, c, null)));
    NtStatus st = set.get();
    Out<FltContext> got = new Out<>();
    NtStatus get = Flt.getTransactionContext(w.instance, tx, got);
    FltContext found = got.get();
    if (found != null) {
      Flt.releaseContext(found);
    }
    FltContext.State afterEnd = c.state();
    Flt.releaseContext(c);

    assertEquals(STATUS_FLT_DELETING_OBJECT, st, "the set is ordered after the end of the transaction");
    assertEquals(STATUS_NOT_FOUND, get);
    assertEquals(FltContext.State.ALLOCATED, afterEnd, "never attached to the ended transaction");
    assertEquals(FltContext.State.FREED, c.state());
    assertEndsClean(w);
  }

  // ---- 2. FltAttachVolumeAtAltitude vs FltUnregisterFilter ------------------------------------

  @Test
  @DisplayName("issue 18.2, fltmgr.md 2.4: FltUnregisterFilter starting during an attach's InstanceSetup tears that instance down; the filter never reaches UNLOADED with an instance attached")
  void attachVolumeAtAltitude_unregisterDuringSetup_instanceTornDownByTheUnload() {
    LifecycleWorld w = new LifecycleWorld();
    AtomicReference<@Nullable Racer> unload = new AtomicReference<>();
    AtomicReference<@Nullable UnloadReport> report = new AtomicReference<>();
    w.onSetup =
        o -> {
          if (o.instance() != w.instance && unload.get() == null) {
            unload.set(Racer.start("unregister", () -> report.set(w.filter.unregister())).awaitFinishedOrParkedIn("awaitSetupDone"));
          }
        };

    Out<FltInstance> out = new Out<>();
    NtStatus st = Flt.attachVolumeAtAltitude(w.filter, w.fltVolume, "370001", "Life Second", out);
    Objects.requireNonNull(unload.get(), "setup never ran").join();

    assertEquals(STATUS_SUCCESS, st, "the attach began before the unload: it succeeds, and the unload tears it down");
    FltInstance second = Objects.requireNonNull(out.get());
    assertEquals(FltFilter.State.UNLOADED, w.filter.state());
    assertEquals(FltInstance.State.DETACHED, second.state());
    assertEquals(List.of(), w.fltVolume.instances().stream().filter(i -> i.filter() == w.filter).toList());
    assertTrue(w.rec.logSnapshot().contains("TeardownComplete:" + second.id()), () -> "log: " + w.rec.logSnapshot());
    UnloadReport r = Objects.requireNonNull(report.get());
    assertTrue(r.clean(), () -> "unload report: " + r);
    assertEndsClean(w);
  }

  @Test
  @DisplayName("issue 18.2, fltmgr.md 2.4: an attach that reaches the filter after FltUnregisterFilter began gets DELETING_OBJECT and calls no callback")
  void attachVolumeAtAltitude_afterUnregisterBegan_deletingObject() {
    LifecycleWorld w = new LifecycleWorld();
    AtomicReference<@Nullable NtStatus> attach = new AtomicReference<>();
    w.rec.onTeardownStart =
        o -> {
          if (attach.get() == null) {
            Out<FltInstance> out = new Out<>();
            attach.set(Flt.attachVolumeAtAltitude(w.filter, w.fltVolume, "370001", "Late", out));
            assertNull(out.get());
          }
        };

    UnloadReport r = w.filter.unregister();

    assertEquals(STATUS_FLT_DELETING_OBJECT, attach.get());
    assertTrue(r.clean(), () -> "unload report: " + r);
    assertEndsClean(w);
  }

  // ---- 3. Dismount vs the last close of a file -------------------------------------------------

  @Test
  @DisplayName("issue 18.3, fltmgr.md 6.5: a dismount racing a last close whose FsRtlTeardownPerStreamContexts is still running reports no dismount finding")
  void dismount_racingLastCloseWithTeardownInFlight_noFinding() {
    LifecycleWorld w = new LifecycleWorld();
    FileObject fo = w.open("\\a.txt");
    AdvancedFcbHeader h = (AdvancedFcbHeader) Objects.requireNonNull(fo.fsContext());
    HeaderLock lock = h.filterContextsLock();
    Racer close;
    Racer dismount;
    // Holding the header's FilterContexts lock stops the close inside the file system's
    // FsRtlTeardownPerStreamContexts: the stream is already freed, its teardown not yet done.
    lock.acquireExclusive();
    try {
      close = Racer.start("close", () -> w.io.closeHandle(fo)).awaitFinishedOrParkedIn("acquireExclusive");
      assertFalse(close.finished(), "the close must be stopped inside its teardown");
      dismount = Racer.start("dismount", () -> w.io.dismount(w.volume)).awaitFinishedOrParkedIn();
    } finally {
      lock.releaseExclusive();
    }
    close.join();
    dismount.join();

    assertEquals(List.of(), w.formattedFindings());
    assertEndsClean(w);
  }

  @Test
  @DisplayName("issue 18.3, fltmgr.md 6.5: a last close ending while the dismount is still tearing the VCB down reports no FREE-AT-DISMOUNT")
  void dismount_lastCloseEndsWhileVcbTeardownInFlight_noFinding() {
    LifecycleWorld w = new LifecycleWorld();
    FileObject volumeOpen = w.open("");
    AdvancedFcbHeader vcb = (AdvancedFcbHeader) Objects.requireNonNull(volumeOpen.fsContext());
    w.io.closeHandle(volumeOpen);
    FileObject fo = w.open("\\a.txt");
    HeaderLock lock = vcb.filterContextsLock();
    Racer dismount;
    // Holding the VCB header's lock stops the dismount inside the VCB's teardown: the volume is
    // already marked dismounted, the VCB not yet freed. The last close ends meanwhile.
    lock.acquireExclusive();
    try {
      dismount = Racer.start("dismount", () -> w.io.dismount(w.volume)).awaitFinishedOrParkedIn("acquireExclusive");
      assertFalse(dismount.finished(), "the dismount must be stopped inside the VCB's teardown");
      w.io.closeHandle(fo);
    } finally {
      lock.releaseExclusive();
    }
    dismount.join();

    assertEquals(List.of(), w.formattedFindings());
    assertEndsClean(w);
  }

  // ---- 4. Instance teardown vs a callback holding a reference ----------------------------------

  @ParameterizedTest(name = "commit={0}")
  @ValueSource(booleans = {true, false})
  @DisplayName("issue 18.4: a detach while the transaction's end is giving an enlistment's reference back waits for it; no leak finding on the transaction context")
  void detachVolume_transactionEndGivingEnlistmentReferenceBack_noLeakFinding(boolean commit) {
    LifecycleWorld w = new LifecycleWorld();
    KTransaction tx = new KTransaction("Tx#1");
    FltContext c = LifecycleWorld.alloc(w.filter, FltContextType.TRANSACTION);
    assertEquals(STATUS_SUCCESS, Flt.setTransactionContext(w.instance, tx, 1, c, null));
    assertEquals(STATUS_SUCCESS, Flt.enlistInTransaction(w.instance, tx, c, KTransaction.TRANSACTION_NOTIFY_COMMIT | KTransaction.TRANSACTION_NOTIFY_ROLLBACK));
    Flt.releaseContext(c); // the filter holds nothing now: the link and the enlistment's own reference remain

    // The end closes the enlistment and stops before giving its reference back; the detach runs
    // to completion (or parks waiting for that reference) meanwhile. Before the fix the teardown
    // found the enlistment already closed, returned, and its leak check counted the reference.
    raceAt(w, RacePoint.ENLISTMENT_CLOSED, "detach",
        () -> assertEquals(STATUS_SUCCESS, Flt.detachVolume(w.filter, w.fltVolume, null)),
        commit ? tx::commit : tx::rollback);

    assertEquals(List.of(), w.formattedFindings());
    assertEquals(FltContext.State.FREED, c.state());
    assertEndsClean(w);
  }


  @Test
  @DisplayName("issue 18.4, fltmgr.md 6.3: teardown waits for a post-operation callback in flight (start, drain, complete); its reference is no leak")
  void detachVolume_postReadHoldingStreamContext_teardownDrainsItNoLeakFinding() {
    LifecycleWorld w = new LifecycleWorld();
    FileObject fo = w.open("\\a.txt");
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    w.whileHoldingInPostRead =
        c -> {
          w.rec.log.add("PostRead holds " + c.id());
          holding.countDown();
          await(letGo);
          w.rec.log.add("PostRead releases " + c.id());
        };
    Racer read = Racer.start("read", () -> w.io.read(fo, 0, 16));
    await(holding);

    Racer detach =
        Racer.start("detach", () -> assertEquals(STATUS_SUCCESS, Flt.detachVolume(w.filter, w.fltVolume, null)))
            .awaitFinishedOrParkedIn("awaitDrained");
    letGo.countDown();
    read.join();
    detach.join();
    w.whileHoldingInPostRead = null;

    List<String> log = w.rec.logSnapshot();
    int start = log.indexOf("TeardownStart:" + w.instance.id());
    int released = indexStartingWith(log, "PostRead releases");
    int complete = log.indexOf("TeardownComplete:" + w.instance.id());
    assertTrue(start >= 0 && start < released && released < complete, () -> "order: " + log);
    assertEquals(List.of(), w.formattedFindings());
    w.io.closeHandle(fo);
    assertEndsClean(w);
  }

  @Test
  @DisplayName("issue 18.4, fltmgr.md 6.3: the link reference a racing stream teardown is still dropping is no leak at instance teardown")
  void detachVolume_racingStreamTeardownDroppingTheLink_noLeakFinding() {
    LifecycleWorld w = new LifecycleWorld();
    FileObject fo = w.open("\\a.txt");

    raceAt(w, RacePoint.LINK_DROP_PENDING, "detach",
        () -> assertEquals(STATUS_SUCCESS, Flt.detachVolume(w.filter, w.fltVolume, null)),
        () -> w.io.closeHandle(fo)); // the last close: the file system tears the stream down

    assertEquals(List.of(), w.formattedFindings());
    assertEndsClean(w);
  }

  private static int indexStartingWith(List<String> log, String prefix) {
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  // ---- 5. FltDeleteContext by a reference holder vs the detach of its object --------------------

  @ParameterizedTest(name = "detached by {0}")
  @ValueSource(strings = {"the last close (stream teardown)", "FltDeleteStreamContext"})
  @DisplayName("issue 18.5, fltmgr.md 5.5: FltDeleteContext by a reference holder racing the detach of its stream is no delete without a reference")
  void deleteContext_holderRacingDetachOfItsObject_noDeleteWithoutReferenceFinding(String detachedBy) {
    LifecycleWorld w = new LifecycleWorld();
    FileObject fo = w.open("\\a.txt");
    Out<FltContext> got = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.getStreamContext(w.instance, fo, got));
    FltContext c = Objects.requireNonNull(got.get());
    boolean byClose = detachedBy.startsWith("the last close");
    Runnable detach = byClose ? () -> w.io.closeHandle(fo) : () -> Flt.deleteStreamContext(w.instance, fo, null);

    raceAt(w, RacePoint.DELETE_CONTEXT_STATE_READ, "detach", detach, () -> Flt.deleteContext(c));
    Flt.releaseContext(c);

    assertEquals(FltContext.State.FREED, c.state());
    assertEquals(List.of(), w.formattedFindings());
    if (!byClose) {
      w.io.closeHandle(fo);
    }
    assertEndsClean(w);
  }
}
