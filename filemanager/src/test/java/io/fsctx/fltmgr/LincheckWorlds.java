package io.fsctx.fltmgr;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import kotlin.Unit;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.lincheck.datastructures.DSLThreadScenario;
import org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;

/**
 * What the five lifecycle Lincheck tests of issue 18 share: a verifier that records findings, an
 * unregistration that does not wait (the tests keep the world free of outstanding references
 * instead of exploring a timed wait), a check that no finding was made, and model checking of
 * exactly the racing pair.
 *
 * <h2>Scenarios</h2>
 * Each test names its pairs as custom scenarios ({@link Scenario}: an optional operation before,
 * the two racing threads, an optional operation after), which model checking explores
 * interleaving by interleaving; the lighter ones add a random scenario over their operations.
 * That keeps each class to seconds on two cores while every pair is certain to meet.
 *
 * <h2>Hash codes</h2>
 * Lincheck's model checking replaces identity hash codes in the code it analyses with its own
 * deterministic ones. An identity-keyed map filled by a test's constructor (the file system's
 * stream table, a context table, the verifier's live set) could then not be searched by the
 * operations, and a map whose keys hash natively would make replays diverge. The JDK's concurrent
 * hash maps and thread locals therefore run as single steps outside the analysis, with native
 * hash codes, which lets the worlds be built, and files opened, in the constructor (building
 * them inside the analysed run costs minutes). The instance attached at mount gets no instance
 * context, so that the only contexts are the ones the operations make.
 */
final class LincheckWorlds {
  private LincheckWorlds() {}

  /**
   * Interleavings explored per scenario: {@code perClassDefault}, chosen per class so that each
   * class takes seconds and still fails on the race it guards (each was checked against the code
   * before its fix), or {@code -Dfsctx.lincheck.invocations=N} for every class (a release check).
   */
  static int invocations(int perClassDefault) {
    return Integer.getInteger("fsctx.lincheck.invocations", perClassDefault);
  }

  /** The lifecycle world for a Lincheck test: see the class comment. */
  static LifecycleWorld world() {
    return new LifecycleWorld(config(), false);
  }

  static FltConfig config() {
    return FltConfig.builder().verifierLevel(VerifierLevel.COUNTING).unloadWaitTimeout(Duration.ZERO).build();
  }

  /** Throws when the world's verifier made any finding (a false one: the filter is correct). */
  static void assertNoFinding(LifecycleWorld w) {
    if (!w.findings().isEmpty()) {
      throw new IllegalStateException("verifier findings: " + w.formattedFindings());
    }
  }

  /** One operation of a test class with its arguments. */
  static Actor op(Class<?> testClass, String name, Object... args) {
    for (Method m : testClass.getMethods()) {
      if (m.getName().equals(name) && m.isAnnotationPresent(Operation.class) && m.getParameterCount() == args.length) {
        return new Actor(m, Arrays.asList(args), false, false, false, false, false);
      }
    }
    throw new IllegalArgumentException(testClass.getSimpleName() + " has no operation " + name + "/" + args.length);
  }

  /** A custom scenario: operations before, two racing threads, operations after. */
  record Scenario(List<Actor> before, List<Actor> thread1, List<Actor> thread2, List<Actor> after) {
    static Scenario race(Actor a, Actor b) {
      return new Scenario(List.of(), List.of(a), List.of(b), List.of());
    }

    Scenario before(Actor... ops) {
      return new Scenario(List.of(ops), thread1, thread2, after);
    }

    Scenario after(Actor... ops) {
      return new Scenario(before, thread1, thread2, List.of(ops));
    }
  }

  /**
   * Model checking of the given scenarios, {@code invocations} interleavings each, plus {@code
   * randomScenarios} random ones of two threads with two operations each.
   */
  static ModelCheckingOptions modelChecking(int invocations, int randomScenarios, Scenario... scenarios) {
    ModelCheckingOptions o =
        new ModelCheckingOptions()
            .iterations(randomScenarios)
            .invocationsPerIteration(invocations)
            .threads(2)
            .actorsPerThread(2)
            .actorsBefore(1)
            .actorsAfter(1)
            .addGuarantee(
                ManagedStrategyGuaranteeKt.forClasses(
                        (String c) -> c.startsWith("java.util.concurrent.ConcurrentHashMap") || c.startsWith("java.lang.ThreadLocal"))
                    .allMethods()
                    .ignore());
    for (Scenario s : scenarios) {
      o.addCustomScenario(
          b -> {
            b.initial(t -> addAll(t, s.before()));
            b.parallel(
                p -> {
                  p.thread(t -> addAll(t, s.thread1()));
                  p.thread(t -> addAll(t, s.thread2()));
                  return Unit.INSTANCE;
                });
            b.post(t -> addAll(t, s.after()));
            return Unit.INSTANCE;
          });
    }
    return o;
  }

  private static Unit addAll(DSLThreadScenario t, List<Actor> ops) {
    t.addAll(new ArrayList<>(ops));
    return Unit.INSTANCE;
  }
}
