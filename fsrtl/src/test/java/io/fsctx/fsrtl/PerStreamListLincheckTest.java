package io.fsctx.fsrtl;

import io.fsctx.nt.NtStatus;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the per-stream list ({@code FilterContexts} of an advanced header, fsrtl.md
 * 7): insert, lookup, remove and teardown of contexts with two owners and two instances,
 * checked by Lincheck against the same operations run one at a time, with both model checking and
 * stress. Results are statuses and the (owner, instance) labels of the contexts found, so the
 * sequential runs have something comparable.
 *
 * <p>Teardown is not atomic by design: it unlinks the head, drops the lock, calls the free
 * callback, and repeats (fsrtl.md 7.4, so that a free callback may use the list). A lookup or a
 * remove that runs between two of its steps sees a state no atomic teardown could produce, so the
 * linearizable set keeps teardown away from lookups and removes (a non-parallel group) and runs it
 * freely only against inserts of fresh contexts; {@link #teardownRacingLookups_isNotAtomic_documented} shows the
 * documented non-atomicity.
 */
class PerStreamListLincheckTest {

  /** Lincheck parameters: small, so each mode finishes in a few seconds on two cores. */
  static <O extends Options<O, ?>> O small(O options) {
    return options.iterations(4).invocationsPerIteration(200).threads(2).actorsPerThread(3).actorsBefore(2).actorsAfter(1);
  }

  /**
   * The state under test: one set-up header. Every insert links a fresh context, as a filter
   * allocates one per insert (re-inserting a context whose teardown is under way would be a use
   * after free); results name a context by its owner and instance, such as {@code "A1"}.
   */
  abstract static class ListState {
    static final Object OWNER_A = "A";
    static final Object OWNER_B = "B";
    static final Object INSTANCE_1 = "1";
    static final Object INSTANCE_2 = "2";

    final AdvancedFcbHeader header = new AdvancedFcbHeader("Scb#1");

    ListState() {
      FsRtl.setupAdvancedHeader(header, new FastMutex());
    }

    static @Nullable Object owner(int i) {
      return i == 0 ? OWNER_A : i == 1 ? OWNER_B : null;
    }

    static @Nullable Object instance(@Nullable Object owner, int i) {
      return owner == null ? null : i == 0 ? INSTANCE_1 : i == 1 ? INSTANCE_2 : null;
    }

    static String label(@Nullable PerStreamContext c) {
      return c == null ? "none" : c.ownerId() + String.valueOf(c.instanceId());
    }

    String doInsert(int owner, int instance) {
      Object o = owner == 0 ? OWNER_A : OWNER_B; // a context always has an owner
      NtStatus st = FsRtl.insertPerStreamContext(header, new PerStreamContext(o, instance(o, instance), c -> {}));
      return st.name();
    }

    String doLookup(int owner, int instance) {
      Object o = owner(owner);
      return label(FsRtl.lookupPerStreamContext(header, o, instance(o, instance)));
    }

    String doRemove(int owner, int instance) {
      Object o = owner(owner);
      return label(FsRtl.removePerStreamContext(header, o, instance(o, instance)));
    }

    int doTeardown() {
      return header.teardownPerStreamContexts();
    }
  }

  /** Insert, lookup and remove all in parallel; teardown never beside a lookup or a remove. */
  @Param(name = "id", gen = IntGen.class, conf = "0:2")
  public static class Linearizable extends ListState {
    /** FsRtlInsertPerStreamContext. */
    @Operation
    public String insert(@Param(name = "id") int owner, @Param(name = "id") int instance) {
      return doInsert(owner, instance);
    }

    /** FsRtlLookupPerStreamContext. */
    @Operation(nonParallelGroup = "observers")
    public String lookup(@Param(name = "id") int owner, @Param(name = "id") int instance) {
      return doLookup(owner, instance);
    }

    /** FsRtlRemovePerStreamContext. */
    @Operation(nonParallelGroup = "observers")
    public String remove(@Param(name = "id") int owner, @Param(name = "id") int instance) {
      return doRemove(owner, instance);
    }

    /** FsRtlTeardownPerStreamContexts; the count of free callbacks. */
    @Operation(nonParallelGroup = "observers")
    public int teardownCount() {
      return doTeardown();
    }
  }

  /** Insert, lookup and remove, every pair in parallel. */
  @Param(name = "id", gen = IntGen.class, conf = "0:2")
  public static class NoTeardown extends ListState {
    /** FsRtlInsertPerStreamContext. */
    @Operation
    public String insert(@Param(name = "id") int owner, @Param(name = "id") int instance) {
      return doInsert(owner, instance);
    }

    /** FsRtlLookupPerStreamContext. */
    @Operation
    public String lookup(@Param(name = "id") int owner, @Param(name = "id") int instance) {
      return doLookup(owner, instance);
    }

    /** FsRtlRemovePerStreamContext. */
    @Operation
    public String remove(@Param(name = "id") int owner, @Param(name = "id") int instance) {
      return doRemove(owner, instance);
    }
  }

  /** Everything in parallel, teardown included: not linearizable, by the documented design. */
  @Param(name = "id", gen = IntGen.class, conf = "0:2")
  public static class TeardownRacing extends ListState {
    /** FsRtlInsertPerStreamContext. */
    @Operation
    public String insert(@Param(name = "id") int owner, @Param(name = "id") int instance) {
      return doInsert(owner, instance);
    }

    /** FsRtlLookupPerStreamContext. */
    @Operation
    public String lookup(@Param(name = "id") int owner, @Param(name = "id") int instance) {
      return doLookup(owner, instance);
    }

    /** FsRtlTeardownPerStreamContexts. */
    @Operation
    public int teardownCount() {
      return doTeardown();
    }
  }

  @Test
  @DisplayName("fsrtl.md 7: insert/lookup/remove/teardown are linearizable (model checking)")
  void perStreamList_modelChecking_linearizable() {
    small(new ModelCheckingOptions()).check(Linearizable.class);
  }

  @Test
  @DisplayName("fsrtl.md 7: insert/lookup/remove/teardown are linearizable (stress)")
  void perStreamList_stress_linearizable() {
    small(new StressOptions()).check(Linearizable.class);
  }

  @Test
  @DisplayName("fsrtl.md 7.1-7.3: insert, lookup and remove are linearizable in every pairing (model checking)")
  void perStreamListWithoutTeardown_modelChecking_linearizable() {
    small(new ModelCheckingOptions()).check(NoTeardown.class);
  }

  @Test
  @Disabled("By design, not a bug: FsRtlTeardownPerStreamContexts drops the list lock before each free "
      + "callback and loops until the list is empty (fsrtl.md 7.4). Lincheck's witness: list [B]; thread 1 "
      + "runs lookup(any) -> none, then insert(B1); thread 2's teardown returns 2. Teardown emptied the list "
      + "(so the lookup saw nothing), then also tore down B1, inserted after that lookup, which no atomic "
      + "order gives. File systems call teardown only when no open reference to the stream is left.")
  @DisplayName("fsrtl.md 7.4: teardown racing a lookup is not atomic (documented)")
  void teardownRacingLookups_isNotAtomic_documented() {
    new ModelCheckingOptions().iterations(50).invocationsPerIteration(1_000).threads(2)
        .actorsPerThread(2).actorsBefore(4).actorsAfter(0).check(TeardownRacing.class);
  }
}
