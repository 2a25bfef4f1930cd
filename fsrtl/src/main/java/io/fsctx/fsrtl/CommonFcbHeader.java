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
 * <p>In C the header is the first member of the file system's FCB or SCB, and a file system gets
 * from {@code FsContext} to its structure with a cast. In Java the structure extends the header
 * ({@link AdvancedFcbHeader} is open to subclassing for that; the NTFS-like model's SCB does), so
 * {@code FsContext} is the structure and a type test takes the cast's place. A file system whose
 * structure must extend another class keeps a map from header to structure instead, at the price
 * of a table entry per open stream (the fastfat-like template does). The header keeps no pointer
 * back to its structure: that field cost every stream four bytes (issue 14).
 *
 * <p>Writes of {@code Flags} and {@code Flags2} that clear a bit the setup routines own are
 * recorded in the header's {@link HeaderAudit} with the request they happened in, so a verifier
 * can say which request wiped the flags.
 *
 * <p>Thread safety: every field is individually atomic (volatile); compound updates of the flag
 * bytes ({@link #setFlags2Bits}, {@link #clearFlags2Bits}) are synchronized on the header.
 */
public class CommonFcbHeader extends RuleMarks {
  /** The identity, or its kind when {@link #idNumber} is not 0. */
  private final String id;
  /**
   * The identity's number, formatted into {@code kind#n} only when a message asks: a file system
   * builds a header per stream, and the string would weigh a third of the header. It fits in
   * padding the header has anyway, so the number costs nothing.
   */
  private final int idNumber;
  private final @Nullable PoolBlock memory;
  // The audit's state. HeaderAudit is a view that reads and writes these, under the header's
  // monitor where it needs one: an audit record of its own cost every header 40 bytes, 16 more
  // than its fields do here (issue 14). The verifier's rule marks are RuleMarks's, inherited.
  /** Where the setups ran ({@link HeaderAudit}). */
  volatile @Nullable Object auditSetupWhere;
  /** What only some headers record ({@link HeaderAudit}'s rare part), or null. */
  volatile @Nullable Object auditRare;
  /** File objects pointing at the header now. */
  volatile int auditOpenFileObjects;
  /** The facts set once, and from bit 8 up the number of setups ({@link HeaderAudit}). */
  volatile int auditFacts;
  private volatile short nodeTypeCode;
  private volatile short nodeByteSize;
  // UCHARs and two nibbles in C, and bytes here (read back unsigned): a header per stream, and
  // ints would make it a word longer.
  private volatile byte flags;
  private volatile byte isFastIoPossible;
  private volatile byte flags2;
  private volatile byte reserved;
  private volatile byte version;
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
    this(id, 0, memory);
  }

  /**
   * As {@link #CommonFcbHeader(PoolBlock, String)}, with the identity {@code kind#number} put
   * together only when {@link #id} is called: for file systems that number their FCBs, as the
   * model file systems do with {@link io.fsctx.nt.IdSource#nextNumber}.
   *
   * @param memory the FCB's pool block, or null for a header outside any allocation (tests)
   * @param kind the identity's prefix, such as {@code Scb}
   * @param number the identity's number, from 1
   */
  public CommonFcbHeader(@Nullable PoolBlock memory, String kind, long number) {
    this(idPrefix(kind, number), idNumber(number), memory);
  }

  private CommonFcbHeader(String id, int idNumber, @Nullable PoolBlock memory) {
    this.id = id;
    this.idNumber = idNumber;
    this.memory = memory;
    if (memory != null) {
      memory.embed(this);
    }
  }

  /** What a numbered identity keeps as its string: the kind, or the whole identity when the number is beyond an int. */
  static String idPrefix(String kind, long number) {
    checkArgument(number >= 1, "identity number %s of %s is not positive", number, kind);
    return number <= Integer.MAX_VALUE ? kind : kind + "#" + number;
  }

  /** What a numbered identity keeps as its number: 0 (the string is whole) beyond an int. */
  static int idNumber(long number) {
    return number <= Integer.MAX_VALUE ? (int) number : 0;
  }

  /** The pool block the header is embedded in, or null. */
  public final @Nullable PoolBlock memory() {
    return memory;
  }

  /**
   * What verifiers recorded about this header ({@link HeaderAudit}): a view over state the header
   * keeps, new at each call and equal to every other view of this header.
   */
  public final HeaderAudit audit() {
    return new HeaderAudit(this);
  }

  /**
   * The header's identity for messages, such as {@code Scb#4}. A header numbered at construction
   * builds the string at each call: callers are messages and reports, not the I/O path.
   */
  public final String id() {
    int n = idNumber;
    return n == 0 ? id : id + "#" + n;
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
    return flags & 0xFF;
  }

  /** Sets {@code Flags} (low 8 bits kept). */
  public final void setFlags(int value) {
    int before = flags();
    flags = (byte) value;
    audit().noteFlagsWritten(before, flags(), flags2(), flags2());
  }

  /** {@code IsFastIoPossible}: one of the {@code FAST_IO_*} values. */
  public final int isFastIoPossible() {
    return isFastIoPossible & 0xFF;
  }

  /** Sets {@code IsFastIoPossible}. */
  public final void setIsFastIoPossible(int value) {
    isFastIoPossible = (byte) value;
  }

  /** {@code Flags2}: {@code FSRTL_FLAG2_*} bits. */
  public final int flags2() {
    return flags2 & 0xFF;
  }

  /** Sets {@code Flags2} (low 8 bits kept). */
  public final void setFlags2(int value) {
    int before = flags2();
    flags2 = (byte) value;
    audit().noteFlagsWritten(flags(), flags(), before, flags2());
  }

  /** ORs bits into {@code Flags}. */
  public final synchronized void setFlagsBits(int bits) {
    flags = (byte) (flags() | bits);
  }

  /** ORs bits into {@code Flags2}. */
  public final synchronized void setFlags2Bits(int bits) {
    flags2 = (byte) (flags2() | bits);
  }

  /** Clears bits of {@code Flags2}, as a file system does for paging files after setup. */
  public final synchronized void clearFlags2Bits(int bits) {
    int before = flags2();
    flags2 = (byte) (before & ~bits);
    audit().noteFlagsWritten(flags(), flags(), before, flags2());
  }

  /** {@code Reserved}: the low nibble of byte 7; drivers keep it zero. */
  public final int reserved() {
    return reserved & 0xF;
  }

  /** Sets {@code Reserved} (4 bits). */
  public final void setReserved(int value) {
    reserved = (byte) (value & 0xF);
  }

  /** {@code Version}: the high nibble of byte 7, one of {@code FSRTL_FCB_HEADER_V*}. */
  public final int version() {
    return version & 0xF;
  }

  /**
   * Sets {@code Version}. The setup routines do this; a file system modelling an older target may
   * lower it afterwards.
   *
   * @param value 0 to 15; versions above {@code V5} are accepted as the 4-bit field allows
   */
  public final void setVersion(int value) {
    checkArgument(value >= 0 && value <= 0xF, "Version is a 4-bit field; got %s", value);
    version = (byte) value;
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
    return (flags2() & FsRtlConstants.FSRTL_FLAG2_IS_PAGING_FILE) != 0;
  }

  static void checkVersionKnown(int v) {
    if (v > FSRTL_FCB_HEADER_V5) {
      throw new IllegalArgumentException("unknown header version " + v);
    }
  }

  @Override
  public String toString() {
    return id();
  }
}
