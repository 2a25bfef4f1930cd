/**
 * The documentation's reference-count walkthrough as a filter, read back from the Filter
 * Manager's lifecycle events.
 */
@NullMarked
package io.fsctx.examples.walkthrough;

import org.jspecify.annotations.NullMarked;
