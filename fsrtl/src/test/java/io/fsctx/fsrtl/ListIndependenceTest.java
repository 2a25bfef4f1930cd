package io.fsctx.fsrtl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.fsctx.io.FileObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The three lists are independent (fsrtl.md 14.49). */
class ListIndependenceTest {
  private final Ptr owner = new Ptr("Owner");
  private final Ptr instance = new Ptr("Inst");
  private final List<FsRtlContext> freed = new ArrayList<>();
  private final PerFileContextSlot slot = new PerFileContextSlot("File#1");
  private final AdvancedFcbHeader header = new AdvancedFcbHeader("Scb#1");
  private final FileObject fo = new FileObject("FileObject#1", "\\a.txt");

  ListIndependenceTest() {
    header.setupEx(new FastMutex(), slot);
    fo.setFsContext(header);
  }

  @Test
  @DisplayName("fsrtl.md 14.49: an insert into one of the per-stream, per-file and per-file-object lists is invisible to the others")
  void insert_eachList_visibleOnlyThroughItsOwnLookups() {
    PerStreamContext stream = new PerStreamContext(owner, instance, freed::add);
    FsRtl.insertPerStreamContext(fo.fsContext(), stream);

    assertNull(FsRtl.lookupPerFileContext(FsRtl.getPerFileContextPointer(fo), owner, instance));
    assertNull(FsRtl.lookupPerFileObjectContext(fo, null, null));

    PerFileContext file = new PerFileContext(owner, instance, freed::add);
    FsRtl.insertPerFileContext(FsRtl.getPerFileContextPointer(fo), file);
    PerFileObjectContext handle = new PerFileObjectContext(owner, instance);
    FsRtl.insertPerFileObjectContext(fo, handle);

    assertSame(stream, FsRtl.lookupPerStreamContext(fo.fsContext(), null, null));
    assertSame(file, FsRtl.lookupPerFileContext(slot, null, null));
    assertSame(handle, FsRtl.lookupPerFileObjectContext(fo, null, null));
  }

  @Test
  @DisplayName("fsrtl.md 14.49: removing from or tearing down one list leaves the others' contexts in place")
  void removeAndTeardown_oneList_leaveOthersAlone() {
    PerStreamContext stream = new PerStreamContext(owner, instance, freed::add);
    PerFileContext file = new PerFileContext(owner, instance, freed::add);
    PerFileObjectContext handle = new PerFileObjectContext(owner, instance);
    header.insertPerStreamContext(stream);
    slot.insert(file);
    fo.perFileObjectContexts().insert(handle);

    assertSame(handle, FsRtl.removePerFileObjectContext(fo, owner, instance));
    assertSame(stream, header.lookupPerStreamContext(owner, instance));
    assertSame(file, slot.lookup(owner, instance));

    FsRtl.teardownPerStreamContexts(header);
    assertEquals(List.of(stream), freed);
    assertSame(file, slot.lookup(owner, instance));

    FsRtl.teardownPerFileContexts(slot);
    assertEquals(List.of(stream, file), freed);
  }
}
