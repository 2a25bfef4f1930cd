/**
 * The {@code fsctx} command line (picocli): {@code run}, {@code walkthrough}, {@code replay} and
 * {@code check-fs}.
 */
@NullMarked
package io.fsctx.tools.cli;

import org.jspecify.annotations.NullMarked;
