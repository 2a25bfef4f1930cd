package io.fsctx.fltmgr;

import io.fsctx.nt.NtStatus;

/** {@code PFLT_INSTANCE_SETUP_CALLBACK}. */
@FunctionalInterface
public interface InstanceSetupCallback {
  /** {@code FLTFL_INSTANCE_SETUP_AUTOMATIC_ATTACHMENT}. */
  int FLTFL_INSTANCE_SETUP_AUTOMATIC_ATTACHMENT = 0x00000001;
  /** {@code FLTFL_INSTANCE_SETUP_MANUAL_ATTACHMENT}. */
  int FLTFL_INSTANCE_SETUP_MANUAL_ATTACHMENT = 0x00000002;
  /** {@code FLTFL_INSTANCE_SETUP_NEWLY_MOUNTED_VOLUME}. */
  int FLTFL_INSTANCE_SETUP_NEWLY_MOUNTED_VOLUME = 0x00000004;

  /**
   * Decides whether the instance attaches to the volume.
   *
   * @param fltObjects filter, volume and the new instance
   * @param flags {@code FLTFL_INSTANCE_SETUP_*}
   * @param volumeDeviceType the volume's {@code DEVICE_TYPE}, such as {@code
   *     FILE_DEVICE_DISK_FILE_SYSTEM} ({@link io.fsctx.io.StorageDevice})
   * @param volumeFilesystemType the file system's type, such as {@link
   *     FltFilesystemType#FLT_FSTYPE_NTFS}
   * @return success to attach; {@code STATUS_FLT_DO_NOT_ATTACH} or any error not to
   */
  NtStatus setup(FltRelatedObjects fltObjects, int flags, int volumeDeviceType, FltFilesystemType volumeFilesystemType);
}
