/**
 * The {@code fsctx} command line: one picocli command per job ({@code run}, {@code walkthrough},
 * {@code replay}, {@code check-fs}) under {@link io.fsctx.tools.cli.FsctxCommand}, the options they
 * share as mixins (the file system to mount: a bundled model with {@code --fs} or the user's own
 * with {@code --fs-class} and {@code --classpath}), the loader of a user's file system class that
 * {@code check-fs --class} uses too, and the convention every command follows: one table of exit
 * statuses ({@code ExitStatus}), failures as one line without a stack trace unless asked for
 * ({@code Failures}, {@code --stacktrace}, {@code FSCTX_STACKTRACE=1}), standard output written
 * complete or not at all, and every write to the standard streams checked ({@code
 * CheckedOutput}).
 */
@NullMarked
package io.fsctx.tools.cli;

import org.jspecify.annotations.NullMarked;
