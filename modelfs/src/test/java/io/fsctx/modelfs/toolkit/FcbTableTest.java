package io.fsctx.modelfs.toolkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link FcbTable}, with and without a key function, against a HashMap. */
class FcbTableTest {
  /** A structure without a header that knows its key, as an NTFS FCB knows its file record. */
  private static final class Node {
    private final String key;

    Node(String key) {
      this.key = key;
    }

    String key() {
      return key;
    }
  }

  private static FcbTable<String, Node> table(boolean keyed) {
    return keyed ? new FcbTable<>(n -> null, Node::key) : new FcbTable<>(n -> null);
  }

  @ParameterizedTest(name = "keyed = {0}")
  @ValueSource(booleans = {false, true})
  void agreesWithAHashMap(boolean keyed) {
    FcbTable<String, Node> t = table(keyed);
    Map<String, Node> reference = new HashMap<>();
    Random r = new Random(14);
    for (int op = 0; op < 50_000; op++) {
      String key = "F" + r.nextInt(300);
      Node present = reference.get(key);
      switch (r.nextInt(3)) {
        case 0 -> {
          if (present == null) {
            Node n = new Node(key);
            t.insert(key, n);
            reference.put(key, n);
          } else {
            t.insert(key, present); // inserting the structure that is there already changes nothing
          }
        }
        case 1 -> {
          assertFalse(t.remove(key, new Node(key)), "only the structure that is there is removed");
          assertEquals(present != null, present != null && t.remove(key, present));
          reference.remove(key);
        }
        default -> assertSame(present, t.get(key));
      }
      assertEquals(reference.isEmpty(), t.isEmpty());
    }
    assertEquals(new HashSet<>(reference.values()), new HashSet<>(t.values()));
    assertEquals(reference.size(), t.values().size());
  }

  @ParameterizedTest(name = "keyed = {0}")
  @ValueSource(booleans = {false, true})
  void anotherStructureUnderATakenKeyIsRefused(boolean keyed) {
    FcbTable<String, Node> t = table(keyed);
    t.insert("A", new Node("A"));
    t.insert("B", new Node("B")); // the second goes past the inline slot
    assertThrows(IllegalStateException.class, () -> t.insert("A", new Node("A")));
    assertThrows(IllegalStateException.class, () -> t.insert("B", new Node("B")));
  }

  @Test
  void aKeyedTableRefusesAStructureUnderAKeyItDoesNotKnow() {
    FcbTable<String, Node> t = table(true);
    t.insert("A", new Node("A"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.insert("B", new Node("C")));
    assertTrue(e.getMessage().contains("not B"), e.getMessage());
    assertNull(t.get("B"));
    assertNull(t.get("C"));
  }
}
