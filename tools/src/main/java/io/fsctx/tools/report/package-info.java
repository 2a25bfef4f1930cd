/**
 * The HTML reports of {@code fsctx run}, {@code walkthrough}, {@code replay} and {@code check-fs}
 * ({@code --html FILE}): a {@link io.fsctx.tools.report.ContextRecorder} listens to the Filter
 * Manager's context events during the run, and an {@link io.fsctx.tools.report.HtmlReport} turns
 * them, with the command's figures, the verifier's leak details and {@code check-fs}'s
 * requirement rows, into one self-contained page (the uPlot charting library, the page's script
 * and style, and the data, all inline). What the page shows and how large it gets is in {@code
 * tools/REPORT.md}.
 */
@NullMarked
package io.fsctx.tools.report;

import org.jspecify.annotations.NullMarked;
