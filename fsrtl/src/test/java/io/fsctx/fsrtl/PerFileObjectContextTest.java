package io.fsctx.fsrtl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.io.FileObject;
import io.fsctx.nt.NtStatus;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Per-file-object contexts: the null file object, the container allocated on demand, and the leak
 * at file-object deletion (fsrtl.md 9, 11.20, 11.21; items 14.45, 14.46, 14.48). The matching rules
 * and 14.47 are covered for this family by {@link ContextMatchingTest}.
 */
class PerFileObjectContextTest {
  private final Ptr owner = new Ptr("Owner");
  private final Ptr instance = new Ptr("Inst");

  @Test
  @DisplayName("fsrtl.md 14.45: InsertPerFileObjectContext with a null file object returns STATUS_INVALID_PARAMETER")
  void insertPerFileObjectContext_nullFileObject_invalidParameter() {
    PerFileObjectContext c = new PerFileObjectContext(owner, null);

    NtStatus s = FsRtl.insertPerFileObjectContext(null, c);

    assertEquals(NtStatus.STATUS_INVALID_PARAMETER, s);
    assertEquals(0xC000000D, s.code());
    assertFalse(c.isLinked());
    assertNull(FsRtl.lookupPerFileObjectContext(null, owner, null));
    assertNull(FsRtl.removePerFileObjectContext(null, owner, null));
  }

  @Test
  @DisplayName("fsrtl.md 14.46: lookup and remove return null for a file object that never had contexts, allocating nothing")
  void lookupAndRemove_fileObjectWithoutContexts_returnNull() {
    FileObject fo = new FileObject("FileObject#1", "\\a.txt");

    assertNull(FsRtl.lookupPerFileObjectContext(fo, owner, null));
    assertNull(FsRtl.lookupPerFileObjectContext(fo, null, null));
    assertNull(FsRtl.removePerFileObjectContext(fo, owner, instance));
    assertFalse(fo.perFileObjectContexts().isAllocated());
  }

  @Test
  @DisplayName("fsrtl.md 11.21 policy: the container is allocated on the first insert, not refused for a file object without one")
  void insert_firstOnFileObject_allocatesContainer() {
    FileObject fo = new FileObject("FileObject#1", "\\a.txt");
    PerFileObjectContext c = new PerFileObjectContext(owner, instance);

    assertEquals(NtStatus.STATUS_SUCCESS, FsRtl.insertPerFileObjectContext(fo, c));

    assertTrue(fo.perFileObjectContexts().isAllocated());
    assertSame(c, FsRtl.lookupPerFileObjectContext(fo, owner, instance));
  }

  @Test
  @DisplayName("fsrtl.md 9: InsertPerFileObjectContext returns INSUFFICIENT_RESOURCES when the container cannot be allocated")
  void insert_allocationFails_insufficientResources() {
    FileObject fo = new FileObject("FileObject#1", "\\a.txt");
    fo.setAllocationFaults(what -> true);
    PerFileObjectContext c = new PerFileObjectContext(owner, null);

    assertEquals(NtStatus.STATUS_INSUFFICIENT_RESOURCES, FsRtl.insertPerFileObjectContext(fo, c));

    assertFalse(c.isLinked());
    assertFalse(fo.perFileObjectContexts().isAllocated());
  }

  @Test
  @DisplayName("fsrtl.md 14.48: deleting a file object with contexts still linked calls nobody back and reports them as leaked")
  void leakAtDelete_contextsStillLinked_reportedNotCalledBack() {
    FileObject fo = new FileObject("FileObject#1", "\\a.txt");
    PerFileObjectContext first = new PerFileObjectContext(owner, null);
    PerFileObjectContext second = new PerFileObjectContext(owner, instance);
    FsRtl.insertPerFileObjectContext(fo, first);
    FsRtl.insertPerFileObjectContext(fo, second);

    List<PerFileObjectContext> leaked = fo.perFileObjectContexts().leakAtDelete();

    assertEquals(List.of(second, first), leaked);
    assertFalse(fo.perFileObjectContexts().isAllocated());
    assertFalse(first.isLinked());
    assertEquals(List.of(), fo.perFileObjectContexts().leakAtDelete(), "nothing is reported twice");
  }

  @Test
  @DisplayName("fsrtl.md 14.48: a file object whose filters removed their contexts before close leaks nothing")
  void leakAtDelete_afterRemove_reportsNothing() {
    FileObject fo = new FileObject("FileObject#1", "\\a.txt");
    FsRtl.insertPerFileObjectContext(fo, new PerFileObjectContext(owner, null));
    FsRtl.removePerFileObjectContext(fo, owner, null);

    assertEquals(List.of(), fo.perFileObjectContexts().leakAtDelete());
  }

  @Test
  @DisplayName("fsrtl.md 14.48: FSRTL_PER_FILEOBJECT_CONTEXT has no FreeCallback to call")
  void perFileObjectContext_hasNoFreeCallback() {
    List<String> names = Arrays.stream(PerFileObjectContext.class.getMethods()).map(Method::getName).toList();

    assertFalse(names.contains("freeCallback"));
    assertTrue(Arrays.stream(PerStreamContext.class.getMethods()).anyMatch(m -> m.getName().equals("freeCallback")));
  }

  @Test
  @DisplayName("fsrtl.md 5: FsRtlInitPerFileObjectContext assigns the ids and refuses a null owner")
  void initPerFileObjectContext_assignsIdsRejectsNullOwner() {
    PerFileObjectContext c = new PerFileObjectContext();
    FsRtl.initPerFileObjectContext(c, owner, instance);

    assertSame(owner, c.ownerId());
    assertSame(instance, c.instanceId());
    assertThrows(IllegalArgumentException.class, () -> FsRtl.initPerFileObjectContext(c, null, instance));
  }
}
