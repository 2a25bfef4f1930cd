/**
 * The file-system side of the verifier: the documented rules a file system must follow for its
 * FCB headers, their teardown and their memory ({@link io.fsctx.verifier.FsRule}, one table), and
 * {@link io.fsctx.verifier.FileSystemVerifier}, which watches an I/O manager (its requests, its
 * file objects and its pool) the way Driver Verifier watches a driver, and reports each broken
 * rule with the structure and the moment. Filter Manager's verifier and {@code fsctx check-fs}
 * both run it, so a rule is stated and evaluated once.
 */
@NullMarked
package io.fsctx.verifier;

import org.jspecify.annotations.NullMarked;
