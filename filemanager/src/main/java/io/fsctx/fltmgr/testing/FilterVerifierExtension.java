package io.fsctx.fltmgr.testing;

import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.FltConfig;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.VerifierFinding;
import io.fsctx.fltmgr.VerifierLevel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs a test under the Filter Manager verifier: a {@link FilterManager} parameter is created
 * with {@link VerifierLevel#TRACKING} (so reports name allocation sites), and after the test the
 * extension fails it when any tracked manager has a verifier finding or a live context. Managers
 * a test creates itself can be tracked with {@link #track}.
 *
 * <pre>{@code
 * @ExtendWith(FilterVerifierExtension.class)
 * class MyFilterTest {
 *   @Test void open_close_leavesNothing(FilterManager fm) { ... }
 * }
 * }</pre>
 *
 * <p>A test that provokes a finding on purpose asserts it and then calls {@link
 * FilterManager#clearVerifierFindings()}.
 *
 * <p>Thread safety: one instance per test class, used by JUnit's thread.
 */
public final class FilterVerifierExtension implements ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(FilterVerifierExtension.class);

  /** Creates the extension; JUnit does this. */
  public FilterVerifierExtension() {}

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
   * Adds a manager the test created itself to the after-test checks.
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

  @Override
  public void afterEach(ExtensionContext context) {
    StringBuilder problems = new StringBuilder();
    for (FilterManager fm : managers(context)) {
      for (VerifierFinding f : fm.verifierFindings()) {
        problems.append("  verifier: ").append(f.format()).append('\n');
      }
      for (FltContext c : fm.liveContexts()) {
        problems.append("  live context: ").append(c.describe()).append('\n');
      }
    }
    if (problems.length() > 0) {
      throw new AssertionError("Filter Verifier found problems after " + context.getDisplayName() + ":\n" + problems);
    }
  }
}
