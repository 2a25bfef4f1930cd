package io.fsctx.io;

import static com.google.common.base.Preconditions.checkArgument;
import static io.fsctx.io.IoConstants.FILE_CREATE;
import static io.fsctx.io.IoConstants.FILE_OPEN;
import static io.fsctx.io.IoConstants.FILE_OPEN_IF;
import static io.fsctx.io.IoConstants.FILE_SHARE_ALL;
import static io.fsctx.io.IoConstants.GENERIC_READ;
import static io.fsctx.io.IoConstants.GENERIC_WRITE;

/**
 * What a caller asks of an {@code IRP_MJ_CREATE}, as {@code ZwCreateFile} and the create's stack
 * location carry it: the desired access, share access, create disposition ({@code FILE_OPEN},
 * {@code FILE_CREATE}, …), create options ({@code FILE_DIRECTORY_FILE}, {@code
 * FILE_DELETE_ON_CLOSE}, …) and the {@code SL_*} flags ({@code SL_OPEN_PAGING_FILE}, {@code
 * SL_OPEN_TARGET_DIRECTORY}). The values are those of {@link IoConstants}.
 *
 * <p>Thread safety: immutable.
 *
 * @param desiredAccess an {@code ACCESS_MASK}
 * @param shareAccess {@code FILE_SHARE_*} bits
 * @param createDisposition one of {@code FILE_SUPERSEDE} … {@code FILE_OVERWRITE_IF}
 * @param createOptions {@code FILE_*} option bits
 * @param slFlags {@code SL_*} bits of the create's stack location
 */
public record CreateParameters(
    int desiredAccess, int shareAccess, int createDisposition, int createOptions, int slFlags) {

  /** Checks the disposition range. */
  public CreateParameters {
    checkArgument(createDisposition >= IoConstants.FILE_SUPERSEDE && createDisposition <= IoConstants.FILE_OVERWRITE_IF,
        "createDisposition out of range: %s", createDisposition);
  }

  /** Read/write access, share all, {@code FILE_OPEN}: open an existing file. */
  public static CreateParameters open() {
    return new CreateParameters(GENERIC_READ | GENERIC_WRITE, FILE_SHARE_ALL, FILE_OPEN, 0, 0);
  }

  /** Read/write access, share all, {@code FILE_OPEN_IF}: open or create. */
  public static CreateParameters openIf() {
    return new CreateParameters(GENERIC_READ | GENERIC_WRITE, FILE_SHARE_ALL, FILE_OPEN_IF, 0, 0);
  }

  /** Read/write access, share all, {@code FILE_CREATE}: create, failing if the name exists. */
  public static CreateParameters create() {
    return new CreateParameters(GENERIC_READ | GENERIC_WRITE, FILE_SHARE_ALL, FILE_CREATE, 0, 0);
  }

  /** A copy with another disposition. */
  public CreateParameters withDisposition(int disposition) {
    return new CreateParameters(desiredAccess, shareAccess, disposition, createOptions, slFlags);
  }

  /** A copy with {@code options} ORed into the create options. */
  public CreateParameters withOptions(int options) {
    return new CreateParameters(desiredAccess, shareAccess, createDisposition, createOptions | options, slFlags);
  }

  /** A copy with the bits of {@code options} cleared from the create options. */
  public CreateParameters withoutOptions(int options) {
    return new CreateParameters(desiredAccess, shareAccess, createDisposition, createOptions & ~options, slFlags);
  }

  /** A copy with {@code flags} ORed into the {@code SL_*} flags. */
  public CreateParameters withSlFlags(int flags) {
    return new CreateParameters(desiredAccess, shareAccess, createDisposition, createOptions, slFlags | flags);
  }

  /** A copy with another desired access. */
  public CreateParameters withDesiredAccess(int access) {
    return new CreateParameters(access, shareAccess, createDisposition, createOptions, slFlags);
  }

  /** Whether every bit of {@code option} is among the create options. */
  public boolean hasOption(int option) {
    return (createOptions & option) == option;
  }

  /** Whether every bit of {@code flag} is among the {@code SL_*} flags. */
  public boolean hasSlFlag(int flag) {
    return (slFlags & flag) == flag;
  }
}
