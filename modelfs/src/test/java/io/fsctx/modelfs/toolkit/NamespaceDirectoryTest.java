package io.fsctx.modelfs.toolkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.io.CreateParameters;
import io.fsctx.io.IoConstants;
import io.fsctx.nt.NtStatus;
import org.junit.jupiter.api.Test;

/**
 * What the namespace answers about a directory's entries (listing, emptiness, a rename that moves
 * what is below): each through its own directory, whatever else is on the disk.
 */
class NamespaceDirectoryTest {
  private final Namespace disk = new Namespace(StreamNaming.NTFS);

  private Namespace.Link create(String path, boolean directory) {
    CreateParameters p = CreateParameters.openIf();
    if (directory) {
      p = p.withOptions(IoConstants.FILE_DIRECTORY_FILE);
    }
    Namespace.Resolution r = disk.resolveCreate(path, p);
    assertEquals(NtStatus.STATUS_SUCCESS, r.status(), path);
    return r.openedLink();
  }

  @Test
  void countEntries_starAndExactName_onlyDirectEntriesCaseInsensitively() {
    Namespace.Link root = create("\\", true);
    Namespace.Link dir = create("\\Dir", true);
    create("\\Dir\\a.txt", false);
    create("\\Dir\\B.txt", false);
    create("\\Dir\\Sub", true);
    create("\\Dir\\Sub\\deep.txt", false);
    create("\\Dir\\a.txt:ads", false);
    create("\\Other", true);
    assertEquals(3, disk.countEntries(dir, "*"), "a.txt, B.txt, Sub; not deep.txt, not a stream");
    assertEquals(1, disk.countEntries(dir, "b.TXT"));
    assertEquals(0, disk.countEntries(dir, "deep.txt"));
    assertEquals(0, disk.countEntries(dir, "Sub\\deep.txt"));
    assertEquals(2, disk.countEntries(root, "*"), "Dir and Other");
    assertEquals(0, disk.countEntries(create("\\Other", true), "*"));
  }

  @Test
  void checkDelete_directoryEmptiedByDeleteAndRename_deletableAgain() {
    Namespace.Link dir = create("\\d", true);
    Namespace.Link f = create("\\d\\f", false);
    Namespace.Link g = create("\\d\\g", false);
    assertEquals(NtStatus.STATUS_DIRECTORY_NOT_EMPTY, disk.checkDelete(dir, ""));
    f.file().setDeletePending(true);
    assertTrue(disk.deleteFile(f.file()));
    assertEquals(NtStatus.STATUS_SUCCESS, disk.rename(g, "\\g", false, file -> false));
    assertEquals(NtStatus.STATUS_SUCCESS, disk.checkDelete(dir, ""));
    assertEquals(0, disk.countEntries(dir, "*"));
  }

  @Test
  void rename_directory_everyNameBelowMovesAtAnyDepth() {
    Namespace.Link dir = create("\\Old", true);
    create("\\Old\\a", true);
    create("\\Old\\a\\b", true);
    create("\\Old\\a\\b\\c.txt", false);
    create("\\Older", true);
    create("\\Older\\x.txt", false);
    assertEquals(NtStatus.STATUS_SUCCESS, disk.rename(dir, "New", false, file -> false));
    assertTrue(disk.exists("\\new\\A\\b\\C.TXT"));
    assertFalse(disk.exists("\\Old\\a\\b\\c.txt"));
    assertTrue(disk.exists("\\Older\\x.txt"), "a sibling whose name starts the same stays");
    assertEquals("\\New\\a\\b", disk.normalizePath("\\NEW\\A\\B"));
    assertEquals(1, disk.countEntries(create("\\New\\a\\b", true), "*"));
    assertEquals(NtStatus.STATUS_DIRECTORY_NOT_EMPTY, disk.checkDelete(dir, ""));
  }

  @Test
  void freeName_lastEntry_directoryEmpty() {
    Namespace.Link dir = create("\\d", true);
    create("\\d\\only", false);
    assertFalse(disk.freeName("\\d"), "a directory with entries keeps its name");
    assertTrue(disk.freeName("\\d\\only"));
    assertEquals(0, disk.countEntries(dir, "*"));
    assertTrue(disk.freeName("\\d"));
    assertFalse(disk.exists("\\d"));
  }

  @Test
  void countEntries_manyRenamesWithinAndAcrossDirectoriesAndDeletes_countsEachNameOnce() {
    Namespace.Link a = create("\\a", true);
    Namespace.Link b = create("\\b", true);
    java.util.List<Namespace.Link> files = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      files.add(create("\\a\\f" + i, false));
    }
    assertEquals(200, disk.countEntries(a, "*"));
    for (int i = 0; i < 200; i += 2) { // within the directory: still one entry each
      assertEquals(NtStatus.STATUS_SUCCESS, disk.rename(files.get(i), "\\a\\g" + i, false, file -> false));
    }
    assertEquals(200, disk.countEntries(a, "*"));
    for (int i = 1; i < 200; i += 2) { // across: the entry moves
      assertEquals(NtStatus.STATUS_SUCCESS, disk.rename(files.get(i), "\\b\\h" + i, false, file -> false));
    }
    assertEquals(100, disk.countEntries(a, "*"));
    assertEquals(100, disk.countEntries(b, "*"));
    for (int i = 0; i < 200; i += 2) {
      files.get(i).file().setDeletePending(true);
      assertTrue(disk.deleteFile(files.get(i).file()));
    }
    assertEquals(0, disk.countEntries(a, "*"));
    assertEquals(NtStatus.STATUS_SUCCESS, disk.checkDelete(a, ""));
    assertEquals(NtStatus.STATUS_SUCCESS, disk.rename(b, "\\c", false, file -> false));
    assertEquals(100, disk.countEntries(create("\\c", true), "*"));
    assertTrue(disk.exists("\\c\\h199"));
  }
}
