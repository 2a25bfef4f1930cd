package io.fsctx.modelfs.toolkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.io.CreateParameters;
import io.fsctx.io.IoConstants;
import io.fsctx.nt.NtStatus;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The namespace's disk edits: each makes the disk look as if it had been so, and leaves alone the
 * type of a file that has live in-memory structures.
 */
class NamespaceEditTest {
  private final Namespace disk = new Namespace(StreamNaming.NTFS);
  private final Set<Namespace.FileRecord> open = new HashSet<>();

  private Namespace.FileRecord create(String path, CreateParameters p) {
    Namespace.Resolution r = disk.resolveCreate(path, p);
    assertEquals(NtStatus.STATUS_SUCCESS, r.status(), path);
    return r.openedLink().file();
  }

  private NtStatus openDirectory(String path) {
    return disk.resolveCreate(path, CreateParameters.open().withOptions(IoConstants.FILE_DIRECTORY_FILE)).status();
  }

  @Test
  void ensureDirectory_missingComponents_madeTopDown() {
    assertTrue(disk.ensureDirectory("\\a\\b\\c", open::contains));
    assertEquals(NtStatus.STATUS_SUCCESS, openDirectory("\\a"));
    assertEquals(NtStatus.STATUS_SUCCESS, openDirectory("\\a\\b\\c"));
    assertTrue(disk.ensureDirectory("\\", open::contains), "the root is a directory");
  }

  @Test
  void ensureDirectory_plainFileWithoutStructures_turnedKeepingItsIdentity() {
    Namespace.FileRecord f = create("\\Downloads", CreateParameters.openIf());
    assertTrue(disk.ensureDirectory("\\Downloads\\sub", open::contains));
    Namespace.Resolution r = disk.resolveCreate("\\Downloads", CreateParameters.open().withOptions(IoConstants.FILE_DIRECTORY_FILE));
    assertSame(f, r.openedLink().file(), "the same file, now a directory");
    assertEquals(NtStatus.STATUS_SUCCESS, openDirectory("\\Downloads\\sub"));
  }

  @Test
  void ensureDirectory_plainFileInUse_leftAloneAndRefused() {
    open.add(create("\\busy", CreateParameters.openIf()));
    assertFalse(disk.ensureDirectory("\\busy\\sub", open::contains));
    assertEquals(NtStatus.STATUS_NOT_A_DIRECTORY, openDirectory("\\busy"));
    assertFalse(disk.exists("\\busy\\sub"));
  }

  @Test
  void turnIntoDirectory_noSuchFileOrInUse_false() {
    assertFalse(disk.turnIntoDirectory("\\none", open::contains));
    open.add(create("\\f", CreateParameters.openIf()));
    assertFalse(disk.turnIntoDirectory("\\f", open::contains));
    open.clear();
    assertTrue(disk.turnIntoDirectory("\\f", open::contains));
    assertTrue(disk.turnIntoDirectory("\\f", open::contains), "already a directory");
  }

  @Test
  void clearDeletePending_markedFile_opensAgain() {
    Namespace.FileRecord f = create("\\d.txt", CreateParameters.openIf());
    f.setDeletePending(true);
    assertEquals(NtStatus.STATUS_DELETE_PENDING, disk.resolveCreate("\\d.txt", CreateParameters.openIf()).status());
    assertTrue(disk.clearDeletePending("\\d.txt:ads"), "a stream part names the file");
    assertFalse(disk.clearDeletePending("\\d.txt"), "nothing left to clear");
    assertEquals(NtStatus.STATUS_SUCCESS, disk.resolveCreate("\\d.txt", CreateParameters.openIf()).status());
  }

