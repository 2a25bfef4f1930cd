package io.fsctx.verifier;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.io.FileObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link VolumeFiles}: when a volume's file objects are all gone and its dismount has returned. */
class VolumeFilesTest {

  @Test
  @DisplayName("a file object seen at its create's start and again when built counts once; the last delete after the dismount says gone")
  void openedTwice_countsOnce_lastDeleteAfterDismountIsGone() {
    VolumeFiles v = new VolumeFiles();
    FileObject a = new FileObject("FileObject#1", "\\a");
    FileObject b = new FileObject("FileObject#2", "\\b");
    v.opened(a);
    v.opened(a);
    v.opened(b);
    assertFalse(v.dismountedAndEmpty(), "two file objects are open");
    assertFalse(v.deletedAndGone(a), "b is still open");
    assertFalse(v.deletedAndGone(a), "a is no longer counted");
    assertFalse(v.deletedAndGone(new FileObject("FileObject#3", "\\c")), "never counted");
    assertTrue(v.deletedAndGone(b));
  }

  @Test
  @DisplayName("before the dismount returns, the last delete is not gone; the dismount then finds the volume empty")
  void lastDeleteBeforeDismount_notGone_thenDismountEmpty() {
    VolumeFiles v = new VolumeFiles();
    List<FileObject> all = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) { // enough to grow the table and move runs back on removal
      FileObject fo = new FileObject("FileObject#" + i, "\\f" + i);
      all.add(fo);
      v.opened(fo);
    }
    for (FileObject fo : all) {
      assertFalse(v.deletedAndGone(fo), fo::toString);
    }
    assertTrue(v.dismountedAndEmpty());
  }
}
