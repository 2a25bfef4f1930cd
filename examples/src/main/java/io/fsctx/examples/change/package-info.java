/**
 * The port of Microsoft's change-tracking minifilter sample ({@code filesys/miniFilter/change}):
 * file contexts that remember whether a file was written ("dirty"), transaction contexts that
 * collect the files written in a transaction, the five-case transition when a file moves between
 * transactions, and the propagation of transactional dirtiness at commit. Differences from the C
 * are marked {@code PORT:}; {@link io.fsctx.examples.change.ChangeWorkload} is what {@code ./fsctx
 * run --filter change} drives it with.
 */
@NullMarked
package io.fsctx.examples.change;

import org.jspecify.annotations.NullMarked;