  @Test
  void linkById_indexMadeOnFirstUse_followsLaterCreatesNamesAndDeletes() {
    Namespace.FileRecord a = create("\\a", CreateParameters.openIf());
    Namespace.FileRecord dir = create("\\d", CreateParameters.openIf());
    assertEquals("\\a", java.util.Objects.requireNonNull(disk.linkById(a.fileId(), null)).path());
    Namespace.FileRecord b = create("\\b", CreateParameters.openIf());
    assertEquals("\\b", java.util.Objects.requireNonNull(disk.linkById(b.fileId(), null)).path(),
        "a file created after the index was made is found");
    assertEquals(NtStatus.STATUS_SUCCESS, disk.link(b.links().get(0), "\\c", false, x -> false));
    assertTrue(disk.freeName("\\b"));
    assertEquals("\\c", java.util.Objects.requireNonNull(disk.linkById(b.fileId(), null)).path(),
        "found under the name it has now");
    assertTrue(disk.freeName("\\A"));
    assertNull(disk.linkById(a.fileId(), null), "a nameless file has no name to be opened by");
    assertTrue(disk.deleteFile(b));
    assertNull(disk.linkById(b.fileId(), null), "a deleted file is gone");
    assertEquals("\\d", java.util.Objects.requireNonNull(disk.linkById(dir.fileId(), null)).path());
    assertNull(disk.linkById(9999, null));
  }

  @Test
  void links_threeNames_keepCreationOrder_throughRemovals() {
    Namespace.FileRecord f = create("\\a", CreateParameters.openIf());
    assertEquals(NtStatus.STATUS_SUCCESS, disk.link(f.links().get(0), "\\b", false, x -> false));
    assertEquals(NtStatus.STATUS_SUCCESS, disk.link(f.links().get(0), "\\c", false, x -> false));
    assertEquals(List.of("\\a", "\\b", "\\c"), f.links().stream().map(Namespace.Link::path).toList());
    assertTrue(disk.freeName("\\B"));
    assertEquals(List.of("\\a", "\\c"), f.links().stream().map(Namespace.Link::path).toList());
    assertTrue(disk.freeName("\\a"));
    assertEquals(List.of("\\c"), f.links().stream().map(Namespace.Link::path).toList());
    assertTrue(f.toString().endsWith(" \\c"), "a file prints its first remaining name: " + f);
    assertEquals(NtStatus.STATUS_SUCCESS, disk.link(f.links().get(0), "\\d", false, x -> false));
    assertEquals(List.of("\\c", "\\d"), f.links().stream().map(Namespace.Link::path).toList());
  }

  @Test
  void freeName_fileKeepsOtherNamesAndLivesOnNameless() {
    Namespace.FileRecord f = create("\\a", CreateParameters.openIf());
    assertEquals(NtStatus.STATUS_SUCCESS, disk.link(f.links().get(0), "\\b", false, x -> false));
    assertTrue(disk.freeName("\\A"));
    assertFalse(disk.exists("\\a"));
    assertEquals(List.of("\\b"), f.links().stream().map(Namespace.Link::path).toList());
    assertTrue(disk.freeName("\\b"));
    assertTrue(f.links().isEmpty());
    assertEquals("", disk.nameOf(f, null, ""), "nameless, as a file replaced by a POSIX rename");
    assertEquals(NtStatus.STATUS_SUCCESS, disk.resolveCreate("\\a", CreateParameters.create()).status(), "the name is free");
  }

  @Test
  void freeName_rootOrDirectoryWithEntriesOrMissing_false() {
    create("\\dir", CreateParameters.openIf().withOptions(IoConstants.FILE_DIRECTORY_FILE));
    create("\\dir\\x", CreateParameters.openIf());
    assertFalse(disk.freeName("\\"));
    assertFalse(disk.freeName("\\dir"));
    assertFalse(disk.freeName("\\missing"));
    assertTrue(disk.exists("\\dir\\x"));
  }

  @Test
  void edits_streamOrInvalidPath_preconditionFailure() {
    assertThrows(IllegalArgumentException.class, () -> disk.ensureDirectory("\\a:s", open::contains));
    assertThrows(IllegalArgumentException.class, () -> disk.freeName("\\a:s"));
    assertThrows(IllegalArgumentException.class, () -> disk.turnIntoDirectory("no\\backslash", open::contains));
    assertThrows(IllegalArgumentException.class, () -> disk.clearDeletePending("\\a\\..\\b"));
  }
}
