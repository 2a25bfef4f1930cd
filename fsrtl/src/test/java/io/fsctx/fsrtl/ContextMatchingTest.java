package io.fsctx.fsrtl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.fsrtl.Family.Fixture;
import io.fsctx.nt.BugCheckException;
import io.fsctx.nt.NtStatus;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The lookup and remove matching rules, checked on all three context families through both faces
 * (fsrtl.md 7.2, 7.3, 8, 9; items 14.11 to 14.17, 14.19 to 14.21, 14.33, 14.34, 14.43, 14.47).
 */
class ContextMatchingTest {
  private final Ptr ownerA = new Ptr("OwnerA");
  private final Ptr ownerB = new Ptr("OwnerB");
  private final Ptr inst1 = new Ptr("Inst1");
  private final Ptr inst2 = new Ptr("Inst2");

  @ParameterizedTest(name = "{0}")
  @EnumSource(Family.class)
  @DisplayName("fsrtl.md 14.11: a successful insert returns STATUS_SUCCESS and makes the context findable by its owner")
  void insert_supportedList_succeedsAndIsFindableByOwner(Family family) {
    Fixture f = family.create();
    FsRtlContext c = f.newContext(ownerA, inst1);

    assertEquals(NtStatus.STATUS_SUCCESS, f.insert(c));
    assertSame(c, f.lookup(ownerA, null));
    assertTrue(c.isLinked());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Family.class)
  @DisplayName("fsrtl.md 14.12: lookup with neither id returns the first context in list order, whoever owns it")
  void lookup_noIds_returnsHeadWhateverItsOwner(Family family) {
    Fixture f = family.create();
    f.insertNew(ownerA, inst1);
    FsRtlContext newest = f.insertNew(ownerB, null);

    assertSame(newest, f.lookup(null, null));
    assertSame(f.contents().get(0), f.lookup(null, null));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Family.class)
  @DisplayName("fsrtl.md 14.13: lookup by owner alone matches a context of that owner whatever its InstanceId")
  void lookup_ownerOnly_matchesContextWithInstance(Family family) {
    Fixture f = family.create();
    f.insertNew(ownerB, null);
    FsRtlContext c = f.insertNew(ownerA, inst1);
    f.insertNew(ownerB, inst2);

    assertSame(c, f.lookup(ownerA, null));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Family.class)
  @DisplayName("fsrtl.md 14.14: lookup by owner and instance skips a context of the same owner with another instance (no ReactOS quirk)")
  void lookup_ownerAndOtherInstance_returnsNull(Family family) {
    Fixture f = family.create();
    f.insertNew(ownerA, inst1);

    assertNull(f.lookup(ownerA, inst2));
    assertNull(f.remove(ownerA, inst2));
    assertEquals(1, f.contents().size());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Family.class)
  @DisplayName("fsrtl.md 14.14: lookup by owner and instance never matches a context that has no InstanceId")
  void lookup_ownerAndInstanceAgainstNullInstance_returnsNull(Family family) {
    Fixture f = family.create();
    f.insertNew(ownerA, null);

    assertNull(f.lookup(ownerA, inst1));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Family.class)
  @DisplayName("fsrtl.md 14.15: lookup by owner and instance returns the context matching both, even behind newer ones of the owner")
  void lookup_ownerAndInstance_returnsBothMatching(Family family) {
    Fixture f = family.create();
    FsRtlContext wanted = f.insertNew(ownerA, inst1);
    f.insertNew(ownerA, inst2);
    f.insertNew(ownerB, inst1);

    assertSame(wanted, f.lookup(ownerA, inst1));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Family.class)
  @DisplayName("fsrtl.md 14.16: lookup and remove with an InstanceId but no OwnerId are rejected, never a match")
  void lookupAndRemove_instanceWithoutOwner_throwIllegalArgument(Family family) {
    Fixture f = family.create();
    FsRtlContext c = f.insertNew(ownerA, inst1);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.lookup(null, inst1));
    assertTrue(e.getMessage().contains("Inst1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> f.remove(null, inst1));
    assertTrue(c.isLinked());
    assertEquals(List.of(c), f.contents());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Family.class)
  @DisplayName("fsrtl.md 14.17: lookup returns null when no context matches")
  void lookup_noMatch_returnsNull(Family family) {
    Fixture f = family.create();
    assertNull(f.lookup(null, null));
    f.insertNew(ownerA, inst1);

    assertNull(f.lookup(ownerB, null));
    assertNull(f.lookup(ownerB, inst1));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Family.class)
  @DisplayName("fsrtl.md 7.2: ids are compared by identity, like pointers: an equal but distinct owner does not match")
  void lookup_equalButDistinctOwner_returnsNull(Family family) {
    Fixture f = family.create();
    f.insertNew(new Ptr("Same"), null);

    assertNull(f.lookup(new Ptr("Same"), null));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Family.class)
  @DisplayName("fsrtl.md 14.19: lookup by owner returns the most recently inserted match (head insertion)")
  void lookup_twoOfOneOwner_returnsMostRecentlyInserted(Family family) {
    Fixture f = family.create();
    FsRtlContext a = f.insertNew(ownerA, inst1);
    FsRtlContext b = f.insertNew(ownerA, inst2);

    assertSame(b, f.lookup(ownerA, null));
    assertEquals(List.of(b, a), f.contents());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Family.class)
  @DisplayName("fsrtl.md 14.20: remove returns the removed context and a later lookup with the same keys no longer finds it")
  void remove_match_returnsItAndLookupNoLongerFindsIt(Family family) {
    Fixture f = family.create();
    FsRtlContext other = f.insertNew(ownerB, null);
    FsRtlContext c = f.insertNew(ownerA, inst1);

    assertSame(c, f.remove(ownerA, inst1));
    assertNull(f.lookup(ownerA, inst1));
    assertFalse(c.isLinked());
    assertEquals(List.of(other), f.contents());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Family.class)
  @DisplayName("fsrtl.md 14.21/14.47: with two matches each remove unlinks exactly one, newest first, and a third returns null")
  void remove_twoMatches_removesOnePerCall(Family family) {
    Fixture f = family.create();
    FsRtlContext older = f.insertNew(ownerA, inst1);
    FsRtlContext newer = f.insertNew(ownerA, inst1);

    assertSame(newer, f.remove(ownerA, inst1));
    assertEquals(List.of(older), f.contents());
    assertSame(older, f.remove(ownerA, inst1));
    assertNull(f.remove(ownerA, inst1));
    assertTrue(f.contents().isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Family.class)
  @DisplayName("fsrtl.md 7.3: remove with no ids unlinks the head, whoever owns it; by owner alone any instance of it")
  void remove_wildcards_followLookupRules(Family family) {
    Fixture f = family.create();
    FsRtlContext a = f.insertNew(ownerA, inst1);
    FsRtlContext b = f.insertNew(ownerB, inst2);
    FsRtlContext c = f.insertNew(ownerB, null);

    assertSame(c, f.remove(null, null));
    assertSame(a, f.remove(ownerA, null));
    assertEquals(List.of(b), f.contents());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Family.class)
  @DisplayName("fsrtl.md 14.22: remove returns null when nothing matches and leaves the list alone")
  void remove_noMatch_returnsNull(Family family) {
    Fixture f = family.create();
    assertNull(f.remove(null, null));
    FsRtlContext c = f.insertNew(ownerA, inst1);

    assertNull(f.remove(ownerB, null));
    assertEquals(List.of(c), f.contents());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Family.class)
  @DisplayName("fsrtl.md 14.34: two distinct contexts with identical OwnerId and InstanceId can both be inserted")
  void insert_duplicateKeys_bothSucceed(Family family) {
    Fixture f = family.create();
    FsRtlContext first = f.newContext(ownerA, inst1);
    FsRtlContext second = f.newContext(ownerA, inst1);

    assertEquals(NtStatus.STATUS_SUCCESS, f.insert(first));
    assertEquals(NtStatus.STATUS_SUCCESS, f.insert(second));
    assertEquals(List.of(second, first), f.contents());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Family.class)
  @DisplayName("fsrtl.md 14.33: inserting a context already on this list bug-checks 0x139/3 and leaves the list intact")
  void insert_alreadyLinkedSameList_throwsBugCheck(Family family) {
    Fixture f = family.create();
    FsRtlContext c = f.insertNew(ownerA, inst1);

    BugCheckException e = assertThrows(BugCheckException.class, () -> f.insert(c));
    assertEquals(0x139, e.bugCheckCode());
    assertEquals(3, e.parameter1());
    assertEquals(List.of(c), f.contents());
    assertFalse(f.lockHeldByCurrentThread(), "the lock must be released after the bug check");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Family.class)
  @DisplayName("fsrtl.md 14.33: inserting a context linked to another list of its family bug-checks and changes neither list")
  void insert_alreadyLinkedOtherList_throwsBugCheck(Family family) {
    Fixture one = family.create();
    Fixture two = family.create();
    FsRtlContext c = one.insertNew(ownerA, inst1);

    BugCheckException e = assertThrows(BugCheckException.class, () -> two.insert(c));
    assertEquals(0x139, e.bugCheckCode());
    assertTrue(two.contents().isEmpty());
    assertEquals(List.of(c), one.contents());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Family.class)
  @DisplayName("fsrtl.md 7.3: a context the filter removed is its own again and can be inserted once more")
  void insert_afterRemove_succeeds(Family family) {
    Fixture f = family.create();
    FsRtlContext c = f.insertNew(ownerA, inst1);
    assertSame(c, f.remove(ownerA, inst1));

    assertEquals(NtStatus.STATUS_SUCCESS, f.insert(c));
    assertSame(c, f.lookup(ownerA, inst1));
  }
}
