package io.fsctx.fltmgr;

import java.time.Duration;

/**
 * The configuration of one {@link FilterManager}: the Windows version to model and the policies
 * the documentation leaves open (fltmgr.md tags them [X] or [C]). Every policy has the default
 * the spec recommends.
 *
 * <p>Thread safety: immutable; build with {@link #builder()}.
 *
 * @param windowsVersion which context types exist and whether variable-size contexts are zeroed
 * @param poolTagPolicy what a zero {@code PoolTag} without an allocate routine means (fltmgr.md
 *     2.2, a [C] item)
 * @param unloadWaitTimeout how long {@code FltUnregisterFilter} waits for the filter's context
 *     references before it reports them instead of hanging
 * @param verifierLevel how much the context verifier records
 * @param emulateFileContexts whether file contexts are emulated on single-stream file systems
 *     without a per-file slot ({@code FltSupportsFileContextsEx})
 * @param poisonFixedSizeContexts whether byte-array payloads of fixed-size contexts come back
 *     filled with a non-zero pattern, as recycled lookaside blocks may on Windows
 */
public record FltConfig(
    WindowsVersion windowsVersion,
    PoolTagPolicy poolTagPolicy,
    Duration unloadWaitTimeout,
    VerifierLevel verifierLevel,
    boolean emulateFileContexts,
    boolean poisonFixedSizeContexts) {

  /** What a zero pool tag in a context registration without an allocate routine means. */
  public enum PoolTagPolicy {
    /** Refuse it with {@code STATUS_FLT_INVALID_CONTEXT_REGISTRATION}, as the DDI page says. */
    DDI_STRICT,
    /** Accept it and use a default tag per context type, as the header comment says. */
    HEADER_DEFAULT_TAG
  }

  /** The defaults: Windows 11, DDI-strict tags, a 5 s unload wait, counting verifier. */
  public static FltConfig defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.windowsVersion = windowsVersion;
    b.poolTagPolicy = poolTagPolicy;
    b.unloadWaitTimeout = unloadWaitTimeout;
    b.verifierLevel = verifierLevel;
    b.emulateFileContexts = emulateFileContexts;
    b.poisonFixedSizeContexts = poisonFixedSizeContexts;
    return b;
  }

  /** Builds a {@link FltConfig}. Confined to one thread. */
  public static final class Builder {
    private WindowsVersion windowsVersion = WindowsVersion.WIN11;
    private PoolTagPolicy poolTagPolicy = PoolTagPolicy.DDI_STRICT;
    private Duration unloadWaitTimeout = Duration.ofSeconds(5);
    private VerifierLevel verifierLevel = VerifierLevel.COUNTING;
    private boolean emulateFileContexts = true;
    private boolean poisonFixedSizeContexts = true;

    private Builder() {}

    /** Sets the modelled Windows version. */
    public Builder windowsVersion(WindowsVersion v) {
      windowsVersion = v;
      return this;
    }

    /** Sets the zero-pool-tag policy. */
    public Builder poolTagPolicy(PoolTagPolicy p) {
      poolTagPolicy = p;
      return this;
    }

    /** Sets how long unregistration waits for outstanding context references. */
    public Builder unloadWaitTimeout(Duration d) {
      unloadWaitTimeout = d;
      return this;
    }

    /** Sets the verifier level. */
    public Builder verifierLevel(VerifierLevel l) {
      verifierLevel = l;
      return this;
    }

    /** Turns file-context emulation on single-stream file systems on or off. */
    public Builder emulateFileContexts(boolean b) {
      emulateFileContexts = b;
      return this;
    }

    /** Turns the poisoning of fixed-size byte-array payloads on or off. */
    public Builder poisonFixedSizeContexts(boolean b) {
      poisonFixedSizeContexts = b;
      return this;
    }

    /** Builds the configuration. */
    public FltConfig build() {
      return new FltConfig(
          windowsVersion,
          poolTagPolicy,
          unloadWaitTimeout,
          verifierLevel,
          emulateFileContexts,
          poisonFixedSizeContexts);
    }
  }
}
