package io.fsctx.examples.scanner;

import io.fsctx.fltmgr.FltContextRegistration;

/**
 * {@code SCANNER_STREAM_HANDLE_CONTEXT}: whether the file must be scanned again at cleanup ({@code
 * RescanRequired}), set on handles opened for writing. Registered without a cleanup callback: it
 * owns nothing.
 *
 * <p>Thread safety: written once before the context is attached, read afterwards.
 */
public final class ScannerStreamHandleContext {
  /** {@code sizeof(SCANNER_STREAM_HANDLE_CONTEXT)}: one {@code BOOLEAN}. */
  public static final int SIZE = 1;
  /** The registration's tag ({@code 'chBS'}). */
  public static final int TAG = FltContextRegistration.tag("SBhc");

  /** {@code RescanRequired}; a fresh context is not zeroed (PagedPool, as allocated). */
  volatile boolean rescanRequired;

  ScannerStreamHandleContext(int size) {
    if (size != SIZE) {
      throw new IllegalArgumentException("SCANNER_STREAM_HANDLE_CONTEXT is " + SIZE + " byte, asked for " + size);
    }
  }

  /** {@code RescanRequired}. */
  public boolean rescanRequired() {
    return rescanRequired;
  }
}
