package io.fsctx.tools.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The handle pairing of spec/replay.md "Handles", on the table alone. */
class HandleTableTest {
  private HandleTable<String> table = new HandleTable<>();

  private static TracePath p(String path) {
    return Objects.requireNonNull(TracePath.parse(path), path);
  }

  private List<String> drain() {
    List<String> out = new ArrayList<>();
    for (String fo = table.popMostRecent(); fo != null; fo = table.popMostRecent()) {
      out.add(fo);
    }
    return out;
  }

  @Test
  @DisplayName("Handles: keys are (PID, path as written) compared case-insensitively; x and x::$DATA differ")
  void peek_caseVariantsAndDataSuffix_keyedAsWritten() {
    table.push(1, p("C:\\Dir\\a.txt"), "fo1");
    assertEquals("fo1", table.peek(1, p("c:\\DIR\\A.TXT")));
    assertNull(table.peek(2, p("C:\\Dir\\a.txt")));
    assertNull(table.peek(1, p("C:\\Dir\\a.txt::$DATA")));
    assertEquals(1, table.keyCount());
  }

  @Test
  @DisplayName("Handles: a key is a stack, the most recently opened on top; the last pop drops the key and the file")
  void pop_stack_mostRecentFirstThenForgotten() {
    table.push(1, p("C:\\a"), "fo1");
    table.push(1, p("C:\\A"), "fo2");
    assertEquals("fo2", table.pop(1, p("C:\\a")));
    assertEquals("fo1", table.pop(1, p("C:\\a")));
    assertNull(table.pop(1, p("C:\\a")));
    assertEquals(List.of(0, 0, 0), List.of(table.size(), table.keyCount(), table.fileCount()));
  }

  @Test
  @DisplayName("Lifetimes: the end of the trace closes every open file object, most recently opened first")
  void popMostRecent_afterPopsAndMoves_reverseOpenOrder() {
    table.push(1, p("C:\\a"), "fo1");
    table.push(2, p("C:\\b"), "fo2");
    table.push(1, p("C:\\c"), "fo3");
    table.push(3, p("C:\\a:s"), "fo4");
    table.pop(1, p("C:\\c"));
    table.moveFile(1, p("C:\\a"), p("C:\\z"));
    assertEquals(List.of("fo4", "fo2", "fo1"), drain());
    assertEquals(List.of(0, 0, 0), List.of(table.size(), table.keyCount(), table.fileCount()));
  }

  @Test
  @DisplayName("Lifetimes: a drain interrupted by opens, closes and renames still closes the most recent first")
  void popMostRecent_interleavedWithPushPopAndMove_staysInOpenOrder() {
    table.push(1, p("C:\\a"), "fo1");
    table.push(1, p("D:\\a"), "fo2");
    table.push(2, p("C:\\b"), "fo3");
    table.push(1, p("C:\\a"), "fo4");
    table.push(3, p("D:\\c"), "fo5");
    assertEquals("fo5", table.popMostRecent());
    table.push(4, p("C:\\d"), "fo6"); // opened after the drain began: it is now the most recent
    assertEquals("fo6", table.popMostRecent());
    assertEquals("fo4", table.pop(1, p("C:\\a"))); // a close in between
    table.moveFile(2, p("C:\\b"), p("C:\\z")); // a rename keeps the open order
    assertEquals("fo3", table.popMostRecent());
    assertEquals(List.of("fo2", "fo1"), drain());
    assertNull(table.popMostRecent());
    table.push(5, p("C:\\e"), "fo7"); // a table drained empty takes opens again
    assertEquals(List.of("fo7"), drain());
    assertEquals(List.of(0, 0, 0), List.of(table.size(), table.keyCount(), table.fileCount()));
  }

  @Test
  @DisplayName("Handles: a rename moves every file object of the file, each keeping its PID and stream part")
  void moveFile_streamsAndPids_moveWithTheirSuffix() {
    table.push(1, p("C:\\old.txt"), "fo1");
    table.push(1, p("C:\\old.txt:s1"), "fo2");
    table.push(2, p("c:\\OLD.TXT"), "fo3");
    table.push(3, p("C:\\other.txt"), "fo4");
    assertEquals(3, table.moveFile(1, p("C:\\old.txt"), p("C:\\New.txt")));
    assertEquals("fo1", table.peek(1, p("C:\\new.txt")));
    assertEquals("fo2", table.peek(1, p("C:\\NEW.TXT:S1")));
    assertEquals("fo3", table.peek(2, p("C:\\new.txt")));
    assertEquals("fo4", table.peek(3, p("C:\\other.txt")));
    assertNull(table.peek(1, p("C:\\old.txt")));
    assertEquals(List.of(4, 4, 2), List.of(table.size(), table.keyCount(), table.fileCount()));
  }

