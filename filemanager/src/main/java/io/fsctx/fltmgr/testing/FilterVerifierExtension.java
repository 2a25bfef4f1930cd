package io.fsctx.fltmgr.testing;

import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.FltConfig;
import io.fsctx.fltmgr.VerifierLevel;
import java.util.ArrayList;
import java.util.List;
import io.fsctx.nt.KeThread;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs a test under the Filter Manager verifier: a {@link FilterManager} parameter is created
 * with {@link VerifierLevel#TRACKING} (so reports name the line that took every reference still
 * held, and where each context was allocated) and a {@value VerifierSettings#DEFAULT_UNLOAD_WAIT_MILLIS}
 * ms unload wait (so a leaking test fails at once instead of waiting seconds for references nobody
 * will release), both changeable with {@link VerifierSettings} on the method or class. After the
 * test the extension fails it when any tracked manager has a verifier finding or a live context,
 * when a filter was started on a manager that follows no I/O manager and never attached (it saw
 * no I/O, so the test tested nothing), or when the test's thread ends holding more ERESOURCE
 * acquisitions or critical regions than it began with ({@link KeThread}). Managers a test creates
 * itself (say, with another configuration) are checked too once handed to {@link
 * #track(FilterManager)} on an extension registered with {@code @RegisterExtension}.
 *
 * <p>After a bug check the failure lists the bug check alone, then what an unload found,
 * labelled as found after the bug check; contexts left live only because the bug check aborted
 * the request are not listed. A test that fails with the bug check itself and has nothing else
 * wrong fails with that bug check only.
 *
 * <pre>{@code
 * @ExtendWith(FilterVerifierExtension.class)
 * class MyFilterTest {
 *   @Test void open_close_leavesNothing(FilterManager fm) {
 *     FilterHarness h = FilterHarness.on(fm, new NtfsLikeFileSystem());
 *     h.start("MyFilter", "370000", MyFilter.registration());
 *     h.close(h.open("\\a.txt"));
 *     assertTrue(h.unload().clean());
 *   }
 * }
 *
 * class MyOtherFilterTest {
 *   @RegisterExtension final FilterVerifierExtension verifier = new FilterVerifierExtension();
 *
 *   @Test void unload_leavesNothing() {
 *     FilterManager fm = verifier.track(new FilterManager(myConfig));
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>A test that provokes a finding on purpose asserts it and then calls {@link
 * FilterManager#clearVerifierFindings()}.
 *
 * <p>Thread safety: JUnit calls the callbacks from the test's thread; {@link #track(FilterManager)}
 * may be called from any thread (the list is guarded by its own monitor).
 */
public final class FilterVerifierExtension implements ParameterResolver, BeforeEachCallback, AfterEachCallback {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(FilterVerifierExtension.class);

  private final List<FilterManager> registered = new ArrayList<>();

  /** Creates the extension; JUnit does this, or a {@code @RegisterExtension} field. */
  public FilterVerifierExtension() {}

  /**
   * Adds a manager the test created itself to the after-test checks of this extension instance
   * (registered with {@code @RegisterExtension}).
   *
   * @param manager the manager
   * @return {@code manager}, for chaining
   */
  public FilterManager track(FilterManager manager) {
    synchronized (registered) {
      registered.add(manager);
    }
    return manager;
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == FilterManager.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    FilterManager fm = new FilterManager(configFor(extensionContext));
    track(extensionContext, fm);
    return fm;
  }

  /**
   * The configuration of the manager injected into a test: its {@link VerifierSettings} (the
   * method's, else the class's or an enclosing class's), or the defaults.
   *
   * @param context the test's (or a lifecycle method's) extension context
   */
  public static FltConfig configFor(ExtensionContext context) {
    VerifierSettings settings = null;
    for (ExtensionContext c = context; c != null && settings == null; c = c.getParent().orElse(null)) {
      settings = c.getElement().map(e -> e.getAnnotation(VerifierSettings.class)).orElse(null);
    }
    return VerifierProblems.config(settings);
  }

  /**
   * Adds a manager to the after-test checks from another extension or a lifecycle method that has
   * the test's {@link ExtensionContext}.
   *
   * @param context the test's extension context
   * @param manager the manager
   */
  public static void track(ExtensionContext context, FilterManager manager) {
    managers(context).add(manager);
  }

  @SuppressWarnings("unchecked") // The store holds only what this class put there.
  private static List<FilterManager> managers(ExtensionContext context) {
    return (List<FilterManager>) context.getStore(NS).getOrComputeIfAbsent("managers", k -> new ArrayList<FilterManager>());
  }

  /** The test thread's ERESOURCE and critical-region counts when the test began. */
  private record ThreadState(int resourcesHeld, int criticalRegionDepth) {
    static ThreadState now() {
      return new ThreadState(KeThread.resourcesHeld(), KeThread.criticalRegionDepth());
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    context.getStore(NS).put("thread", ThreadState.now());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<FilterManager> checked = new ArrayList<>(managers(context));
    synchronized (registered) {
      checked.addAll(registered);
      registered.clear();
    }
    StringBuilder problems = new StringBuilder();
    for (String line : VerifierProblems.of(checked, context.getExecutionException().orElse(null))) {
      problems.append(line).append('\n');
    }
    ThreadState before = context.getStore(NS).get("thread", ThreadState.class);
    ThreadState after = ThreadState.now();
    if (before != null && !after.equals(before)) {
      problems.append("  thread: the test ended holding ")
          .append(after.resourcesHeld() - before.resourcesHeld()).append(" ERESOURCE acquisition(s) and ")
          .append(after.criticalRegionDepth() - before.criticalRegionDepth())
          .append(" critical region(s) more than it began with\n");
    }
    if (problems.length() > 0) {
      throw new AssertionError("Filter Verifier found problems after " + context.getDisplayName() + ":\n" + problems);
    }
  }
}
