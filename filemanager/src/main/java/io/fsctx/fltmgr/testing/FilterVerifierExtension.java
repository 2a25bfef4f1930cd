package io.fsctx.fltmgr.testing;

import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.FltConfig;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.VerifierFinding;
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
 * with {@link VerifierLevel#TRACKING} (so reports name allocation sites), and after the test the
 * extension fails it when any tracked manager has a verifier finding or a live context, or when the
 * test's thread ends holding more ERESOURCE acquisitions or critical regions than it began with
 * ({@link KeThread}). Managers
 * a test creates itself (say, with another configuration) are checked too once handed to {@link
 * #track(FilterManager)} on an extension registered with {@code @RegisterExtension}.
 *
 * <pre>{@code
 * @ExtendWith(FilterVerifierExtension.class)
 * class MyFilterTest {
 *   @Test void open_close_leavesNothing(FilterManager fm) { ... }
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
    FilterManager fm = new FilterManager(FltConfig.builder().verifierLevel(VerifierLevel.TRACKING).build());
    track(extensionContext, fm);
    return fm;
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
    for (FilterManager fm : checked) {
      for (VerifierFinding f : fm.verifierFindings()) {
        problems.append("  verifier: ").append(f.format()).append('\n');
      }
      for (FltContext c : fm.liveContexts()) {
        problems.append("  live context: ").append(c.describe());
        StackTraceElement site = VerifierFinding.callerFrame(c.allocationSite());
        if (site != null) {
          problems.append("; allocated at ").append(site);
        }
        problems.append('\n');
      }
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