  @Test
  @DisplayName("Handles: after a move merges two stacks, the top is still the most recently opened")
  void moveFile_mergeIntoOpenKey_openOrderKept() {
    table.push(1, p("C:\\b"), "b1");
    table.push(1, p("C:\\a"), "a1");
    table.push(1, p("C:\\b"), "b2");
    table.push(1, p("C:\\a"), "a2");
    table.push(1, p("C:\\b"), "b3");
    // b replaces a while a is open: the stack of C:\a now holds both files' objects.
    table.moveFile(1, p("C:\\b"), p("C:\\a"));
    List<String> popped = new ArrayList<>();
    for (String fo = table.pop(1, p("C:\\a")); fo != null; fo = table.pop(1, p("C:\\a"))) {
      popped.add(fo);
    }
    assertEquals(List.of("b3", "a2", "b2", "a1", "b1"), popped);
  }

  @Test
  @DisplayName("Handles: the file a replace displaced keeps its file objects; renaming the name later moves the other file only")
  void moveFile_afterReplace_movesByFileNotByName() {
    table.push(100, p("D:\\tmp\\a.txt"), "a");
    table.push(200, p("D:\\tmp\\a.txt"), "a200");
    table.push(100, p("D:\\tmp\\b.txt"), "b");
    table.moveFile(100, p("D:\\tmp\\b.txt"), p("D:\\tmp\\a.txt"));
    assertEquals("b", table.peek(100, p("D:\\tmp\\a.txt")));
    assertEquals(1, table.moveFile(100, p("D:\\tmp\\a.txt"), p("D:\\tmp\\c.txt")));
    assertEquals("a", table.peek(100, p("D:\\tmp\\a.txt")));
    assertEquals("a200", table.peek(200, p("D:\\tmp\\a.txt")));
    assertEquals("b", table.peek(100, p("D:\\tmp\\c.txt")));
    // The displaced file is nameless: a new open of a.txt is another file.
    table.push(300, p("D:\\tmp\\a.txt"), "new");
    assertEquals(3, table.fileCount());
    assertEquals(2, table.moveFile(100, p("D:\\tmp\\a.txt"), p("D:\\tmp\\d.txt")));
    assertEquals("a200", table.peek(200, p("D:\\tmp\\d.txt")));
    assertEquals("new", table.peek(300, p("D:\\tmp\\a.txt")));
    assertEquals("b", table.peek(100, p("D:\\tmp\\c.txt")));
  }

  @Test
  @DisplayName("Handles: files opened once (kept as their entry alone) are displaced, joined and renamed as any file")
  void loneEntries_displacedJoinedAndRenamedAsFiles() {
    // The minimal case, with each file opened once: b.txt replaces a.txt, then moves on.
    table.push(100, p("D:\\tmp\\a.txt"), "a");
    table.push(100, p("D:\\tmp\\b.txt"), "b");
    assertEquals(2, table.fileCount());
    assertEquals(1, table.moveFile(100, p("D:\\tmp\\b.txt"), p("D:\\tmp\\a.txt")));
    assertEquals("b", table.peek(100, p("D:\\tmp\\a.txt")), "the renamed file is the newer object of a.txt");
    assertEquals(1, table.moveFile(100, p("D:\\tmp\\a.txt"), p("D:\\tmp\\c.txt")), "only b.txt's object moves");
    assertEquals("a", table.peek(100, p("D:\\tmp\\a.txt")), "the displaced file stays open, nameless");
    assertEquals("b", table.peek(100, p("D:\\tmp\\c.txt")));
    // A new open of a.txt is another file; the nameless one is not found by the name.
    table.push(100, p("D:\\tmp\\a.txt"), "a2");
    assertEquals(3, table.fileCount());
    assertEquals(1, table.moveFile(100, p("D:\\tmp\\a.txt"), p("D:\\tmp\\e.txt")), "a2 alone moves");
    assertEquals("a", table.peek(100, p("D:\\tmp\\a.txt")));

    // A second open joins the file of a lone entry; a rename then moves both, and closing one keeps the other's file.
    table.push(1, p("C:\\x"), "x1");
    table.push(2, p("C:\\X"), "x2");
    assertEquals(4, table.fileCount());
    assertEquals(2, table.moveFile(1, p("C:\\x"), p("C:\\y")));
    assertEquals("x2", table.pop(2, p("C:\\y")));
    table.push(3, p("C:\\y"), "y3");
    assertEquals(4, table.fileCount(), "y3 joins the file x1 still holds open");
    assertEquals(2, table.moveFile(3, p("C:\\y"), p("C:\\z")));
    assertEquals(List.of("y3", "x1", "a2", "b", "a"), drain());
    assertEquals(List.of(0, 0, 0), List.of(table.size(), table.keyCount(), table.fileCount()));
  }

