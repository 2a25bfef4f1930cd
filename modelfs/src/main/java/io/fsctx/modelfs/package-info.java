/**
 * The bundled model file systems, each written the way a file-system author writes their own:
 * NTFS-like (native file contexts), FAT-like (fastfat's FCB/DCB/VCB with emulated file contexts),
 * legacy (common headers only) and the deliberately broken ones {@code check-fs} catches. They
 * depend on the kernel module alone, so a filter's tests can mount them without the tool.
 */
@NullMarked
package io.fsctx.modelfs;

import org.jspecify.annotations.NullMarked;
