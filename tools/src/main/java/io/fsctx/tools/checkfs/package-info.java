/**
 * {@code fsctx check-fs}: runs a file system under a probing minifilter and the file-system
 * verifier, and reports each FCB-header rule with its evidence.
 */
@NullMarked
package io.fsctx.tools.checkfs;

import org.jspecify.annotations.NullMarked;
