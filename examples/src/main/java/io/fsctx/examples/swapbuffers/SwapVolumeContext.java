package io.fsctx.examples.swapbuffers;

import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.nt.UnicodeString;

/**
 * {@code VOLUME_CONTEXT}: the name shown in the debug output ({@code Name}) and the volume's
 * sector size ({@code SectorSize}).
 *
 * <p>{@code FltAllocateContext} does not zero a context, so a fresh one holds whatever the pool
 * held: {@code Name} starts as a {@linkplain UnicodeString#unzeroed() never-set structure} whose
 * {@code Buffer} is not NULL, and {@code SectorSize} as the fill pattern, until {@code
 * InstanceSetup} initialises them. That is what makes the sample's defect visible: a context
 * released before {@code Name.Buffer} was set reaches {@code CleanupVolumeContext} with garbage
 * there.
 *
 * <p>Thread safety: written by {@code InstanceSetup} before the context is published, read-only
 * afterwards; {@code CleanupVolumeContext} runs when nobody else holds it.
 */
public final class SwapVolumeContext {
  /** {@code sizeof(VOLUME_CONTEXT)} on x64: a 16-byte {@code UNICODE_STRING} and a {@code ULONG}, padded. */
  public static final int SIZE = 24;
  /** {@code CONTEXT_TAG} ({@code 'xcBS'}). */
  public static final int TAG = FltContextRegistration.tag("SBcx");
  /** What an uninitialised {@code ULONG} of the context holds (the pool's fill pattern). */
  public static final int UNINITIALISED = 0xCDCDCDCD;

  /** {@code Name}. */
  UnicodeString name = UnicodeString.unzeroed();
  /** {@code SectorSize}. */
  int sectorSize = UNINITIALISED;

  SwapVolumeContext(int size) {
    if (size != SIZE) {
      throw new IllegalArgumentException("VOLUME_CONTEXT is " + SIZE + " bytes, asked for " + size);
    }
  }

  /** {@code Name}: the DOS name ({@code C:}) or the NT device name with a colon. */
  public UnicodeString name() {
    return name;
  }

  /** {@code SectorSize}: at least {@code MIN_SECTOR_SIZE} once set up. */
  public int sectorSize() {
    return sectorSize;
  }
}
