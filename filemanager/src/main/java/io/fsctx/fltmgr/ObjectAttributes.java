package io.fsctx.fltmgr;

import io.fsctx.io.FileIdName;
import org.jspecify.annotations.Nullable;

/**
 * {@code OBJECT_ATTRIBUTES} as a filter-initiated create uses them ({@code
 * InitializeObjectAttributes}): the object name, optionally relative to an open directory handle,
 * and the {@code OBJ_*} attributes. A fully qualified name starts with the volume's NT device name
 * ({@code \Device\HarddiskVolume1\dir\file}) or a DOS drive ({@code \??\C:\dir\file}); a relative
 * one is resolved against {@code RootDirectory}. For {@code FILE_OPEN_BY_FILE_ID} the name is the
 * binary ID ({@link #byFileId}) and the root directory is any open handle on the volume.
 *
 * <p>Thread safety: immutable.
 *
 * @param objectName the name
 * @param rootDirectory the handle a relative name (or a file ID) refers to, or null
 * @param attributes {@code OBJ_*} bits ({@link #OBJ_KERNEL_HANDLE}, {@link #OBJ_CASE_INSENSITIVE})
 */
public record ObjectAttributes(String objectName, @Nullable FltFileHandle rootDirectory, int attributes) {
  /** {@code OBJ_CASE_INSENSITIVE}. */
  public static final int OBJ_CASE_INSENSITIVE = 0x00000040;
  /** {@code OBJ_KERNEL_HANDLE}. */
  public static final int OBJ_KERNEL_HANDLE = 0x00000200;

  /** A fully qualified name, kernel handle, case-insensitive, as filters usually initialise them. */
  public static ObjectAttributes of(String objectName) {
    return new ObjectAttributes(objectName, null, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE);
  }

  /** A name relative to an open directory. */
  public static ObjectAttributes relative(FltFileHandle rootDirectory, String relativeName) {
    return new ObjectAttributes(relativeName, rootDirectory, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE);
  }

  /** A 64-bit file ID on the volume of {@code anyHandleOnTheVolume}, for {@code FILE_OPEN_BY_FILE_ID}. */
  public static ObjectAttributes byFileId(FltFileHandle anyHandleOnTheVolume, long fileId) {
    return new ObjectAttributes(FileIdName.of(fileId), anyHandleOnTheVolume, OBJ_KERNEL_HANDLE);
  }
}
