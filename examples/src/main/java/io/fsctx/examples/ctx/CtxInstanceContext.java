package io.fsctx.examples.ctx;

import io.fsctx.fltmgr.FltContext;
import io.fsctx.fltmgr.FltContextRegistration;
import io.fsctx.fltmgr.FltInstance;
import io.fsctx.fltmgr.FltVolume;
import io.fsctx.nt.UnicodeString;
import org.jspecify.annotations.Nullable;

/**
 * {@code CTX_INSTANCE_CONTEXT}: CTX's instance context: the instance, its volume
 * and the volume's NT device name ({@code \Device\HarddiskVolume1}) read with {@code
 * FltGetVolumeName} at setup.
 *
 * <p>{@code FltAllocateContext} does not zero memory and the sample does not zero this structure;
 * Java's default values would hide that, so {@link Ctx#ctxInstanceSetup} sets every field
 * explicitly before anything can read it (see the port notes on {@link Ctx}).
 *
 * <p>Thread safety: written once during instance setup, before the context is attached; read-only
 * afterwards until its cleanup callback, which runs once with no other holder left.
 * Filter Manager's part, the {@link FltContext} this class extends ({@code FltAllocateContext}
 * builds it through {@link FltContextRegistration#embedded}), is safe for concurrent use.
 */
public final class CtxInstanceContext extends FltContext {
  /** {@code CTX_INSTANCE_CONTEXT_SIZE}: {@code sizeof} on x64 (two pointers and a UNICODE_STRING). */
  public static final int SIZE = 32;
  /** {@code CTX_INSTANCE_CONTEXT_TAG}, shown by pool tools as {@code CxIc}. */
  public static final int TAG = FltContextRegistration.tag("CxIc");

  @Nullable FltInstance instance;
  @Nullable FltVolume volume;
  UnicodeString volumeName = new UnicodeString();

  /**
   * Built by {@code FltAllocateContext} through the registration's factory: the context is this
   * object, as in C, where Filter Manager's header sits in front of the filter's structure.
   *
   * @throws IllegalArgumentException when the size asked for is not {@link #SIZE}
   */
  CtxInstanceContext(FltContext.Allocation allocation) {
    super(CtxContexts.sized(allocation, SIZE, "CTX_INSTANCE_CONTEXT"));
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
