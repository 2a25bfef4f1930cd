package io.fsctx.fltmgr;

import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.io.IoManager;
import io.fsctx.io.StorageDevice;
import io.fsctx.io.Volume;
import io.fsctx.modelfs.FatLikeFileSystem;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.nt.EResource;
import io.fsctx.nt.KeThread;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import io.fsctx.nt.UnicodeString;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The volume routines (FltGetVolumeGuidName, FltGetFileSystemType, FltIsVolumeWritable,
 * FltGetVolumeProperties), what instance setup is told about the volume, and the resource
 * helpers, with their documented statuses.
 */
class VolumeRoutinesTest {
  private final IoManager io = new IoManager();
  private final FilterManager mgr = new FilterManager(FltTestSupport.quickUnload().build());

  private FltVolume follow(String device, Character letter, io.fsctx.io.FileSystemDriver fs, StorageDevice storage) {
    Volume v = io.mount(device, letter, fs, storage);
    mgr.followMounts(io);
    return Objects.requireNonNull(mgr.volumeOf(v));
  }

  private FltVolume ntfs() {
    return follow("\\Device\\HarddiskVolume1", 'C', new NtfsLikeFileSystem(), StorageDevice.disk("\\Device\\HarddiskVolume1"));
  }

  @Test
  @DisplayName("FltGetVolumeGuidName: the two-call protocol, STATUS_BUFFER_TOO_SMALL with the size, then \\??\\Volume{GUID}")
  void getVolumeGuidName_twoCallProtocol() {
    FltVolume v = ntfs();
    Out<Integer> needed = new Out<>();
    assertEquals(NtStatus.STATUS_BUFFER_TOO_SMALL, Flt.getVolumeGuidName(v, null, needed));
    String expected = "\\??\\Volume{" + StorageDevice.disk("\\Device\\HarddiskVolume1").volumeGuid() + "}";
    assertEquals(expected.length() * 2, needed.get());
    UnicodeString small = UnicodeString.allocate(needed.get() - 2);
    assertEquals(NtStatus.STATUS_BUFFER_TOO_SMALL, Flt.getVolumeGuidName(v, small, needed));
    UnicodeString name = UnicodeString.allocate(needed.get());
    assertEquals(STATUS_SUCCESS, Flt.getVolumeGuidName(v, name, null));
    assertEquals(expected, name.toString());
    assertThrows(IllegalArgumentException.class, () -> Flt.getVolumeGuidName(v, null, null));
    FltVolume bare = mgr.mountBareVolume("\\Device\\Bare", "NTFS", true);
    assertEquals(NtStatus.STATUS_FLT_VOLUME_NOT_FOUND, Flt.getVolumeGuidName(bare, name, needed));
  }