  @Test
  @DisplayName("Handles: a lone entry joined to a file object during a drain is drained as itself")
  void loneEntryJoinedDuringADrain_drainedOnce() {
    table.push(1, p("C:\\a"), "a");
    table.push(1, p("C:\\c"), "c");
    table.push(1, p("C:\\b"), "b");
    assertEquals("b", table.popMostRecent());
    assertEquals(1, table.moveFile(1, p("C:\\a"), p("C:\\d")), "a's entry is joined to a file object now");
    assertEquals("c", table.popMostRecent());
    assertEquals("a", table.popMostRecent());
    assertEquals(null, table.popMostRecent());
    assertEquals(List.of(0, 0, 0), List.of(table.size(), table.keyCount(), table.fileCount()));
  }

  @Test
  @DisplayName("Handles: a later open of the renamed file's new name joins the renamed file")
  void push_newNameAfterRename_joinsTheRenamedFile() {
    table.push(1, p("C:\\a"), "a");
    table.moveFile(1, p("C:\\a"), p("C:\\b"));
    table.push(2, p("C:\\B"), "b2");
    assertEquals(1, table.fileCount());
    assertEquals(2, table.moveFile(2, p("C:\\b"), p("C:\\c")));
    assertEquals("a", table.peek(1, p("C:\\c")));
    assertEquals("b2", table.peek(2, p("C:\\c")));
  }

