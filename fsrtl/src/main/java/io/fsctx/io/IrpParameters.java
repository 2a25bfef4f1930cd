package io.fsctx.io;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The per-major-function parameters of a request ({@code IO_STACK_LOCATION.Parameters}). One
 * record per major function the model distinguishes; {@link None} for those without parameters.
 *
 * <p>Thread safety: immutable.
 */
public sealed interface IrpParameters {

  /**
   * {@code Parameters.Create} plus the name being opened ({@code FileObject->FileName}) and the
   * create's extra create parameters. With {@code FILE_OPEN_BY_FILE_ID} the name is the binary ID
   * ({@link FileIdName}).
   *
   * @param options access, share, disposition, options and {@code SL_*} flags
   * @param fileName the path relative to the volume; empty for a volume open
   * @param extraCreateParameters the ECP list ({@code FltGetEcpListFromCallbackData})
   */
  record Create(CreateParameters options, String fileName, ExtraCreateParameters extraCreateParameters)
      implements IrpParameters {
    /** A create without extra create parameters. */
    public Create(CreateParameters options, String fileName) {
      this(options, fileName, ExtraCreateParameters.NONE);
    }

    // equals and hashCode are written out (same meaning as the record's): the record's own
    // bootstrap through ObjectMethods on first use spins method-handle classes at every CLI start.

    /** Whether {@code o} is a create with equal components. */
    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Create c
          && c.fileName.equals(fileName)
          && Objects.equals(c.options, options)
          && Objects.equals(c.extraCreateParameters, extraCreateParameters);
    }

    /** A hash of the components. */
    @Override
    public int hashCode() {
      return (31 * options.hashCode() + fileName.hashCode()) * 31 + extraCreateParameters.hashCode();
    }
  }

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
   * @param length the caller's buffer size in bytes ({@link #ANY_LENGTH}: large enough for any answer)
   */
  record QueryInformation(FileInformationClass informationClass, int length) implements IrpParameters {
    /** A buffer length that fits every answer. */
    public static final int ANY_LENGTH = Integer.MAX_VALUE;

    /** A query with a buffer large enough for any answer. */
    public QueryInformation(FileInformationClass informationClass) {
      this(informationClass, ANY_LENGTH);
    }
  }

  /**
   * {@code Parameters.QueryVolume}.
   *
   * @param fsInformationClass what is queried
   * @param length the caller's buffer size in bytes
   */
  record QueryVolumeInformation(FsInformationClass fsInformationClass, int length) implements IrpParameters {}

  /**
   * {@code Parameters.SetFile} with its buffer.
   *
   * @param informationClass the class sent (Ex classes share the records of the plain ones)
   * @param information the buffer
   */
  record SetInformation(FileInformationClass informationClass, FileInformation information)
      implements IrpParameters {
    // equals and hashCode are written out, as Create's are.

    /** Whether {@code o} is a set-information request with equal components. */
    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof SetInformation s
          && s.informationClass == informationClass
          && Objects.equals(s.information, information);
    }

    /** A hash of the components. */
    @Override
    public int hashCode() {
      return 31 * informationClass.hashCode() + information.hashCode();
    }
  }

  /**
   * {@code Parameters.QueryDirectory} / {@code NotifyDirectory} (see the IRP's minor function).
   *
   * @param informationClass the directory information class
   * @param pattern the search pattern, such as {@code *}
   * @param length the caller's buffer length in bytes ({@code QueryDirectory.Length})
   */
  record DirectoryControl(FileInformationClass informationClass, String pattern, int length)
      implements IrpParameters {
    /** The buffer length of a query whose caller did not say: one page, as directory listings use. */
    public static final int DEFAULT_LENGTH = 4096;

    /** Checks the length. */
    public DirectoryControl {
      if (length < 0) {
        throw new IllegalArgumentException("negative QueryDirectory.Length " + length);
      }
    }

    /** A query with a {@link #DEFAULT_LENGTH} buffer. */
    public DirectoryControl(FileInformationClass informationClass, String pattern) {
      this(informationClass, pattern, DEFAULT_LENGTH);
    }
  }

  /**
   * {@code Parameters.FileSystemControl} with its buffers.
   *
   * @param fsControlCode the {@code FSCTL_*} code ({@link FsControlCodes})
   * @param inputBuffer the input buffer (a record such as {@link FileObjectIdBuffer}), or null
   * @param outputBufferLength the output buffer's size in bytes
   */
  record FileSystemControl(int fsControlCode, @Nullable Object inputBuffer, int outputBufferLength)
      implements IrpParameters {
    /** A control without buffers. */
    public FileSystemControl(int fsControlCode) {
      this(fsControlCode, null, 0);
    }
  }

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
