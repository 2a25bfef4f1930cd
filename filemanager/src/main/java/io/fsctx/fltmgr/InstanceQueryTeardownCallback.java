package io.fsctx.fltmgr;

import io.fsctx.nt.NtStatus;

/** {@code PFLT_INSTANCE_QUERY_TEARDOWN_CALLBACK}: asked before a manual detach only. */
@FunctionalInterface
public interface InstanceQueryTeardownCallback {
  /**
   * Allows or refuses a manual detach.
   *
   * @param fltObjects filter, volume, instance
   * @param flags reserved, 0
   * @return success to allow; an error (such as {@code STATUS_FLT_DO_NOT_DETACH}) to refuse
   */
  NtStatus queryTeardown(FltRelatedObjects fltObjects, int flags);
}
