package io.fsctx.tools.replay;

import io.fsctx.examples.ctx.Ctx;
import io.fsctx.examples.ctx.CtxLog;
import io.fsctx.examples.walkthrough.RefCountWalkthrough;
import io.fsctx.fltmgr.FilterManager;
import io.fsctx.fltmgr.FltFilter;
import io.fsctx.nt.NtStatus;
import java.util.Locale;

/**
 * The minifilters a replay can attach, as {@code fsctx replay --filter} names them.
 *
 * <p>Thread safety: immutable.
 */
public enum ReplayFilter {
  /** The CTX sample port (the contract's default). */
  CTX,
  /** The reference-count walkthrough filter: one stream context per stream. */
  WALKTHROUGH,
  /** A deliberately leaky filter ({@link io.fsctx.examples.leaky.LeakyFilter}); its replays report leaks. */
  LEAKY,
  /** No filter: the I/O goes straight to the file system and no context exists. */
  NONE;

  /** The name {@code --filter} takes: {@code ctx}, {@code walkthrough}, {@code leaky}, {@code none}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The filter a {@code --filter} value names, any case.
   *
   * @param name the value
   * @return the filter
   * @throws IllegalArgumentException naming the value and the choices
   */
  public static ReplayFilter fromCliName(String name) {
    for (ReplayFilter f : values()) {
      if (f.cliName().equalsIgnoreCase(name.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown filter '" + name + "' (expected ctx, walkthrough, leaky or none)");
  }

  /** A loaded filter, unloaded once at the end of the replay. */
  interface Loaded {
    /** Unloads the filter ({@code FltUnregisterFilter}); waits as the manager's config says. */
    void unload();
  }

  /**
   * Loads the filter into a Filter Manager that already follows the volumes.
   *
   * @param manager the Filter Manager
   * @param ctxLog CTX's log (used by {@link #CTX} only)
   * @return the loaded filter
   */
  Loaded load(FilterManager manager, CtxLog ctxLog) {
    return switch (this) {
      case CTX -> {
        Ctx ctx = new Ctx(manager, ctxLog);
        NtStatus st = ctx.driverEntry();
        if (!st.isSuccess()) {
          throw new IllegalStateException("CTX DriverEntry failed: " + st);
        }
        yield ctx::unload;
      }
      case WALKTHROUGH -> unloading(RefCountWalkthrough.register(manager));
      case LEAKY -> unloading(io.fsctx.examples.leaky.LeakyFilter.register(manager));
      case NONE -> () -> {};
    };
  }

  private static Loaded unloading(FltFilter f) {
    return f::unregister;
  }
}
