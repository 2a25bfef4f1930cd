package io.fsctx.fltmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.nt.PoolType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The verifier's list of live contexts (COUNTING and above), kept in the contexts' own links: it
 * holds exactly the contexts allocated and not yet freed, however many threads allocate and free
 * at once, and lists them by id.
 */
class LiveContextListTest {

  private static FltFilter filter(FilterManager m) {
    FltRegistration reg =
        FltRegistration.builder()
            .contextRegistration(
                FltContextRegistration.of(FltContextType.STREAM, 0, null, 16, FltContextRegistration.tag("Live"), null),
                FltContextRegistration.END)
            .build();
    return Objects.requireNonNull(m.registerFilter(DriverObject.of("Live", "370000"), reg).filter());
  }

  private static FltContext allocate(FltFilter f) {
    return Objects.requireNonNull(f.allocateContext(FltContextType.STREAM.code(), 16, PoolType.PAGED_POOL).context());
  }

  @Test
  @DisplayName("four threads allocate 4,000 contexts and free a random half: the live list is exactly the other half, by id")
  void concurrentAllocateAndFree_listsExactlyTheLiveOnes() throws Exception {
    FilterManager m = new FilterManager(FltConfig.builder().verifierLevel(VerifierLevel.COUNTING).build());
    FltFilter f = filter(m);
    Set<String> kept = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = t;
        done.add(pool.submit(() -> {
          start.await();
          Random r = new Random(seed);
          List<FltContext> mine = new ArrayList<>();
          for (int i = 0; i < 1000; i++) {
            mine.add(allocate(f));
          }
          Collections.shuffle(mine, r);
          for (int i = 0; i < mine.size(); i++) {
            if (i % 2 == 0) {
              Flt.releaseContext(mine.get(i)); // the allocation's reference: frees it
            } else {
              kept.add(mine.get(i).id());
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> d : done) {
        d.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<FltContext> live = m.liveContexts();
    assertEquals(2000, live.size());
    assertEquals(kept, live.stream().map(FltContext::id).collect(Collectors.toSet()));
    for (int i = 1; i < live.size(); i++) {
      assertTrue(ContextVerifier.compareIds(live.get(i - 1).id(), live.get(i).id()) < 0, "listed by id");
    }
    for (FltContext c : live) {
      Flt.releaseContext(c);
    }
    assertTrue(m.liveContexts().isEmpty());
  }

  @Test
  @DisplayName("freeing the newest, the oldest and a middle context unlinks each and keeps the rest")
  void freeAtEachPosition_unlinks() {
    FilterManager m = new FilterManager(FltConfig.builder().verifierLevel(VerifierLevel.COUNTING).build());
    FltFilter f = filter(m);
    List<FltContext> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) { // more than the stripes, so every stripe has a list of several
      all.add(allocate(f));
    }
    List<FltContext> freed = List.of(all.get(39), all.get(0), all.get(20), all.get(16), all.get(23));
    for (FltContext c : freed) {
      Flt.releaseContext(c);
    }
    List<FltContext> expected = new ArrayList<>(all);
    expected.removeAll(freed);
    assertEquals(expected, m.liveContexts());
    assertEquals(expected, m.verifier().liveContexts(f));
    for (FltContext c : expected) {
      Flt.releaseContext(c);
    }
    assertEquals(List.of(), m.liveContexts());
  }

  @Test
  @DisplayName("below COUNTING nothing is listed")
  void off_listsNothing() {
    FilterManager m = new FilterManager(FltConfig.builder().verifierLevel(VerifierLevel.OFF).build());
    FltFilter f = filter(m);
    FltContext c = allocate(f);
    assertEquals(List.of(), m.liveContexts());
    Flt.releaseContext(c);
  }
}