  @Test
  @DisplayName("moveFile with no open file object under the key is a caller's mistake")
  void moveFile_noOpenObject_rejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> table.moveFile(1, p("C:\\a"), p("C:\\b")));
    assertEquals("no file object is open under C:\\a for PID 1", e.getMessage());
  }

  @Test
  @DisplayName("Handles: thousands of keys opened and closed in random order stay paired (the tables grow and shrink)")
  void pushPeekPop_randomAgainstStacks_samePairing() {
    java.util.Random r = new java.util.Random(14);
    java.util.Map<String, java.util.ArrayDeque<String>> reference = new java.util.HashMap<>();
    int open = 0;
    for (int op = 0; op < 100_000; op++) {
      long pid = 1 + r.nextInt(4);
      String path = "C:\\d" + r.nextInt(40) + "\\F" + r.nextInt(100) + ".txt";
      String spelled = r.nextBoolean() ? path : path.toLowerCase(java.util.Locale.ROOT);
      String key = pid + "|" + path.toUpperCase(java.util.Locale.ROOT);
      java.util.ArrayDeque<String> stack = reference.computeIfAbsent(key, k -> new java.util.ArrayDeque<>());
      if (r.nextInt(5) < 3) {
        String fo = "fo" + op;
        table.push(pid, p(spelled), fo);
        stack.push(fo);
        open++;
      } else {
        assertEquals(stack.peek(), table.peek(pid, p(spelled)));
        String popped = table.pop(pid, p(spelled));
        assertEquals(stack.poll(), popped);
        if (popped != null) {
          open--;
        }
      }
      if (stack.isEmpty()) {
        reference.remove(key);
      }
      assertEquals(open, table.size());
      assertEquals(reference.size(), table.keyCount());
    }
    assertEquals(open, drain().size());
    assertEquals(List.of(0, 0, 0), List.of(table.size(), table.keyCount(), table.fileCount()));
  }

  /** The reference model's file: the name it holds (upper case), or null once displaced. */
  private static final class RefFile {
    @org.jspecify.annotations.Nullable String name;

    RefFile(String name) {
      this.name = name;
    }
  }

  /** The reference model's open file object. */
  private static final class RefOpen {
    final String fo;
    final long pid;
    final long seq;
    final String stream;
    final RefFile file;
    String name;

    RefOpen(String fo, long pid, long seq, String name, String stream, RefFile file) {
      this.fo = fo;
      this.pid = pid;
      this.seq = seq;
      this.name = name;
      this.stream = stream;
      this.file = file;
    }
  }

  private static @org.jspecify.annotations.Nullable RefOpen refTop(List<RefOpen> open, long pid, String name, String stream) {
    RefOpen top = null;
    for (RefOpen o : open) {
      if (o.pid == pid && o.name.equals(name) && o.stream.equals(stream) && (top == null || o.seq > top.seq)) {
        top = o;
      }
    }
    return top;
  }

  @Test
  @DisplayName("Handles: opens, closes, renames (replaces too) and a drain in random order agree with a list of opens")
  void pushPopMoveDrain_randomAgainstAListOfOpens_samePairing() {
    randomAgainstAListOfOpens();
  }

  @Test
  @DisplayName("Handles: the same random run with open order renumbered every 1,000 opens agrees with the list of opens")
  void pushPopMoveDrain_sequenceRenumberedOften_samePairing() {
    table = new HandleTable<>(1_000);
    randomAgainstAListOfOpens();
  }

  @Test
  @DisplayName("Handles: a ten-digit PID on drive Z keeps its key; a negative PID is refused")
  void push_largePidOnLastDrive_keyKept() {
    table.push(9_999_999_999L, p("Z:\\a.txt"), "z");
    table.push(9_999_999_998L, p("Z:\\a.txt"), "y");
    assertEquals("z", table.peek(9_999_999_999L, p("z:\\A.TXT")));
    assertEquals(2, table.moveFile(9_999_999_999L, p("Z:\\a.txt"), p("Z:\\b.txt")));
    assertEquals("z", table.pop(9_999_999_999L, p("Z:\\b.txt")));
    assertEquals("y", table.pop(9_999_999_998L, p("Z:\\b.txt")), "the file moved, with its other open");
    assertThrows(IllegalArgumentException.class, () -> table.push(-1, p("C:\\a.txt"), "x"));
  }

  private void randomAgainstAListOfOpens() {
    java.util.Random r = new java.util.Random(1914);
    List<RefOpen> open = new ArrayList<>();
    List<RefFile> files = new ArrayList<>();
    String[] streams = {"", ":s1", ":S2:$DATA"};
    long seq = 0;
    for (int op = 0; op < 10_000; op++) {
      long pid = 1 + r.nextInt(3);
      String name = "\\D\\F" + r.nextInt(10) + ".TXT";
      String stream = streams[r.nextInt(streams.length)];
      String spelled = "C:" + (r.nextBoolean() ? name : name.toLowerCase(java.util.Locale.ROOT)) + stream;
      int what = r.nextInt(10);
      RefOpen top = refTop(open, pid, name, stream);
      assertEquals(top == null ? null : top.fo, table.peek(pid, p(spelled)), spelled);
      if (what < 4) {
        RefFile file = null;
        for (RefFile f : files) {
          if (name.equals(f.name)) {
            file = f;
          }
        }
        if (file == null) {
          file = new RefFile(name);
          files.add(file);
        }
        String fo = "fo" + op;
        open.add(new RefOpen(fo, pid, seq++, name, stream, file));
        table.push(pid, p(spelled), fo);
      } else if (what < 8) {
        assertEquals(top == null ? null : top.fo, table.pop(pid, p(spelled)), spelled);
        open.remove(top);
      } else if (top != null) {
        String newName = "\\D\\F" + r.nextInt(10) + ".TXT";
        String spelledNew = "C:" + (r.nextBoolean() ? newName : newName.toLowerCase(java.util.Locale.ROOT));
        for (RefFile f : files) {
          if (newName.equals(f.name)) {
            f.name = null; // displaced (or the file itself, which takes the name again below)
          }
        }
        top.file.name = newName;
        int moved = 0;
        for (RefOpen o : open) {
          if (o.file == top.file) {
            o.name = newName;
            moved++;
          }
        }
        assertEquals(moved, table.moveFile(pid, p(spelled), p(spelledNew)), spelled + " -> " + spelledNew);
      }
      files.removeIf(f -> open.stream().noneMatch(o -> o.file == f));
      assertEquals(open.size(), table.size());
      assertEquals(files.size(), table.fileCount());
      assertEquals(
          open.stream().map(o -> o.pid + "|" + o.name + o.stream.toUpperCase(java.util.Locale.ROOT)).distinct().count(),
          table.keyCount());
      if (op % 5_000 == 4_999) {
        // Part of a drain, then back to opens and closes: the most recent first, as the list says.
        for (int i = 0; i < 3 && !open.isEmpty(); i++) {
          RefOpen newest = open.stream().max(java.util.Comparator.comparingLong(o -> o.seq)).orElseThrow();
          assertEquals(newest.fo, table.popMostRecent());
          open.remove(newest);
        }
        files.removeIf(f -> open.stream().noneMatch(o -> o.file == f));
      }
    }
    List<String> expected = open.stream()
        .sorted(java.util.Comparator.comparingLong((RefOpen o) -> o.seq).reversed())
        .map(o -> o.fo)
        .toList();
    assertEquals(expected, drain());
    assertEquals(List.of(0, 0, 0), List.of(table.size(), table.keyCount(), table.fileCount()));
  }

  @Test
  @DisplayName("Handles: one path on two volumes is two keys and two files; a rename on one leaves the other")
  void pushMove_samePathOnTwoVolumes_keptApart() {
    table.push(1, p("C:\\a.txt"), "c");
    table.push(1, p("D:\\a.txt"), "d");
    assertEquals(List.of(2, 2, 2), List.of(table.size(), table.keyCount(), table.fileCount()));
    assertEquals(1, table.moveFile(1, p("D:\\a.txt"), p("D:\\b.txt")));
    assertEquals("c", table.peek(1, p("c:\\A.TXT")));
    assertEquals("d", table.peek(1, p("d:\\B.txt")));
    assertNull(table.peek(1, p("D:\\a.txt")));
    assertThrows(IllegalArgumentException.class, () -> table.moveFile(1, p("C:\\a.txt"), p("D:\\z.txt")));
  }

  @Test
  @DisplayName("Handles: a trailing backslash names the same file, but is its own key as written until a rename")
  void push_trailingBackslash_sameFileOtherKey() {
    table.push(1, p("C:\\dir"), "fo1");
    table.push(1, p("C:\\DIR\\"), "fo2");
    assertEquals(List.of(2, 2, 1), List.of(table.size(), table.keyCount(), table.fileCount()));
    // Both keys take the new name as written: they merge, the most recently opened on top.
    assertEquals(2, table.moveFile(1, p("C:\\dir\\"), p("C:\\moved")));
    assertEquals("fo2", table.peek(1, p("C:\\MOVED")));
    assertEquals(1, table.keyCount());
    assertEquals(List.of("fo2", "fo1"), drain());
  }

  @Test
  @DisplayName("Handles: names beyond ASCII compare folded one unit at a time (É and é are one key)")
  void peek_nonAsciiCase_sameKey() {
    table.push(7, p("C:\\Caf\u00e9\\\u00e9t\u00e9.txt"), "fo1");
    assertEquals("fo1", table.peek(7, p("c:\\CAF\u00c9\\\u00c9T\u00c9.TXT")));
    assertNull(table.peek(7, p("C:\\Cafe\\ete.txt")));
    assertEquals(1, table.moveFile(7, p("C:\\caf\u00c9\\\u00c9t\u00c9.txt"), p("C:\\\u00dcber.txt")));
    assertEquals("fo1", table.peek(7, p("C:\\\u00fcBER.TXT")));
  }

  @Test
  @DisplayName("Handles: a key's hash, found again from the path as written, is the hash of the row's folded path")
  void foldedHash_agreesWithTheFoldedPathsHash() {
    java.util.Random r = new java.util.Random(15);
    String units = "aZz09\\._-:\u00e9\u00c9\u00df\u0131\u03c3\u03a3\u0434";
    for (int i = 0; i < 5_000; i++) {
      StringBuilder b = new StringBuilder("\\");
      for (int n = r.nextInt(30); n > 0; n--) {
        b.append(units.charAt(r.nextInt(units.length())));
      }
      String rest = b.toString();
      String written = (r.nextBoolean() ? "c:" : "C:") + rest;
      String folded = TracePath.fold(written);
      assertEquals(folded.hashCode(), HandleTable.foldedHash('C', rest), written);
      assertEquals(true, HandleTable.sameFolded(rest, folded), written);
      assertEquals(false, HandleTable.sameFolded(rest + "x", folded), written);
    }
  }
}
