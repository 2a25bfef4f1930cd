package io.fsctx.fltmgr;

import io.fsctx.nt.NtStatus;

/** {@code PFLT_FILTER_UNLOAD_CALLBACK}. */
@FunctionalInterface
public interface FilterUnloadCallback {
  /** {@code FLTFL_FILTER_UNLOAD_MANDATORY}. */
  int FLTFL_FILTER_UNLOAD_MANDATORY = 0x00000001;

  /**
   * Asked to unload; a mandatory unload cannot be refused. The filter calls {@code
   * FltUnregisterFilter} from here.
   *
   * @param flags {@link #FLTFL_FILTER_UNLOAD_MANDATORY} or 0
   * @return success to unload, an error to refuse a non-mandatory unload
   */
  NtStatus unload(int flags);
}
