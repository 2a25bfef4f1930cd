package io.fsctx.fltmgr.testing;

import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.FltConfig;
import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltFilter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that fails a test when any {@link FilterManager} created during it still
 * has live contexts after it: a context allocated, got, referenced or handed back through {@code
 * OldContext} and never released, or attached to an object nobody tore down. This is the
 * project's "no context is live after a test" validation hook (DESIGN.md, after Caffeine's).
 *
 * <h2>How managers are registered</h2>
 * The extension only checks managers it knows of, and there is no global registry of managers
 * (DESIGN.md: no global mutable state). A test gets them from the extension through parameter
 * injection, which registers them for the current test:
 * <ul>
 *   <li>a parameter of type {@link FilterManager} receives a manager with {@link
 *       FltConfig#defaults()};
 *   <li>a parameter of type {@link TrackedManagers} receives the test's tracker, whose {@link
 *       TrackedManagers#create(FltConfig)} makes managers with any configuration and whose {@link
 *       TrackedManagers#track(FilterManager)} registers one made elsewhere.
 * </ul>
 * Parameters can be declared on the test method and on {@code @BeforeEach} methods; both are
 * resolved in the test method's context, so they share one tracker. (Constructor parameters are
 * refused: they are resolved in the class's context, which outlives the test.)
 *
 * <h2>What is checked</h2>
 * After every test, and after the class's {@code @AfterEach} methods (so fixtures can tear file
 * systems and filters down first), each tracked manager must report no {@linkplain
 * FilterManager#liveContexts() live context}, and none of its still-registered filters may count
 * a live context (that second check is what remains at {@link
 * io.fsctx.fltmgr.VerifierLevel#OFF}, where contexts are not tracked individually). A failure
 * names each leaked context with {@link FltContext#describe()}; when the test itself already
 * failed, JUnit keeps both failures.
 *
 * <p>Subclasses may add checks by overriding {@link #problems(FilterManager)} and calling the
 * super method. {@link FilterVerifierExtension} is the complete check: findings with the line of
 * every reference still held, a filter that never attached, ERESOURCEs left held.
 *
 * <p>Thread safety: JUnit may run tests concurrently; each test has its own tracker in its
 * extension-context store, so the extension instance itself holds no state.
 */
public class NoLiveContextsExtension implements ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(NoLiveContextsExtension.class);

  /** Creates the extension; JUnit calls this for {@code @ExtendWith}. */
  public NoLiveContextsExtension() {}

  /**
   * The managers one test created or registered. Obtain it as a parameter of a test or a
   * {@code @BeforeEach} method.
   *
   * <p>Thread safety: safe for concurrent use.
   */
  public static final class TrackedManagers {
    private final List<FilterManager> managers = new java.util.concurrent.CopyOnWriteArrayList<>();

    TrackedManagers() {}

    /** Creates a manager with {@link FltConfig#defaults()} and tracks it. */
    public FilterManager create() {
      return track(new FilterManager());
    }

    /**
     * Creates a manager with a configuration and tracks it.
     *
     * @param config the configuration
     */
    public FilterManager create(FltConfig config) {
      return track(new FilterManager(config));
    }

    /**
     * Tracks a manager created elsewhere, so it is checked after the test.
     *
     * @param manager the manager
     * @return {@code manager}
     */
    public FilterManager track(FilterManager manager) {
      if (!managers.contains(manager)) {
        managers.add(manager);
      }
      return manager;
    }

    /** The tracked managers, in registration order. */
    public List<FilterManager> managers() {
      return new ArrayList<>(managers);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
      throws ParameterResolutionException {
    Class<?> t = parameterContext.getParameter().getType();
    return (t == FilterManager.class || t == TrackedManagers.class)
        && extensionContext.getTestMethod().isPresent();
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
      throws ParameterResolutionException {
    TrackedManagers tracked = tracker(extensionContext);
    Class<?> t = parameterContext.getParameter().getType();
    return t == FilterManager.class ? tracked.create() : tracked;
  }

  /** The tracker of the current test, kept in the test method's own store. */
  private static TrackedManagers tracker(ExtensionContext context) {
    return context
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(TrackedManagers.class, k -> new TrackedManagers(), TrackedManagers.class);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    TrackedManagers tracked = tracker(context);
    List<String> problems = new ArrayList<>();
    for (FilterManager m : tracked.managers()) {
      problems.addAll(problems(m));
    }
    context.getStore(NAMESPACE).remove(TrackedManagers.class);
    if (!problems.isEmpty()) {
      throw new AssertionError(
          "contexts still live after " + context.getDisplayName() + ":\n  " + String.join("\n  ", problems));
    }
  }

  /**
   * What is wrong with one manager after a test; empty when it is clean. Subclasses add their own
   * findings to the list this returns.
   *
   * @param manager a tracked manager
   * @return one line per problem
   */
  protected List<String> problems(FilterManager manager) {
    List<String> out = new ArrayList<>();
    for (FltContext c : manager.liveContexts()) {
      out.add("live " + c.describe() + " state=" + c.state());
    }
    if (out.isEmpty()) {
      for (FltFilter f : manager.filters()) {
        int n = f.liveContextCount();
        if (n > 0) {
          out.add(f + " still counts " + n + " live context(s)");
        }
      }
    }
    return out;
  }
}
