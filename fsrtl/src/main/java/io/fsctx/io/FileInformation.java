package io.fsctx.io;

/**
 * The buffer of an {@code IRP_MJ_SET_INFORMATION} or {@code IRP_MJ_QUERY_INFORMATION}: one record
 * per information class the model acts on or answers ({@link Basic}, {@link Standard}, {@link
 * Internal} and {@link Id} are what queries return; the model file systems fill them in). Names in {@link Rename} and {@link Link} are paths on the same volume, starting with
 * a backslash; a name without one is taken as a new last component in the file's current
 * directory (as {@code FILE_RENAME_INFORMATION} with a relative name does).
 *
 * <p>Thread safety: immutable.
 */
public sealed interface FileInformation {

  /** The class this record is normally sent with. */
  FileInformationClass defaultClass();

  /**
   * {@code FILE_RENAME_INFORMATION} ({@code FileRenameInformation} / {@code Ex}).
   *
   * @param targetName the new name
   * @param replaceIfExists {@code ReplaceIfExists} (or {@code FILE_RENAME_REPLACE_IF_EXISTS})
   */
  record Rename(String targetName, boolean replaceIfExists) implements FileInformation {
    @Override
    public FileInformationClass defaultClass() {
      return FileInformationClass.FILE_RENAME_INFORMATION;
    }
  }

  /**
   * {@code FILE_LINK_INFORMATION}: adds a hard link.
   *
   * @param linkName the new name
   * @param replaceIfExists whether an existing name is replaced
   */
  record Link(String linkName, boolean replaceIfExists) implements FileInformation {
    @Override
    public FileInformationClass defaultClass() {
      return FileInformationClass.FILE_LINK_INFORMATION;
    }
  }

  /**
   * {@code FILE_DISPOSITION_INFORMATION}: {@code DeleteFile} (or {@code FILE_DISPOSITION_DELETE}).
   *
   * @param delete true marks the file delete-pending, false clears it
   */
  record Disposition(boolean delete) implements FileInformation {
    @Override
    public FileInformationClass defaultClass() {
      return FileInformationClass.FILE_DISPOSITION_INFORMATION;
    }
  }

  /**
   * {@code FILE_END_OF_FILE_INFORMATION}.
   *
   * @param endOfFile the new file size
   */
  record EndOfFile(long endOfFile) implements FileInformation {
    @Override
    public FileInformationClass defaultClass() {
      return FileInformationClass.FILE_END_OF_FILE_INFORMATION;
    }
  }

  /**
   * {@code FILE_ALLOCATION_INFORMATION}.
   *
   * @param allocationSize the new allocation size
   */
  record Allocation(long allocationSize) implements FileInformation {
    @Override
    public FileInformationClass defaultClass() {
      return FileInformationClass.FILE_ALLOCATION_INFORMATION;
    }
  }

  /**
   * {@code FILE_POSITION_INFORMATION}.
   *
   * @param currentByteOffset the new position
   */
  record Position(long currentByteOffset) implements FileInformation {
    @Override
    public FileInformationClass defaultClass() {
      return FileInformationClass.FILE_POSITION_INFORMATION;
    }
  }

  /**
   * {@code FILE_DISPOSITION_INFORMATION_EX} ({@code FileDispositionInformationEx}, Windows 10 RS1+).
   *
   * @param flags {@code FILE_DISPOSITION_*} bits
   */
  record DispositionEx(int flags) implements FileInformation {
    /** {@code FILE_DISPOSITION_DO_NOT_DELETE}. */
    public static final int FILE_DISPOSITION_DO_NOT_DELETE = 0x00000000;
    /** {@code FILE_DISPOSITION_DELETE}. */
    public static final int FILE_DISPOSITION_DELETE = 0x00000001;
    /** {@code FILE_DISPOSITION_POSIX_SEMANTICS}: the name goes when this handle is closed. */
    public static final int FILE_DISPOSITION_POSIX_SEMANTICS = 0x00000002;
    /** {@code FILE_DISPOSITION_FORCE_IMAGE_SECTION_CHECK}. */
    public static final int FILE_DISPOSITION_FORCE_IMAGE_SECTION_CHECK = 0x00000004;
    /** {@code FILE_DISPOSITION_ON_CLOSE}: sets or clears this open's delete-on-close state. */
    public static final int FILE_DISPOSITION_ON_CLOSE = 0x00000008;
    /** {@code FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE}: a read-only file may be deleted. */
    public static final int FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE = 0x00000010;
    /** Every flag the record may carry. */
    public static final int ALL_FLAGS = FILE_DISPOSITION_DELETE | FILE_DISPOSITION_POSIX_SEMANTICS
        | FILE_DISPOSITION_FORCE_IMAGE_SECTION_CHECK | FILE_DISPOSITION_ON_CLOSE
        | FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE;

