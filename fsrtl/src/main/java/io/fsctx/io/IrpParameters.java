package io.fsctx.io;

/**
 * The per-major-function parameters of a request ({@code IO_STACK_LOCATION.Parameters}). One
 * record per major function the model distinguishes; {@link None} for those without parameters.
 *
 * <p>Thread safety: immutable.
 */
public sealed interface IrpParameters {

  /**
   * {@code Parameters.Create} plus the name being opened ({@code FileObject->FileName}).
   *
   * @param options access, share, disposition, options and {@code SL_*} flags
   * @param fileName the path relative to the volume; empty for a volume open
   */
  record Create(CreateParameters options, String fileName) implements IrpParameters {}

  /**
   * {@code Parameters.Read}.
   *
   * @param byteOffset where to read
   * @param length how many bytes
   */
  record Read(long byteOffset, int length) implements IrpParameters {}

  /**
   * {@code Parameters.Write}.
   *
   * @param byteOffset where to write
   * @param length how many bytes
   */
  record Write(long byteOffset, int length) implements IrpParameters {}

  /**
   * {@code Parameters.QueryFile}.
   *
   * @param informationClass what is queried
   */
  record QueryInformation(FileInformationClass informationClass) implements IrpParameters {}

  /**
   * {@code Parameters.SetFile} with its buffer.
   *
   * @param informationClass the class sent (Ex classes share the records of the plain ones)
   * @param information the buffer
   */
  record SetInformation(FileInformationClass informationClass, FileInformation information)
      implements IrpParameters {}

  /**
   * {@code Parameters.QueryDirectory} / {@code NotifyDirectory} (see the IRP's minor function).
   *
   * @param informationClass the directory information class
   * @param pattern the search pattern, such as {@code *}
   */
  record DirectoryControl(FileInformationClass informationClass, String pattern) implements IrpParameters {}

  /**
   * {@code Parameters.FileSystemControl}.
   *
   * @param fsControlCode the {@code FSCTL_*} code
   */
  record FileSystemControl(int fsControlCode) implements IrpParameters {}

  /**
   * {@code Parameters.LockControl} (lock or unlock, see the minor function).
   *
   * @param byteOffset start of the range
   * @param length length of the range
   * @param key the lock key
   * @param exclusive whether an exclusive lock is asked for
   */
  record LockControl(long byteOffset, long length, int key, boolean exclusive) implements IrpParameters {}

  /**
   * {@code Parameters.QuerySecurity} / {@code SetSecurity}.
   *
   * @param securityInformation {@code SECURITY_INFORMATION} bits
   */
  record Security(int securityInformation) implements IrpParameters {}

  /** No parameters: flush, cleanup, close and anything else. */
  record None() implements IrpParameters {}

  /** The shared instance of {@link None}. */
  IrpParameters NONE = new None();
}
