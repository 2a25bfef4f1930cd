package io.fsctx.io;

/**
 * The buffer of an {@code IRP_MJ_SET_INFORMATION}: one record per information class the model
 * acts on. Names in {@link Rename} and {@link Link} are paths on the same volume, starting with
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

  /** Any other buffer ({@code FILE_BASIC_INFORMATION} and the rest): accepted, not interpreted. */
  record Opaque() implements FileInformation {
    @Override
    public FileInformationClass defaultClass() {
      return FileInformationClass.FILE_BASIC_INFORMATION;
    }
  }
}