    @Override
    public FileInformationClass defaultClass() {
      return FileInformationClass.FILE_DISPOSITION_INFORMATION_EX;
    }

    /** Whether every bit of {@code flag} is set. */
    public boolean has(int flag) {
      return (flags & flag) == flag;
    }
  }

  /**
   * {@code FILE_BASIC_INFORMATION}. In a set, a zero time or zero attributes leave the value as it
   * is; the model keeps attributes (read-only matters to deletes) and no times.
   *
   * @param creationTime creation time (100 ns units since 1601), 0 when not kept
   * @param lastAccessTime last access time
   * @param lastWriteTime last write time
   * @param changeTime last change time
   * @param fileAttributes {@code FILE_ATTRIBUTE_*} bits
   */
  record Basic(long creationTime, long lastAccessTime, long lastWriteTime, long changeTime, int fileAttributes)
      implements FileInformation {
    /** A set of the attributes alone. */
    public static Basic attributes(int fileAttributes) {
      return new Basic(0, 0, 0, 0, fileAttributes);
    }

    @Override
    public FileInformationClass defaultClass() {
      return FileInformationClass.FILE_BASIC_INFORMATION;
    }
  }

  /**
   * {@code FILE_STANDARD_INFORMATION}.
   *
   * @param allocationSize the stream's allocation size
   * @param endOfFile the stream's size
   * @param numberOfLinks the file's names (hard links); 0 once a POSIX delete removed the last
   * @param deletePending whether the file (or the opened named stream) is delete-pending
   * @param directory whether the file is a directory
   */
  record Standard(long allocationSize, long endOfFile, int numberOfLinks, boolean deletePending, boolean directory)
      implements FileInformation {
    @Override
    public FileInformationClass defaultClass() {
      return FileInformationClass.FILE_STANDARD_INFORMATION;
    }
  }

  /**
   * {@code FILE_INTERNAL_INFORMATION}: the file's 64-bit ID (NTFS's file reference number), the
   * value an open by file ID takes.
   *
   * @param indexNumber the file ID
   */
  record Internal(long indexNumber) implements FileInformation {
    @Override
    public FileInformationClass defaultClass() {
      return FileInformationClass.FILE_INTERNAL_INFORMATION;
    }
  }

  /**
   * {@code FILE_ID_INFORMATION}: the volume's serial number and the file's 128-bit ID.
   *
   * @param volumeSerialNumber the volume serial number
   * @param fileId the file ID
   */
  record Id(long volumeSerialNumber, FileId128 fileId) implements FileInformation {
    @Override
    public FileInformationClass defaultClass() {
      return FileInformationClass.FILE_ID_INFORMATION;
    }
  }

  /**
   * {@code FILE_NAME_INFORMATION}: the file's path on its volume (without the volume name).
   *
   * @param fileName such as {@code \dir\file.txt}; cut short when the buffer was too small ({@code
   *     STATUS_BUFFER_OVERFLOW})
   */
  record Name(String fileName) implements FileInformation {
    @Override
    public FileInformationClass defaultClass() {
      return FileInformationClass.FILE_NAME_INFORMATION;
    }
  }

  /** Any other buffer ({@code FILE_BASIC_INFORMATION} and the rest): accepted, not interpreted. */
  record Opaque() implements FileInformation {
    @Override
    public FileInformationClass defaultClass() {
      return FileInformationClass.FILE_BASIC_INFORMATION;
    }
  }
}
