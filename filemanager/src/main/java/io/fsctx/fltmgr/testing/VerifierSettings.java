package io.fsctx.fltmgr.testing;

import io.fsctx.fltmgr.VerifierLevel;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The configuration of the {@link io.fsctx.fltmgr.FilterManager} that {@link
 * FilterVerifierExtension} injects, on a test method or its class (the method's wins). Without it
 * the manager runs at {@link VerifierLevel#TRACKING} with a {@value #DEFAULT_UNLOAD_WAIT_MILLIS} ms
 * unload wait, the same defaults as {@link FilterHarness#testConfig()}.
 *
 * <p>The unload wait is how long {@code FltUnregisterFilter} waits for the filter's outstanding
 * context references before it reports them. A product's Filter Manager waits seconds (the model's
 * own default is 5 s) because other threads may still be finishing; in a unit test the references
 * are either released by the time the test unloads or leaked, so every leaking test would wait the
 * whole time for nothing. Raise it for a test that releases references from other threads while
 * the unload runs.
 *
 * <pre>{@code
 * @ExtendWith(FilterVerifierExtension.class)
 * @VerifierSettings(level = VerifierLevel.FULL)              // stacks of outstanding references
 * class MyFilterTest {
 *   @Test
 *   @VerifierSettings(unloadWaitMillis = 2_000)              // a worker releases late
 *   void workerReleasesDuringUnload(FilterManager fm) { ... }
 * }
 * }</pre>
 *
 * <p>Thread safety: annotations are immutable.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface VerifierSettings {
  /** The unload wait in tests unless a test says otherwise: short, since nothing is in flight. */
  long DEFAULT_UNLOAD_WAIT_MILLIS = 100;

  /** How much the verifier records; TRACKING names the line of every reference still held. */
  VerifierLevel level() default VerifierLevel.TRACKING;

  /** How long {@code FltUnregisterFilter} waits for outstanding references, in milliseconds. */
  long unloadWaitMillis() default DEFAULT_UNLOAD_WAIT_MILLIS;
}
