/**
 * Testing your own minifilter under the Filter Manager verifier: {@link
 * io.fsctx.fltmgr.testing.FilterHarness} builds the world a filter runs in (an I/O manager, a
 * Filter Manager following its mounts, a volume of the file system you choose, your filter
 * registered, started and attached) and gives I/O helpers and the unload report; {@link
 * io.fsctx.fltmgr.testing.FilterVerifierExtension} fails a JUnit 5 test on any verifier finding, live
 * context or ERESOURCE left held, configured by {@link io.fsctx.fltmgr.testing.VerifierSettings};
 * {@link io.fsctx.fltmgr.testing.NoLiveContextsExtension} checks live contexts alone.
 *
 * <p>The harness needs no JUnit; the extensions need {@code junit-jupiter-api} on the test
 * classpath (this artifact declares it {@code provided}, so you bring your own). The guide is
 * {@code filemanager/TESTING.md}.
 */
@NullMarked
package io.fsctx.fltmgr.testing;

import org.jspecify.annotations.NullMarked;
