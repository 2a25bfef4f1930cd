/**
 * A fastfat-like file system written against fsctx's modelfs toolkit, as a file-system author
 * would write their own: it owns its FCB lifecycle and is checked with {@code fsctx check-fs}.
 */
@NullMarked
package com.example.fastfat;

import org.jspecify.annotations.NullMarked;
