package io.fsctx.fltmgr;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * {@code FLT_FILESYSTEM_TYPE}: the kind of file system on a volume, in the enumeration's order
 * (so {@link #ordinal()} is the C value), each with the file system's namespace (its driver
 * object's name) as the documentation lists it. Filter Manager derives a volume's type from the
 * file system's driver name ({@code FileSystemDriver.driverName()}); a file system it does not
 * know is {@link #FLT_FSTYPE_UNKNOWN}, as the documentation says of new file systems.
 *
 * <p>Thread safety: immutable.
 */
public enum FltFilesystemType {
  /** {@code FLT_FSTYPE_UNKNOWN}. */
  FLT_FSTYPE_UNKNOWN(null),
  /** {@code FLT_FSTYPE_RAW}. */
  FLT_FSTYPE_RAW("\\FileSystem\\RAW"),
  /** {@code FLT_FSTYPE_NTFS}. */
  FLT_FSTYPE_NTFS("\\FileSystem\\Ntfs"),
  /** {@code FLT_FSTYPE_FAT}. */
  FLT_FSTYPE_FAT("\\FileSystem\\Fastfat"),
  /** {@code FLT_FSTYPE_CDFS}. */
  FLT_FSTYPE_CDFS("\\FileSystem\\Cdfs"),
  /** {@code FLT_FSTYPE_UDFS}. */
  FLT_FSTYPE_UDFS("\\FileSystem\\Udfs"),
  /** {@code FLT_FSTYPE_LANMAN}. */
  FLT_FSTYPE_LANMAN("\\FileSystem\\MRxSmb"),
  /** {@code FLT_FSTYPE_WEBDAV}. */
  FLT_FSTYPE_WEBDAV("\\FileSystem\\MRxDav"),
  /** {@code FLT_FSTYPE_RDPDR}. */
  FLT_FSTYPE_RDPDR("\\Driver\\rdpdr"),
  /** {@code FLT_FSTYPE_NFS}. */
  FLT_FSTYPE_NFS("\\FileSystem\\NfsRdr"),
  /** {@code FLT_FSTYPE_MS_NETWARE}. */
  FLT_FSTYPE_MS_NETWARE("\\FileSystem\\nwrdr"),
  /** {@code FLT_FSTYPE_NETWARE}. */
  FLT_FSTYPE_NETWARE(null),
  /** {@code FLT_FSTYPE_BSUDF}. */
  FLT_FSTYPE_BSUDF("\\FileSystem\\BsUDF"),
  /** {@code FLT_FSTYPE_MUP}. */
  FLT_FSTYPE_MUP("\\FileSystem\\Mup"),
  /** {@code FLT_FSTYPE_RSFX}. */
  FLT_FSTYPE_RSFX("\\FileSystem\\RsFxDrv"),
  /** {@code FLT_FSTYPE_ROXIO_UDF1}. */
  FLT_FSTYPE_ROXIO_UDF1("\\FileSystem\\cdudf_xp"),
  /** {@code FLT_FSTYPE_ROXIO_UDF2}. */
  FLT_FSTYPE_ROXIO_UDF2("\\FileSystem\\UdfReadr_xp"),
  /** {@code FLT_FSTYPE_ROXIO_UDF3}. */
  FLT_FSTYPE_ROXIO_UDF3("\\FileSystem\\DVDVRRdr_xp"),
  /** {@code FLT_FSTYPE_TACIT}. */
  FLT_FSTYPE_TACIT("\\Device\\TCFSPSE"),
  /** {@code FLT_FSTYPE_FS_REC}. */
  FLT_FSTYPE_FS_REC("\\FileSystem\\Fs_rec"),
  /** {@code FLT_FSTYPE_INCD}. */
  FLT_FSTYPE_INCD("\\FileSystem\\InCDfs"),
  /** {@code FLT_FSTYPE_INCD_FAT}. */
  FLT_FSTYPE_INCD_FAT("\\FileSystem\\InCDFat"),
  /** {@code FLT_FSTYPE_EXFAT}. */
  FLT_FSTYPE_EXFAT("\\FileSystem\\exfat"),
  /** {@code FLT_FSTYPE_PSFS}. */
  FLT_FSTYPE_PSFS("\\FileSystem\\psfs"),
  /** {@code FLT_FSTYPE_GPFS}. */
  FLT_FSTYPE_GPFS("\\FileSystem\\gpfs"),
  /** {@code FLT_FSTYPE_NPFS}. */
  FLT_FSTYPE_NPFS("\\FileSystem\\npfs"),
  /** {@code FLT_FSTYPE_MSFS}. */
  FLT_FSTYPE_MSFS("\\FileSystem\\msfs"),
  /** {@code FLT_FSTYPE_CSVFS}. */
  FLT_FSTYPE_CSVFS("\\FileSystem\\csvfs"),
  /** {@code FLT_FSTYPE_REFS}. */
  FLT_FSTYPE_REFS("\\FileSystem\\refs"),
  /** {@code FLT_FSTYPE_OPENAFS}. */
  FLT_FSTYPE_OPENAFS("\\FileSystem\\AFSRedirector"),
  /** {@code FLT_FSTYPE_CIMFS}. */
  FLT_FSTYPE_CIMFS("\\FileSystem\\cimfs");

  private final @Nullable String namespace;

  FltFilesystemType(@Nullable String namespace) {
    this.namespace = namespace;
  }

  /** The file system's namespace (driver object name), or null when the documentation names none. */
  public @Nullable String namespace() {
    return namespace;
  }

  /** The numeric {@code FLT_FILESYSTEM_TYPE} value: its position in the enumeration. */
  public int value() {
    return ordinal();
  }

  /**
   * The type of a file system from its driver object's name, compared case-insensitively.
   *
   * @param driverName such as {@code \FileSystem\Ntfs}
   * @return the type, or {@link #FLT_FSTYPE_UNKNOWN}
   */
  public static FltFilesystemType fromDriverName(String driverName) {
    for (FltFilesystemType t : values()) {
      String n = t.namespace;
      if (n != null && n.equalsIgnoreCase(driverName)) {
        return t;
      }
    }
    return FLT_FSTYPE_UNKNOWN;
  }

  /**
   * The type of a file system from the name its volume reports ({@code
   * FileFsAttributeInformation.FileSystemName}), for volumes Filter Manager knows only by name.
   *
   * @param fileSystemName such as {@code NTFS}, {@code FAT32} or {@code exFAT}
   * @return the type, or {@link #FLT_FSTYPE_UNKNOWN}
   */
  public static FltFilesystemType fromFileSystemName(String fileSystemName) {
    return switch (fileSystemName.toUpperCase(Locale.ROOT)) {
      case "NTFS" -> FLT_FSTYPE_NTFS;
      case "FAT", "FAT12", "FAT16", "FAT32" -> FLT_FSTYPE_FAT;
      case "EXFAT" -> FLT_FSTYPE_EXFAT;
      case "REFS" -> FLT_FSTYPE_REFS;
      case "CDFS" -> FLT_FSTYPE_CDFS;
      case "UDF" -> FLT_FSTYPE_UDFS;
      case "RAW" -> FLT_FSTYPE_RAW;
      case "CSVFS" -> FLT_FSTYPE_CSVFS;
      default -> FLT_FSTYPE_UNKNOWN;
    };
  }
}
