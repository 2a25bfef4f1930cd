package io.fsctx.fsrtl;

import static com.google.common.base.Preconditions.checkArgument;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V5;

import io.fsctx.nt.PoolBlock;
import org.jspecify.annotations.Nullable;

/**
 * {@code FSRTL_COMMON_FCB_HEADER}: the part of an FCB that the I/O manager, the Cache Manager and
 * FsRtl read. Used on its own it is deprecated: such an FCB can never host filter contexts,
 * whatever bits it carries, because the fields FsRtl would use do not exist (fsrtl.md 5, 13).
 *
 * <p>{@code Flags}, {@code Flags2}, {@code IsFastIoPossible} are bytes and {@code Version} and
 * {@code Reserved} share one byte as two nibbles, as in the C layout; setters mask accordingly.
 *
 * <p>Writes of {@code Flags} and {@code Flags2} that clear a bit the setup routines own are
 * recorded in the header's {@link HeaderAudit} with the request they happened in, so a verifier
 * can say which request wiped the flags.
 *
 * <p>Thread safety: every field is individually atomic (volatile); compound updates of the flag
 * bytes ({@link #setFlags2Bits}, {@link #clearFlags2Bits}) are synchronized on the header.
 */
public class CommonFcbHeader {
  private final String id;
  private final @Nullable PoolBlock memory;
  private final HeaderAudit audit = new HeaderAudit(this);
  private volatile short nodeTypeCode;
  private volatile short nodeByteSize;
  private volatile int flags;
  private volatile int isFastIoPossible;
  private volatile int flags2;
  private volatile int reserved;
  private volatile int version;
  private volatile @Nullable Object resource;
  private volatile @Nullable Object pagingIoResource;
  private volatile long allocationSize;
  private volatile long fileSize;
  private volatile long validDataLength;

  /**
   * Creates a zeroed header, as a file system's pool allocation of its FCB would give.
   *
   * @param id a stable identity for messages, such as {@code Fcb#3}
   */
  public CommonFcbHeader(String id) {
    this(null, id);
  }

  /**
   * Creates a zeroed header embedded in a pool block: the file system's FCB allocation, which
   * frees the header with it ({@link PoolBlock}). This is how file systems build their headers,
   * so that verifiers can see when the FCB goes.
   *
   * @param memory the FCB's pool block, or null for a header outside any allocation (tests)
   * @param id a stable identity for messages, such as {@code Fcb#3}
   */
  public CommonFcbHeader(@Nullable PoolBlock memory, String id) {
    this.id = id;
    this.memory = memory;
    if (memory != null) {
      memory.embed(this);
    }
  }

  /** The pool block the header is embedded in, or null. */
  public final @Nullable PoolBlock memory() {
    return memory;
  }

  /** What verifiers recorded about this header ({@link HeaderAudit}). */
  public final HeaderAudit audit() {
    return audit;
  }

  /** The header's identity for messages. */
  public final String id() {
    return id;
  }

  /** {@code NodeTypeCode}: the file system's own node type. */
  public final short nodeTypeCode() {
    return nodeTypeCode;
  }

  /** Sets {@code NodeTypeCode}. */
  public final void setNodeTypeCode(short value) {
    nodeTypeCode = value;
  }

  /** {@code NodeByteSize}. */
  public final short nodeByteSize() {
    return nodeByteSize;
  }

  /** Sets {@code NodeByteSize}. */
  public final void setNodeByteSize(short value) {
    nodeByteSize = value;
  }

  /** {@code Flags}: {@code FSRTL_FLAG_*} bits. */
  public final int flags() {
    return flags;
  }

  /** Sets {@code Flags} (low 8 bits kept). */
  public final void setFlags(int value) {
    int before = flags;
    flags = value & 0xFF;
    audit.noteFlagsWritten(before, flags, flags2, flags2);
  }

  /** {@code IsFastIoPossible}: one of the {@code FAST_IO_*} values. */
  public final int isFastIoPossible() {
    return isFastIoPossible;
  }

  /** Sets {@code IsFastIoPossible}. */
  public final void setIsFastIoPossible(int value) {
    isFastIoPossible = value & 0xFF;
  }

  /** {@code Flags2}: {@code FSRTL_FLAG2_*} bits. */
  public final int flags2() {
    return flags2;
  }

  /** Sets {@code Flags2} (low 8 bits kept). */
  public final void setFlags2(int value) {
    int before = flags2;
    flags2 = value & 0xFF;
    audit.noteFlagsWritten(flags, flags, before, flags2);
  }

  /** ORs bits into {@code Flags}. */
  public final synchronized void setFlagsBits(int bits) {
    flags = (flags | bits) & 0xFF;
  }

  /** ORs bits into {@code Flags2}. */
  public final synchronized void setFlags2Bits(int bits) {
    flags2 = (flags2 | bits) & 0xFF;
  }

  /** Clears bits of {@code Flags2}, as a file system does for paging files after setup. */
  public final synchronized void clearFlags2Bits(int bits) {
    int before = flags2;
    flags2 = flags2 & ~bits & 0xFF;
    audit.noteFlagsWritten(flags, flags, before, flags2);
  }

  /** {@code Reserved}: the low nibble of byte 7; drivers keep it zero. */
  public final int reserved() {
    return reserved;
  }

  /** Sets {@code Reserved} (4 bits). */
  public final void setReserved(int value) {
    reserved = value & 0xF;
  }

  /** {@code Version}: the high nibble of byte 7, one of {@code FSRTL_FCB_HEADER_V*}. */
  public final int version() {
    return version;
  }

  /**
   * Sets {@code Version}. The setup routines do this; a file system modelling an older target may
   * lower it afterwards.
   *
   * @param value 0 to 15; versions above {@code V5} are accepted as the 4-bit field allows
   */
  public final void setVersion(int value) {
    checkArgument(value >= 0 && value <= 0xF, "Version is a 4-bit field; got %s", value);
    version = value;
  }

  /** {@code Resource}: the main FCB resource, opaque to filters. */
  public final @Nullable Object resource() {
    return resource;
  }

  /** Sets {@code Resource}. */
  public final void setResource(@Nullable Object value) {
    resource = value;
  }

  /** {@code PagingIoResource}, opaque to filters. */
  public final @Nullable Object pagingIoResource() {
    return pagingIoResource;
  }

  /** Sets {@code PagingIoResource}. */
  public final void setPagingIoResource(@Nullable Object value) {
    pagingIoResource = value;
  }

  /** {@code AllocationSize}. */
  public final long allocationSize() {
    return allocationSize;
  }

  /** Sets {@code AllocationSize}. */
  public final void setAllocationSize(long value) {
    allocationSize = value;
  }

  /** {@code FileSize}. */
  public final long fileSize() {
    return fileSize;
  }

  /** Sets {@code FileSize}. */
  public final void setFileSize(long value) {
    fileSize = value;
  }

  /** {@code ValidDataLength}. */
  public final long validDataLength() {
    return validDataLength;
  }

  /** Sets {@code ValidDataLength}. */
  public final void setValidDataLength(long value) {
    validDataLength = value;
  }

  /** Whether {@code Flags2} has {@code FSRTL_FLAG2_IS_PAGING_FILE}. */
  public final boolean isPagingFile() {
    return (flags2 & FsRtlConstants.FSRTL_FLAG2_IS_PAGING_FILE) != 0;
  }

  static void checkVersionKnown(int v) {
    if (v > FSRTL_FCB_HEADER_V5) {
      throw new IllegalArgumentException("unknown header version " + v);
    }
  }

  @Override
  public String toString() {
    return id;
  }
}
