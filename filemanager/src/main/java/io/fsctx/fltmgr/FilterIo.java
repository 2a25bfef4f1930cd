package io.fsctx.fltmgr;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import io.fsctx.io.CreateParameters;
import io.fsctx.io.CreateResult;
import io.fsctx.io.ExtraCreateParameters;
import io.fsctx.io.FileInformation;
import io.fsctx.io.FileInformationClass;
import io.fsctx.io.FileNames;
import io.fsctx.io.FileObject;
import io.fsctx.io.FsInformationClass;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoDriverCreateContext;
import io.fsctx.io.IoResult;
import io.fsctx.io.IoStatus;
import io.fsctx.io.Irp;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.IrpParameters;
import io.fsctx.io.Volume;
import io.fsctx.nt.NtStatus;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Filter-initiated I/O ({@code FltCreateFile*}, {@code FltReadFile}, {@code FltWriteFile}, {@code
 * FltQueryInformationFile}, {@code FltSetInformationFile}, {@code FltQueryVolumeInformation(File)},
 * {@code FltFsControlFile}, {@code FltCancelFileOpen}), written once for the {@code Flt} facade and
 * the {@link FltInstance} Java API. Every request starts below the issuing instance ({@link
 * FltFrame#issue}); a create with an instance opens its file object with the frame as the device
 * hint and Filter Manager's private ECP, so its later requests, cleanup and close included, start
 * there too.
 *
 * <h2>Statuses where the documentation is silent ([X] policies)</h2>
 * <ul>
 *   <li>A create whose name is empty, or neither relative to a root directory nor starting with a
 *       backslash: {@code STATUS_OBJECT_PATH_SYNTAX_BAD} (as {@code IoCreateFileEx} documents); a
 *       name on no volume this Filter Manager filters: {@code STATUS_OBJECT_PATH_NOT_FOUND}; a
 *       relative name starting with a backslash: {@code STATUS_OBJECT_NAME_INVALID}; an open by
 *       file ID without a root handle: {@code STATUS_INVALID_PARAMETER}.
 *   <li>An instance on another volume than the name: {@code STATUS_INVALID_DEVICE_OBJECT_PARAMETER}
 *       (the device hint is not on the volume's stack, {@code IoCreateFileEx}); an instance of
 *       another filter: {@code STATUS_INVALID_PARAMETER}; an instance being torn down: {@code
 *       STATUS_FLT_DELETING_OBJECT}; a closed root handle: {@code STATUS_INVALID_HANDLE}.
 *   <li>A set whose length is shorter than its class's structure: {@code
 *       STATUS_INFO_LENGTH_MISMATCH}. EA buffers and asynchronous completion routines are not
 *       modelled.
 * </ul>
 * Passing a file object of another volume, or one already deleted, is a caller's mistake
 * (precondition failure), as is {@code FltCancelFileOpen} outside a post-create callback or after
 * a handle was created.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
final class FilterIo {
  private FilterIo() {}

  /** The result of a create: the status, the I/O status block and the handle on success. */
  record Created(NtStatus status, IoStatus ioStatus, @Nullable FltFileHandle handle) {}

  // ---- Create ----------------------------------------------------------------------------------

  static Created create(
      FltFilter filter,
      @Nullable FltInstance instance,
      ObjectAttributes attributes,
      CreateParameters parameters,
      @Nullable IoDriverCreateContext driverContext) {
    checkNotNull(filter, "filter");
    checkNotNull(attributes, "objectAttributes");
    if (instance != null && instance.filter() != filter) {
      return failed(NtStatus.STATUS_INVALID_PARAMETER);
    }
    if (instance != null && instance.isDying()) {
      return failed(NtStatus.STATUS_FLT_DELETING_OBJECT);
    }
    Target t = resolve(filter.manager(), attributes, parameters);
    if (t.status() != null) {
      return failed(t.status());
    }
    FltVolume volume = java.util.Objects.requireNonNull(t.volume());
    if (instance != null && instance.volume() != volume) {
      return failed(NtStatus.STATUS_INVALID_DEVICE_OBJECT_PARAMETER);
    }
    Volume ioVolume = java.util.Objects.requireNonNull(volume.ioVolume());
    IoDriverCreateContext ctx = driverContext == null ? IoDriverCreateContext.NONE : driverContext;
    if (instance != null) {
      FltFrame frame = volume.frame();
      if (frame == null || !ioVolume.deviceStack().devices().contains(frame)) {
        return failed(NtStatus.STATUS_INVALID_DEVICE_OBJECT_PARAMETER);
      }
      ExtraCreateParameters ecps = ctx.extraCreateParameters().with(new FltFrame.CreateTarget(instance));
      ctx = ctx.withDeviceObjectHint(frame).withExtraCreateParameters(ecps);
    }
    CreateResult r = ioVolume.ioManager().createFileEx(ioVolume, java.util.Objects.requireNonNull(t.path()), parameters, ctx);
    FileObject fo = r.fileObject();
    if (fo == null) {
      return new Created(r.status(), r.ioStatus(), null);
    }
    FltFileHandle h = new FltFileHandle(filter.manager().ids().next("Handle"), fo);
    return new Created(r.status(), r.ioStatus(), h);
  }

  private static Created failed(NtStatus status) {
    return new Created(status, IoStatus.of(status), null);
  }

  private record Target(@Nullable NtStatus status, @Nullable FltVolume volume, @Nullable String path) {
    static Target failed(NtStatus s) {
      return new Target(s, null, null);
    }
  }

  /** Finds the volume and the path on it that the object attributes name. */
  private static Target resolve(FilterManager manager, ObjectAttributes attributes, CreateParameters parameters) {
    String name = attributes.objectName();
    FltFileHandle root = attributes.rootDirectory();
    boolean byId = parameters.hasOption(IoConstants.FILE_OPEN_BY_FILE_ID);
    if (root != null) {
      if (root.isClosed()) {
        return Target.failed(NtStatus.STATUS_INVALID_HANDLE);
      }
      FileObject rfo = root.fileObject();
      FltVolume v = volumeOf(manager, rfo.volume());
      if (v == null) {
        return Target.failed(NtStatus.STATUS_INVALID_HANDLE);
      }
      if (byId) {
        return new Target(null, v, name);
      }
      if (name.startsWith("\\")) {
        return Target.failed(NtStatus.STATUS_OBJECT_NAME_INVALID);
      }
      Volume io = java.util.Objects.requireNonNull(v.ioVolume());
      FileNames names = io.fileSystem().queryFileNames(rfo);
      if (names == null) {
        return Target.failed(NtStatus.STATUS_INVALID_HANDLE);
      }
      String dir = names.normalizedName();
      String path = name.isEmpty() ? dir : (dir.endsWith("\\") ? dir : dir + "\\") + name;
      return new Target(null, v, path);
    }
    if (byId) {
      return Target.failed(NtStatus.STATUS_INVALID_PARAMETER);
    }
    if (name.isEmpty() || !name.startsWith("\\")) {
      return Target.failed(NtStatus.STATUS_OBJECT_PATH_SYNTAX_BAD);
    }
    String upper = name.toUpperCase(Locale.ROOT);
    for (String dos : new String[] {"\\??\\", "\\DOSDEVICES\\"}) {
      if (upper.startsWith(dos) && upper.length() >= dos.length() + 2 && upper.charAt(dos.length() + 1) == ':') {
        char letter = upper.charAt(dos.length());
        String rest = name.substring(dos.length() + 2);
        for (FltVolume v : manager.volumes()) {
          Volume io = v.ioVolume();
          Character l = io == null ? null : io.driveLetter();
          if (l != null && l == letter && (rest.isEmpty() || rest.startsWith("\\"))) {
            return new Target(null, v, rest);
          }
        }
        return Target.failed(NtStatus.STATUS_OBJECT_PATH_NOT_FOUND);
      }
    }
    for (FltVolume v : manager.volumes()) {
      String device = v.deviceName().toUpperCase(Locale.ROOT);
      if (v.ioVolume() != null && upper.startsWith(device)
          && (upper.length() == device.length() || upper.charAt(device.length()) == '\\')) {
        return new Target(null, v, name.substring(device.length()));
      }
    }
    return Target.failed(NtStatus.STATUS_OBJECT_PATH_NOT_FOUND);
  }

  private static @Nullable FltVolume volumeOf(FilterManager manager, @Nullable Volume v) {
    return v == null ? null : manager.volumeOf(v);
  }

  // ---- Requests on a file object ---------------------------------------------------------------

  /** Builds and sends a request below {@code instance}. */
  static IoResult send(FltInstance instance, FileObject fo, IrpMajorFunction major, int minor, IrpParameters p, int irpFlags) {
    checkNotNull(fo, "fileObject");
    Volume v = fo.volume();
    checkArgument(v != null && v == instance.volume().ioVolume(),
        "fileObject %s is not on the volume of %s", fo, instance);
    // A file object in the middle of its IRP_MJ_CREATE (post-create) has no reference counted yet
    // but is the I/O manager's and valid; only a deleted one is refused.
    checkArgument(!fo.isDeleted(), "fileObject %s has been deleted", fo);
    FltFrame frame = instance.volume().frame();
    checkState(frame != null, "%s has no frame on an I/O stack", instance.volume());
    Irp irp = new Irp("Irp#" + v.ioManager().ids().nextNumber("Irp"), major, minor, fo, p, irpFlags);
    NtStatus st = frame.issue(irp, instance);
    IoStatus ios = irp.ioStatus();
    return new IoResult(ios == null ? IoStatus.of(st) : ios, irp.output());
  }

  /** {@code FLTFL_IO_OPERATION_*} to {@code IRP_*} flags. */
  private static int irpFlags(int fltFlags) {
    int f = IoConstants.IRP_SYNCHRONOUS_API;
    if ((fltFlags & Flt.FLTFL_IO_OPERATION_NON_CACHED) != 0) {
      f |= IoConstants.IRP_NOCACHE;
    }
    if ((fltFlags & Flt.FLTFL_IO_OPERATION_PAGING) != 0) {
      f |= IoConstants.IRP_PAGING_IO;
    }
    return f;
  }

  static IoStatus read(FltInstance instance, FileObject fo, long offset, int length, int flags) {
    return send(instance, fo, IrpMajorFunction.READ, 0, new IrpParameters.Read(offset, length), irpFlags(flags)).ioStatus();
  }

  static IoStatus write(FltInstance instance, FileObject fo, long offset, int length, int flags) {
    return send(instance, fo, IrpMajorFunction.WRITE, 0, new IrpParameters.Write(offset, length), irpFlags(flags)).ioStatus();
  }

  static IoResult queryInformation(FltInstance instance, FileObject fo, FileInformationClass c, int length) {
    return send(instance, fo, IrpMajorFunction.QUERY_INFORMATION, 0, new IrpParameters.QueryInformation(c, length), 0);
  }

  static IoStatus setInformation(FltInstance instance, FileObject fo, FileInformationClass c, FileInformation info, int length) {
    if (c.fixedSize() > 0 && length < c.fixedSize()) {
      return IoStatus.of(NtStatus.STATUS_INFO_LENGTH_MISMATCH);
    }
    return send(instance, fo, IrpMajorFunction.SET_INFORMATION, 0, new IrpParameters.SetInformation(c, info), 0).ioStatus();
  }

  static IoResult queryVolumeInformationFile(FltInstance instance, FileObject fo, FsInformationClass c, int length) {
    return send(instance, fo, IrpMajorFunction.QUERY_VOLUME_INFORMATION, 0, new IrpParameters.QueryVolumeInformation(c, length), 0);
  }

  /**
   * {@code FltQueryVolumeInformation}: Filter Manager opens the volume below the instance,
   * queries it and closes it again.
   */
  static IoResult queryVolumeInformation(FltInstance instance, FsInformationClass c, int length) {
    if (instance.isDying()) {
      return new IoResult(IoStatus.of(NtStatus.STATUS_FLT_DELETING_OBJECT), null);
    }
    Created open = create(instance.filter(), instance, ObjectAttributes.of(instance.volume().deviceName()),
        CreateParameters.open().withDesiredAccess(IoConstants.FILE_READ_ATTRIBUTES | IoConstants.SYNCHRONIZE), null);
    FltFileHandle h = open.handle();
    if (h == null) {
      return new IoResult(open.ioStatus(), null);
    }
    try {
      return queryVolumeInformationFile(instance, h.fileObject(), c, length);
    } finally {
      h.closeHandle();
    }
  }

  static IoResult fsControl(FltInstance instance, FileObject fo, int code, @Nullable Object input, int outputLength) {
    return send(instance, fo, IrpMajorFunction.FILE_SYSTEM_CONTROL, IoConstants.IRP_MN_USER_FS_REQUEST,
        new IrpParameters.FileSystemControl(code, input, outputLength), 0);
  }

  static void cancelFileOpen(FltInstance instance, FileObject fo) {
    checkNotNull(fo, "fileObject");
    String cb = instance.filter().manager().events().currentCallback();
    checkState("PostCreate".equals(cb),
        "FltCancelFileOpen may only be called from a post-create callback (called from %s)", cb);
    checkState(!fo.hasFlags(FileObject.FO_HANDLE_CREATED),
        "FltCancelFileOpen on %s after a handle was created (FO_HANDLE_CREATED)", fo);
    checkState(fo.fsContext() != null && !fo.hasFlags(FileObject.FO_FILE_OPEN_CANCELLED),
        "FltCancelFileOpen on %s, which the file system has not opened or which is already cancelled", fo);
    Volume v = fo.volume();
    checkArgument(v != null && v == instance.volume().ioVolume(), "fileObject %s is not on the volume of %s", fo, instance);
    FltFrame frame = java.util.Objects.requireNonNull(instance.volume().frame());
    frame.cancelOpen(instance, fo, v);
  }
}