  @Test
  @DisplayName("FltGetFileSystemType: NTFS-like is FLT_FSTYPE_NTFS, FAT-like FLT_FSTYPE_FAT, an instance gives its volume's, anything else is INVALID_PARAMETER and UNKNOWN")
  void getFileSystemType_perVolumeAndInstance() {
    FltVolume ntfs = ntfs();
    FltVolume fat = follow("\\Device\\HarddiskVolume2", 'D', new FatLikeFileSystem(), StorageDevice.disk("fat"));
    Out<FltFilesystemType> type = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.getFileSystemType(ntfs, type));
    assertEquals(FltFilesystemType.FLT_FSTYPE_NTFS, type.get());
    assertEquals(STATUS_SUCCESS, Flt.getFileSystemType(fat, type));
    assertEquals(FltFilesystemType.FLT_FSTYPE_FAT, type.get());
    assertEquals(NtStatus.STATUS_INVALID_PARAMETER, Flt.getFileSystemType("not a filter object", type));
    assertEquals(FltFilesystemType.FLT_FSTYPE_UNKNOWN, type.get());
    assertEquals(FltFilesystemType.FLT_FSTYPE_EXFAT, mgr.mountBareVolume("\\Device\\X", "exFAT", false).fileSystemType());
    assertEquals(3, FltFilesystemType.FLT_FSTYPE_FAT.value(), "the enumeration's C values");
    assertEquals(28, FltFilesystemType.FLT_FSTYPE_REFS.value());
  }

  @Test
  @DisplayName("InstanceSetupCallback receives FILE_DEVICE_DISK_FILE_SYSTEM and the FLT_FILESYSTEM_TYPE; FltGetFileSystemType on the instance agrees")
  void instanceSetup_getsDeviceAndFileSystemType() {
    ntfs();
    List<String> seen = new ArrayList<>();
    FltRegistration reg = FltRegistration.builder()
        .instanceSetupCallback((o, flags, deviceType, fsType) -> {
          Out<FltFilesystemType> t = new Out<>();
          assertEquals(STATUS_SUCCESS, Flt.getFileSystemType(Objects.requireNonNull(o.instance()), t));
          seen.add(deviceType + " " + fsType + " " + t.get());
          return STATUS_SUCCESS;
        })
        .build();
    Out<FltFilter> f = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.registerFilter(mgr, DriverObject.of("Setup", "385000"), reg, f));
    assertEquals(STATUS_SUCCESS, Flt.startFiltering(Objects.requireNonNull(f.get())));
    assertEquals(List.of(StorageDevice.FILE_DEVICE_DISK_FILE_SYSTEM + " FLT_FSTYPE_NTFS FLT_FSTYPE_NTFS"), seen);
    Flt.unregisterFilter(f.get());
  }

  @Test
  @DisplayName("FltIsVolumeWritable: the storage's writability; no storage to ask is INVALID_DEVICE_REQUEST")
  void isVolumeWritable_readOnlyStorageAndBareVolume() {
    FltVolume rw = ntfs();
    FltVolume ro = follow("\\Device\\HarddiskVolume2", 'D', new NtfsLikeFileSystem(), StorageDevice.disk("ro").readOnly());
    Out<Boolean> writable = new Out<>();
    assertEquals(STATUS_SUCCESS, Flt.isVolumeWritable(rw, writable));
    assertTrue(writable.get());
    assertEquals(STATUS_SUCCESS, Flt.isVolumeWritable(ro, writable));
    assertFalse(writable.get());
    assertEquals(NtStatus.STATUS_INVALID_DEVICE_REQUEST,
        Flt.isVolumeWritable(mgr.mountBareVolume("\\Device\\Bare", "NTFS", true), writable));
    assertEquals(NtStatus.STATUS_INVALID_PARAMETER, Flt.isVolumeWritable(42, writable));
  }

  @Test
  @DisplayName("FltGetVolumeProperties: length 0 or below the structure is BUFFER_TOO_SMALL with the size; room for the fixed part only is BUFFER_OVERFLOW")
  void getVolumeProperties_lengthProtocol() {
    FltVolume v = follow("\\Device\\HarddiskVolume1", 'C', new NtfsLikeFileSystem(),
        StorageDevice.disk("\\Device\\HarddiskVolume1").withSectorSize(4096));
    Out<FltVolumeProperties> props = new Out<>();
    Out<Integer> length = new Out<>();
    assertEquals(NtStatus.STATUS_BUFFER_TOO_SMALL, Flt.getVolumeProperties(v, props, 0, length));
    int needed = FltVolumeProperties.SIZEOF_FLT_VOLUME_PROPERTIES + 2 * ("Ntfs".length() + "\\Ntfs".length()
        + "\\Device\\HarddiskVolume1".length());
    assertEquals(needed, length.get());
    assertEquals(NtStatus.STATUS_BUFFER_TOO_SMALL, Flt.getVolumeProperties(v, props, 71, length));
    assertEquals(NtStatus.STATUS_BUFFER_OVERFLOW,
        Flt.getVolumeProperties(v, props, FltVolumeProperties.SIZEOF_FLT_VOLUME_PROPERTIES, length));
    assertEquals(4096, Objects.requireNonNull(props.get()).sectorSize());
    assertEquals("", props.get().realDeviceName());
    assertEquals(STATUS_SUCCESS, Flt.getVolumeProperties(v, props, needed, length));
    FltVolumeProperties p = Objects.requireNonNull(props.get());
    assertEquals(StorageDevice.FILE_DEVICE_DISK, p.deviceType());
    assertEquals("Ntfs", p.fileSystemDriverName());
    assertEquals("\\Ntfs", p.fileSystemDeviceName());
    assertEquals("\\Device\\HarddiskVolume1", p.realDeviceName());
    assertEquals(needed, length.get());
  }

  @Test
  @DisplayName("FltAcquireResourceExclusive/Shared disable normal kernel APCs until FltReleaseResource; exclusive is recursive")
  void resources_criticalRegionAndRecursion() {
    EResource r = new EResource("Res#1");
    int depth = KeThread.criticalRegionDepth();
    Flt.acquireResourceExclusive(r);
    Flt.acquireResourceExclusive(r);
    assertEquals(depth + 2, KeThread.criticalRegionDepth());
    assertTrue(r.isAcquiredExclusive());
    Flt.releaseResource(r);
    Flt.releaseResource(r);
    assertEquals(depth, KeThread.criticalRegionDepth());
    assertFalse(r.isHeld());
    Flt.acquireResourceShared(r);
    assertEquals(1, r.isAcquiredShared());
    assertThrows(IllegalStateException.class, () -> Flt.acquireResourceExclusive(r), "shared to exclusive deadlocks");
    assertEquals(depth + 1, KeThread.criticalRegionDepth(), "a refused acquisition leaves no critical region behind");
    Flt.releaseResource(r);
    assertThrows(IllegalStateException.class, () -> Flt.releaseResource(r), "releasing what the thread does not hold");
    assertEquals(depth, KeThread.criticalRegionDepth());
  }
}
