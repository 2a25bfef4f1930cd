package io.fsctx.fltmgr;

/** {@code PFLT_INSTANCE_TEARDOWN_CALLBACK}: teardown start and teardown complete. */
@FunctionalInterface
public interface InstanceTeardownCallback {
  /** {@code FLTFL_INSTANCE_TEARDOWN_MANUAL}. */
  int FLTFL_INSTANCE_TEARDOWN_MANUAL = 0x00000001;
  /** {@code FLTFL_INSTANCE_TEARDOWN_FILTER_UNLOAD}. */
  int FLTFL_INSTANCE_TEARDOWN_FILTER_UNLOAD = 0x00000002;
  /** {@code FLTFL_INSTANCE_TEARDOWN_MANDATORY_FILTER_UNLOAD}. */
  int FLTFL_INSTANCE_TEARDOWN_MANDATORY_FILTER_UNLOAD = 0x00000004;
  /** {@code FLTFL_INSTANCE_TEARDOWN_VOLUME_DISMOUNT}. */
  int FLTFL_INSTANCE_TEARDOWN_VOLUME_DISMOUNT = 0x00000008;
  /** {@code FLTFL_INSTANCE_TEARDOWN_INTERNAL_ERROR}. */
  int FLTFL_INSTANCE_TEARDOWN_INTERNAL_ERROR = 0x00000010;

  /**
   * Told that the instance is going away.
   *
   * @param fltObjects filter, volume, instance
   * @param reason one of the {@code FLTFL_INSTANCE_TEARDOWN_*} values
   */
  void teardown(FltRelatedObjects fltObjects, int reason);
}
