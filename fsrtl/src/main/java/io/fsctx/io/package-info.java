/**
 * The I/O path's contract: file objects, IRPs and their parameters, device stacks, the I/O
 * manager that builds and sends them, and the small dispatch interface a file system implements
 * ({@link io.fsctx.io.FileSystemDriver}). A file system owns its FCB lifecycle; nothing here
 * does it on the file system's behalf.
 */
@NullMarked
package io.fsctx.io;

import org.jspecify.annotations.NullMarked;
