package io.fsctx.modelfs.toolkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link NameTable} against a {@code HashMap} of folded keys, the structure it replaced. */
class NameTableTest {
  private final Namespace.FileRecord file = new Namespace.FileRecord(1, false);

  private Namespace.Link link(String path) {
    return new Namespace.Link(file, path);
  }

  @Test
  void caseInsensitive_lookupsMeetWhateverTheCase_andFoldingThatChangesLength() {
    NameTable t = new NameTable();
    Namespace.Link a = link("\\Dir\\File.TXT");
    assertNull(t.put(NamePaths.key(a.path()), a));
    assertSame(a, t.get(NamePaths.key("\\dir\\file.txt")));
    assertTrue(t.containsKey("\\DIR\\FILE.TXT"));
    Namespace.Link strasse = link("\\Straße");
    t.put(NamePaths.key(strasse.path()), strasse);
    assertSame(strasse, t.get(NamePaths.key("\\STRASSE")), "ß folds to SS, as String.toUpperCase does");
    Namespace.Link accented = link("\\café");
    t.put(NamePaths.key(accented.path()), accented);
    assertSame(accented, t.get(NamePaths.key("\\CAFÉ")));
    assertNull(t.get(NamePaths.key("\\cafe")));
    assertEquals(3, t.size());
  }

  @Test
  void put_sameKey_replacesAndReturnsTheOld_removeOnlyTakesTheLinkItHolds() {
    NameTable t = new NameTable();
    Namespace.Link first = link("\\a.txt");
    Namespace.Link second = link("\\A.TXT");
    t.put("\\A.TXT", first);
    assertSame(first, t.put("\\A.TXT", second));
    assertEquals(1, t.size());
    assertFalse(t.remove("\\A.TXT", first), "the displaced link no longer holds the name");
    assertSame(second, t.get("\\A.TXT"));
    assertTrue(t.remove("\\A.TXT", second));
    assertNull(t.get("\\A.TXT"));
    assertEquals(0, t.size());
  }

  @Test
  void randomOperations_matchAMapOfFoldedKeys() {
    Random r = new Random(14);
    NameTable t = new NameTable();
    Map<String, Namespace.Link> reference = new HashMap<>();
    String[] parts = {"a", "B", "c.txt", "Ä", "ß", "dir", "x", "Y", "zz", "é"};
    for (int step = 0; step < 200_000; step++) {
      StringBuilder p = new StringBuilder();
      int depth = 1 + r.nextInt(3);
      for (int d = 0; d < depth; d++) {
        p.append('\\').append(parts[r.nextInt(parts.length)]).append(r.nextInt(40));
      }
      String path = p.toString();
      String key = NamePaths.key(path);
      switch (r.nextInt(3)) {
        case 0 -> {
          Namespace.Link l = link(path);
          assertSame(reference.put(key, l), t.put(key, l), "put " + path);
        }
        case 1 -> {
          Namespace.Link held = reference.get(key);
          if (held != null) {
            assertTrue(t.remove(key, held), "remove " + path);
            reference.remove(key);
          } else {
            assertFalse(t.remove(key, link(path)));
          }
        }
        default -> assertSame(reference.get(key), t.get(key), "get " + path);
      }
      assertEquals(reference.size(), t.size());
    }
    for (Map.Entry<String, Namespace.Link> e : reference.entrySet()) {
      assertSame(e.getValue(), t.get(e.getKey()));
    }
    assertEquals(new HashSet<>(reference.values()), new HashSet<>(t.values()));
  }

  @Test
  void manyRemovals_leaveEveryRemainingNameReachable() {
    NameTable t = new NameTable();
    List<Namespace.Link> all = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      Namespace.Link l = link("\\data\\dir" + (i % 7) + "\\file" + i + ".txt");
      all.add(l);
      t.put(NamePaths.key(l.path()), l);
    }
    for (int i = 0; i < all.size(); i += 2) {
      Namespace.Link l = all.get(i);
      assertTrue(t.remove(NamePaths.key(l.path()), l));
    }
    for (int i = 0; i < all.size(); i++) {
      Namespace.Link l = all.get(i);
      assertEquals(i % 2 == 1 ? l : null, t.get(NamePaths.key(l.path())), l.path());
    }
    assertEquals(2_500, t.size());
  }

  @Test
  void sameKey_isTheFoldedComparison() {
    for (String[] c : new String[][] {
        {"\\a\\B.txt", "\\A\\B.TXT"}, {"\\Straße", "\\STRASSE"}, {"\\ﬁle", "\\FILE"}, {"\\ı", "\\I"},
        {"\\a", "\\B"}, {"\\abc", "\\AB"}, {"\\é", "\\É"}}) {
      assertEquals(NamePaths.key(c[0]).equals(c[1]), NameTable.sameKey(c[0], c[1]), c[0] + " vs " + c[1]);
    }
  }
}
