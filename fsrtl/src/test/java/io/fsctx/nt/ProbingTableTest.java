package io.fsctx.nt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link ProbingTable}: keys of two parts, replace and conditional remove, against a HashMap. */
class ProbingTableTest {

  /** An element keyed by (name, owner), as the replay's handle stacks are by (path, PID). */
  private static final class Element {
    final String name;
    final long owner;

    Element(String name, long owner) {
      this.name = name;
      this.owner = owner;
    }
  }

  private record Key(String name, long owner) {}

  private static final class Table extends ProbingTable<Element> {
    int hashOfCalls;

    Table() {}

    Table(boolean compareKeysOnly) {
      super(compareKeysOnly);
    }

    @Override
    protected int hashOf(Element e) {
      hashOfCalls++;
      return hash(e.name, e.owner);
    }

    @Override
    protected boolean matches(Element e, Object name, long owner) {
      return e.owner == owner && e.name.equals(name);
    }
  }

  /** Hashes that collide often (a few owners share one name hash), so runs get long. */
  private static int hash(String name, long owner) {
    return name.hashCode() + (int) (owner & 3);
  }

  @Test
  void qualifierTellsApartElementsWithOneName() {
    Table t = new Table();
    Element a = new Element("x", 1);
    Element b = new Element("x", 2);
    assertNull(t.put(hash("x", 1), "x", 1, a));
    assertNull(t.put(hash("x", 2), "x", 2, b));
    assertSame(a, t.get(hash("x", 1), "x", 1));
    assertSame(b, t.get(hash("x", 2), "x", 2));
    assertNull(t.get(hash("x", 3), "x", 3));
    assertEquals(2, t.size());
  }

  @Test
  void putReplacesAndRemoveTakesOnlyTheGivenElement() {
    Table t = new Table();
    Element first = new Element("y", 7);
    Element second = new Element("y", 7);
    t.put(hash("y", 7), "y", 7, first);
    assertSame(first, t.put(hash("y", 7), "y", 7, second));
    assertEquals(1, t.size());
    assertFalse(t.remove(hash("y", 7), "y", 7, first), "the replaced element is no longer there");
    assertSame(second, t.get(hash("y", 7), "y", 7));
    assertTrue(t.remove(hash("y", 7), "y", 7, second));
    assertEquals(0, t.size());
    assertTrue(t.values().isEmpty());
  }

  @Test
  void agreesWithAHashMapOverRandomOperations() {
    agreesWithAHashMap(new Table());
  }

  @Test
  void comparingKeysOnly_agreesWithAHashMapOverRandomOperations() {
    agreesWithAHashMap(new Table(true));
  }

  @Test
  void comparingKeysOnly_lookupsAndReplacesComputeNoHash() {
    Table t = new Table(true);
    for (int i = 0; i < 10; i++) {
      t.put(hash("k" + i, 1), "k" + i, 1, new Element("k" + i, 1)); // 10 of 16 slots: no growth
    }
    int before = t.hashOfCalls;
    for (int i = 0; i < 10; i++) {
      assertEquals("k" + i, java.util.Objects.requireNonNull(t.get(hash("k" + i, 1), "k" + i, 1)).name);
      assertNull(t.get(hash("k" + i, 2), "k" + i, 2));
      t.put(hash("k" + i, 1), "k" + i, 1, new Element("k" + i, 1));
    }
    assertEquals(before, t.hashOfCalls, "hashOf ran during lookups or replaces");
    Table hashing = new Table();
    hashing.put(hash("k", 1), "k", 1, new Element("k", 1));
    int calls = hashing.hashOfCalls;
    hashing.get(hash("k", 1), "k", 1);
    assertTrue(hashing.hashOfCalls > calls, "the default table tests the hash first");
  }

  private static void agreesWithAHashMap(Table t) {
    Random r = new Random(14);
    Map<Key, Element> reference = new HashMap<>();
    for (int op = 0; op < 200_000; op++) {
      String name = "n" + r.nextInt(500);
      long owner = r.nextInt(8);
      int h = hash(name, owner);
      Key k = new Key(name, owner);
      switch (r.nextInt(3)) {
        case 0 -> {
          Element e = new Element(name, owner);
          assertSame(reference.put(k, e), t.put(h, name, owner, e));
        }
        case 1 -> {
          Element e = reference.get(k);
          assertEquals(e != null, t.remove(h, name, owner, e == null ? new Element(name, owner) : e));
          reference.remove(k);
        }
        default -> assertSame(reference.get(k), t.get(h, name, owner));
      }
      assertEquals(reference.size(), t.size());
    }
    // Every element is still reachable after the removals moved runs back.
    for (Map.Entry<Key, Element> e : reference.entrySet()) {
      Key k = e.getKey();
      assertSame(e.getValue(), t.get(hash(k.name(), k.owner()), k.name(), k.owner()));
    }
    assertEquals(new HashSet<>(reference.values()), new HashSet<>(t.values()));
  }
}
