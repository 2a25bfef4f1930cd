/**
 * JMH benchmarks of the context machinery, built only with the Maven profile {@code bench}. Each
 * benchmark sits next to a baseline that does the irreducible work of the same operation with
 * plain JDK concurrency primitives, so the reported figure is a ratio rather than a raw time.
 */
@NullMarked
package io.fsctx.benchmarks;

import org.jspecify.annotations.NullMarked;
