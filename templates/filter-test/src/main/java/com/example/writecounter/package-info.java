/**
 * A small minifilter (a write counter) tested with fsctx's JUnit extensions, as a user's own
 * filter project would be.
 */
@NullMarked
package com.example.writecounter;

import org.jspecify.annotations.NullMarked;
