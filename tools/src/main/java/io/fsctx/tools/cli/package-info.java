/**
 * The {@code fsctx} command line: one picocli command per job ({@code run}, {@code walkthrough},
 * {@code replay}, {@code check-fs}) under {@link io.fsctx.tools.cli.FsctxCommand}, the options they
 * share as mixins (the file system to mount: a bundled model with {@code --fs} or the user's own
 * with {@code --fs-class} and {@code --classpath}), and the loader of a user's file system class
 * that {@code check-fs --class} uses too. Standard output carries only each command's result;
 * messages go to standard error.
 */
@NullMarked
package io.fsctx.tools.cli;

import org.jspecify.annotations.NullMarked;
