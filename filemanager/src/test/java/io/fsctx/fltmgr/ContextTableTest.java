package io.fsctx.fltmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.nt.PoolType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The table behind every context kind but stream contexts: one key inline, more in a map, and
 * every operation sees both.
 */
class ContextTableTest {
  private final FilterManager manager = new FilterManager();
  private final FltFilter filter = register();
  private final ContextTable<String> table = new ContextTable<>("owner");

  private FltFilter register() {
    Out<FltFilter> out = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS, Flt.registerFilter(manager, DriverObject.of("Table", "370000"),
        FltTestSupport.allTypesRegistration(new FltTestSupport.Recorder(), WindowsVersion.WIN11).build(), out));
    return out.get();
  }

  @AfterEach
  void unload() {
    Flt.unregisterFilter(filter);
  }

  private FltContext context() {
    Out<FltContext> c = new Out<>();
    assertEquals(NtStatus.STATUS_SUCCESS,
        Flt.allocateContext(filter, FltContextType.STREAM.code(), FltTestSupport.SIZE, PoolType.PAGED_POOL, c));
    return c.get();
  }

  private void put(String key, FltContext c) {
    c.home = table.homeFor(key, c);
    table.put(key, c);
  }

  @Test
  void put_threeKeys_allFoundWhereverTheyLive() {
    FltContext a = context();
    FltContext b = context();
    FltContext c = context();
    put("a", a);
    put("b", b);
    assertEquals(2, table.size());
    assertSame(a, table.find("a"));
    assertSame(b, table.find("b"));
    assertSame(a, table.remove("a"));
    put("c", c); // takes the free inline slot while b stays in the map
    assertSame(c, table.find("c"));
    assertSame(b, table.find("b"));
    assertNull(table.find("a"));
    assertEquals(2, table.size());
    assertTrue(table.removeContext(b));
    assertFalse(table.removeContext(b));
    assertTrue(table.removeContext(c));
    assertEquals(0, table.size());
    for (FltContext x : List.of(a, b, c)) {
      Flt.releaseContext(x);
    }
  }

  @Test
  void put_sameKeyAgain_replacesInPlace() {
    FltContext a = context();
    FltContext a2 = context();
    FltContext b = context();
    put("a", a);
    put("b", b);
    put("b", a2);
    put("a", b);
    assertSame(b, table.find("a"));
    assertSame(a2, table.find("b"));
    assertEquals(2, table.size());
    assertEquals(List.of(a2), table.removeWhere(k -> k.equals("b")));
    assertEquals(List.of(b), table.removeWhere(k -> true));
    assertEquals(0, table.size());
    for (FltContext x : List.of(a, a2, b)) {
      Flt.releaseContext(x);
    }
  }

  @Test
  void homes_inlineEntryIsTheTable_mapEntryAHome_bothNameTheOwner() {
    FltContext a = context();
    FltContext b = context();
    put("a", a);
    put("b", b);
    assertSame(table, a.home);
    ContextTable.Home h = assertInstanceOf(ContextTable.Home.class, b.home);
    assertSame(table, h.table());
    assertEquals("b", h.key());
    assertSame(table, a.store());
    assertSame(table, b.store());
    assertTrue(table.removeContext(a));
    assertFalse(table.removeContext(a), "once removed, not found again through its home");
    assertTrue(table.removeContext(b));
    for (FltContext x : List.of(a, b)) {
      Flt.releaseContext(x);
    }
  }

  @Test
  void find_racingReplacesUnderOneKey_alwaysSeesOneOfThem() throws Exception {
    // Four contexts put in turn under one key: the same key, so putting one back is harmless here.
    List<FltContext> four = List.of(context(), context(), context(), context());
    put("a", four.get(0));
    java.util.concurrent.atomic.AtomicBoolean over = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger misses = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
    Thread reader = new Thread(() -> {
      reading.countDown();
      while (!over.get()) {
        if (table.find("a") == null) {
          misses.incrementAndGet();
        }
      }
    });
    reader.start();
    reading.await();
    for (int i = 1; i <= 1_000_000; i++) {
      put("a", four.get(i & 3)); // a replace in place, as FltSetXxxContext with REPLACE_IF_EXISTS does
    }
    over.set(true);
    reader.join(10_000);
    assertEquals(0, misses.get(), "a lock-free find saw neither the old context nor the new one");
    assertSame(four.get(0), table.find("a"));
    table.removeWhere(k -> true);
    for (FltContext x : four) {
      Flt.releaseContext(x);
    }
  }

  @Test
  void find_racingRemovesAndPutsOfTwoKeys_neverHandsOutTheOtherKeysContext() throws Exception {
    FltContext a = context();
    FltContext b = context();
    java.util.concurrent.atomic.AtomicBoolean over = new java.util.concurrent.atomic.AtomicBoolean();
    List<String> wrong = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      while (!over.get()) {
        FltContext x = table.find("a");
        FltContext y = table.find("b");
        if (x == b || y == a) {
          wrong.add("a -> " + (x == b ? "b's" : "?") + ", b -> " + (y == a ? "a's" : "?"));
        }
      }
    });
    reader.start();
    for (int i = 0; i < 20_000; i++) {
      put("a", a); // the inline slot, key a
      table.remove("a");
      put("b", b); // the same slot, key b
      table.remove("b");
    }
    over.set(true);
    reader.join(10_000);
    assertEquals(List.of(), wrong);
    for (FltContext x : List.of(a, b)) {
      Flt.releaseContext(x);
    }
  }
}
