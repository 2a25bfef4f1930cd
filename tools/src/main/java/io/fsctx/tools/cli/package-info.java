/**
 * The {@code fsctx} command line (picocli): the {@code run}, {@code walkthrough}, {@code check-fs}
 * and {@code replay} commands, and the convention they share ({@link
 * io.fsctx.tools.cli.FsctxCommand}): one table of exit statuses ({@code ExitStatus}), failures as
 * one line without a stack trace unless asked for ({@code Failures}, {@code --stacktrace}, {@code
 * FSCTX_STACKTRACE=1}), standard output written complete or not at all, and every write to the
 * standard streams checked ({@code CheckedOutput}).
 */
@NullMarked
package io.fsctx.tools.cli;

import org.jspecify.annotations.NullMarked;
