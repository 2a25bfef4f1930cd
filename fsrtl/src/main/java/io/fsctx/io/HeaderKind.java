package io.fsctx.io;

/**
 * Which header a model file system gives each stream structure.
 *
 * <p>Thread safety: immutable.
 */
public enum HeaderKind {
  /** {@code FSRTL_COMMON_FCB_HEADER} only: no filter contexts at all (deprecated on Windows). */
  COMMON,
  /** {@code FSRTL_ADVANCED_FCB_HEADER} set up with {@code FsRtlSetupAdvancedHeader}: stream contexts, no per-file slot. */
  ADVANCED,
  /**
   * {@code FSRTL_ADVANCED_FCB_HEADER} set up with {@code FsRtlSetupAdvancedHeaderEx} and the
   * per-file structure's slot: native file contexts, shared by every stream of the file.
   */
  ADVANCED_WITH_FILE_CONTEXTS
}
