package io.fsctx.examples.ctx;

import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.FltVolume;
import io.fsctx.nt.UnicodeString;
import org.jspecify.annotations.Nullable;

/**
 * {@code CTX_INSTANCE_CONTEXT}: the payload of CTX's instance context: the instance, its volume
 * and the volume's NT device name ({@code \Device\HarddiskVolume1}) read with {@code
 * FltGetVolumeName} at setup.
 *
 * <p>{@code FltAllocateContext} does not zero memory and the sample does not zero this structure;
 * Java's default values would hide that, so {@link Ctx#ctxInstanceSetup} sets every field
 * explicitly before anything can read it (see the port notes on {@link Ctx}).
 *
 * <p>Thread safety: written once during instance setup, before the context is attached; read-only
 * afterwards until its cleanup callback, which runs once with no other holder left.
 */
public final class CtxInstanceContext {
  /** {@code CTX_INSTANCE_CONTEXT_SIZE}: {@code sizeof} on x64 (two pointers and a UNICODE_STRING). */
  public static final int SIZE = 32;
  /** {@code CTX_INSTANCE_CONTEXT_TAG}, shown by pool tools as {@code CxIc}. */
  public static final int TAG = FltContextRegistration.tag("CxIc");

  @Nullable FltInstance instance;
  @Nullable FltVolume volume;
  UnicodeString volumeName = new UnicodeString();

  CtxInstanceContext(int size) {
    if (size != SIZE) {
      throw new IllegalArgumentException("CTX_INSTANCE_CONTEXT is " + SIZE + " bytes, asked for " + size);
    }
  }

  /** {@code Instance}. */
  public @Nullable FltInstance instance() {
    return instance;
  }

  /** {@code Volume}. */
  public @Nullable FltVolume volume() {
    return volume;
  }

  /** {@code VolumeName} as {@code %wZ} prints it. */
  public String volumeName() {
    return volumeName.toString();
  }
}
