package io.fsctx.fsrtl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fsrtl.Family.Fixture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Teardown of the lists whose contexts carry FreeCallbacks (per-stream and per-file), through both
 * faces (fsrtl.md 7.4, 8; items 14.23 to 14.30, 14.32, 14.44).
 */
class TeardownTest {
  private final Ptr ownerA = new Ptr("OwnerA");
  private final Ptr ownerB = new Ptr("OwnerB");

  static List<Family> families() {
    return Family.withFreeCallbacks();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  @DisplayName("fsrtl.md 14.23: remove hands the context back without calling its FreeCallback, not even at teardown")
  void remove_linkedContext_neverCallsFreeCallback(Family family) {
    Fixture f = family.create();
    FsRtlContext c = f.insertNew(ownerA, null);

    assertSame(c, f.remove(ownerA, null));
    assertEquals(0, f.releaseCount(c));
    f.teardown();
    assertEquals(0, f.releaseCount(c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  @DisplayName("fsrtl.md 14.24/14.44: teardown calls every remaining FreeCallback exactly once, with that context")
  void teardown_linkedContexts_freesEachOnce(Family family) {
    Fixture f = family.create();
    List<FsRtlContext> inserted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      inserted.add(f.insertNew(i % 2 == 0 ? ownerA : ownerB, new Ptr("I" + i)));
    }

    f.teardown();

    for (FsRtlContext c : inserted) {
      assertEquals(1, f.releaseCount(c), c.toString());
      assertFalse(c.isLinked());
    }
    assertEquals(5, f.releaseOrder().size());
    assertTrue(f.contents().isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  @DisplayName("fsrtl.md 14.25: teardown skips contexts that were removed earlier")
  void teardown_afterRemove_skipsRemovedContext(Family family) {
    Fixture f = family.create();
    FsRtlContext kept = f.insertNew(ownerA, null);
    FsRtlContext removed = f.insertNew(ownerB, null);
    assertSame(removed, f.remove(ownerB, null));

    f.teardown();

    assertEquals(List.of(kept), f.releaseOrder());
    assertEquals(0, f.releaseCount(removed));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  @DisplayName("fsrtl.md 14.26: inside its FreeCallback a context is already off the list; lookup does not return it")
  void teardown_lookupFromCallback_doesNotFindOwnContext(Family family) {
    Fixture f = family.create();
    f.insertNew(ownerA, null);
    f.insertNew(ownerA, null);
    List<String> problems = new ArrayList<>();
    f.onFree(
        c -> {
          if (c.isLinked()) {
            problems.add(c + " still linked in its callback");
          }
          if (f.contents().contains(c)) {
            problems.add(c + " still on the list in its callback");
          }
          FsRtlContext found = f.lookup(ownerA, null);
          if (found == c) {
            problems.add(c + " found by lookup from its own callback");
          }
        });

    f.teardown();

    assertEquals(List.of(), problems);
    assertEquals(2, f.releaseOrder().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  @DisplayName("fsrtl.md 14.27: no lock is held while a FreeCallback runs; the callback itself may remove on the same list")
  void teardown_callback_runsWithoutLockAndMayRemove(Family family) {
    Fixture f = family.create();
    FsRtlContext second = f.insertNew(ownerB, null);
    f.insertNew(ownerA, null);
    AtomicReference<FsRtlContext> removedInCallback = new AtomicReference<>();
    List<Boolean> heldInCallback = new ArrayList<>();
    f.onFree(
        c -> {
          heldInCallback.add(f.lockHeldByCurrentThread());
          if (c.ownerId() == ownerA) {
            // Legitimate: the filter drops its other context while teardown is running.
            removedInCallback.set(f.remove(ownerB, null));
          }
        });

    f.teardown();

    assertEquals(List.of(false), heldInCallback, "lock held in a callback");
    assertSame(second, removedInCallback.get());
    assertEquals(0, f.releaseCount(second), "a context removed during teardown is not freed by it");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  @DisplayName("fsrtl.md 14.27: another thread can take the list lock and remove or look up while a FreeCallback runs")
  void teardown_otherThreadDuringCallback_doesNotDeadlock(Family family) {
    Fixture f = family.create();
    FsRtlContext first = f.insertNew(ownerA, null);
    FsRtlContext head = f.insertNew(ownerB, null);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<FsRtlContext> removedByOtherThread = new AtomicReference<>();
    AtomicBoolean once = new AtomicBoolean();
    f.onFree(
        c -> {
          if (!once.compareAndSet(false, true)) {
            return;
          }
          CompletableFuture<Void> elsewhere =
              CompletableFuture.runAsync(
                  () -> {
                    f.takeLockBriefly();
                    f.lookup(ownerA, null);
                    removedByOtherThread.set(f.remove(ownerA, null));
                  });
          try {
            elsewhere.get(5, TimeUnit.SECONDS);
          } catch (Exception e) {
            failure.set(e);
          }
        });

    f.teardown();

    assertNull(failure.get(), () -> "the other thread could not use the list during a callback: " + failure.get());
    assertEquals(List.of(head), f.releaseOrder(), "only the head was still linked when its callback ran");
    assertSame(first, removedByOtherThread.get());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  @DisplayName("fsrtl.md 14.28: teardown frees head first, the reverse of insertion order")
  void teardown_threeContexts_freesInReverseInsertionOrder(Family family) {
    Fixture f = family.create();
    FsRtlContext first = f.insertNew(ownerA, new Ptr("1"));
    FsRtlContext second = f.insertNew(ownerA, new Ptr("2"));
    FsRtlContext third = f.insertNew(ownerB, new Ptr("3"));

    f.teardown();

    assertEquals(List.of(third, second, first), f.releaseOrder());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  @DisplayName("fsrtl.md 14.29: a context inserted from inside a FreeCallback is torn down before teardown returns")
  void teardown_insertFromCallback_tearsDownNewContextToo(Family family) {
    Fixture f = family.create();
    f.insertNew(ownerA, null);
    AtomicReference<FsRtlContext> late = new AtomicReference<>();
    f.onFree(
        c -> {
          if (late.get() == null) {
            late.set(f.insertNew(ownerB, null));
          }
        });

    f.teardown();

    assertEquals(1, f.releaseCount(late.get()));
    assertTrue(f.contents().isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  @DisplayName("fsrtl.md 14.30: after teardown the list is empty and a second teardown calls nothing")
  void teardown_twice_secondCallsNoCallbacks(Family family) {
    Fixture f = family.create();
    f.insertNew(ownerA, null);
    f.insertNew(ownerB, null);
    f.teardown();
    assertTrue(f.contents().isEmpty());
    assertNull(f.lookup(null, null));

    f.teardown();

    assertEquals(2, f.releaseOrder().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  @DisplayName("fsrtl.md 14.32: a throwing FreeCallback leaves the lock released; teardown frees the rest, then rethrows the first failure")
  void teardown_throwingCallbacks_continuesAndRethrowsFirst(Family family) {
    Fixture f = family.create();
    FsRtlContext c1 = f.insertNew(ownerA, new Ptr("1"));
    FsRtlContext c2 = f.insertNew(ownerA, new Ptr("2"));
    FsRtlContext c3 = f.insertNew(ownerA, new Ptr("3"));
    f.onFree(
        c -> {
          if (c != c2) {
            throw new IllegalStateException("callback failed for " + c.instanceId());
          }
        });

    IllegalStateException e = assertThrows(IllegalStateException.class, f::teardown);

    assertEquals("callback failed for 3", e.getMessage(), "the first failure (head first) is rethrown");
    assertEquals(1, e.getSuppressed().length);
    assertEquals("callback failed for 1", e.getSuppressed()[0].getMessage());
    assertEquals(List.of(c3, c2, c1), f.releaseOrder());
    assertTrue(f.contents().isEmpty());
    assertFalse(f.lockHeldByCurrentThread());
    FsRtlContext after = f.insertNew(ownerB, null);
    assertSame(after, f.lookup(ownerB, null));
  }
}
