package io.fsctx.tools.replay;

import static io.fsctx.tools.replay.InfoClass.*;
import static io.fsctx.tools.replay.IrpMajor.*;

import com.google.common.collect.ImmutableMap;
import java.util.Locale;

/**
 * How the replay contract treats a Process Monitor operation name: the kind of step it is, the
 * IRP major function it is sent as, and the information class it carries.
 *
 * <p>The table covers every operation of the shared Windows 10 capture and the other names Process
 * Monitor prints for file-system events. Names are matched case-insensitively. Classification is
 * a pure function: {@link #classify(String)} never fails.
 *
 * <ul>
 *   <li>{@code FASTIO_*}, {@code CreateFileMapping} (section synchronization) and the other
 *       FsFilter callbacks Process Monitor shows with advanced output ({@code
 *       IRP_MJ_ACQUIRE_FOR_*}, {@code IRP_MJ_RELEASE_FOR_*}) are {@link Kind#UNSUPPORTED}.
 *   <li>{@code IRP_MJ_CLOSE} rows (advanced output only) are {@link Kind#UNSUPPORTED} too: the
 *       contract already closes every file object right after its {@code CloseFile}, so replaying
 *       a separate close would close it twice. This is a policy of this model; see the package
 *       documentation.
 *   <li>Names the table does not know (Process Monitor's own {@code <Unknown>} included) are
 *       {@link Kind#SEND} with major function {@link IrpMajor#UNKNOWN}: the contract says every
 *       other operation is sent on its key's file object, so they are judged like any request.
 * </ul>
 *
 * <p>Thread safety: immutable.
 *
 * @param name the operation name as written in the trace
 * @param kind what the replay does with it
 * @param majorFunction the {@link IrpMajor} code it is sent as
 * @param infoClass the {@link InfoClass} it carries, or {@link InfoClass#NONE}
 */
public record TraceOperation(String name, Kind kind, int majorFunction, int infoClass) {

  /** What the replay does with an operation. */
  public enum Kind {
    /** {@code CreateFile}: {@code IRP_MJ_CREATE}; pushes a file object on success. */
    CREATE,
    /** {@code CloseFile}: {@code IRP_MJ_CLEANUP} then {@code IRP_MJ_CLOSE}; pops the file object. */
    CLOSE,
    /** {@code QueryOpen}: {@code IRP_MJ_NETWORK_QUERY_OPEN}; needs no file object. */
    NETWORK_QUERY_OPEN,
    /** Any other request, sent on the top file object of its key. */
    SEND,
    /** Not an I/O request: counted as {@code skipped.unsupportedOperation}. */
    UNSUPPORTED
  }

  /** Whether this is a rename ({@code FileRenameInformation} or its Ex form). */
  public boolean isRename() {
    return majorFunction == SET_INFORMATION
        && (infoClass == FILE_RENAME
            || infoClass == FILE_RENAME_EX
            || infoClass == FILE_RENAME_EX_BYPASS_ACCESS_CHECK);
  }

  /** Whether this is a disposition change ({@code FileDispositionInformation} or its Ex form). */
  public boolean isDisposition() {
    return majorFunction == SET_INFORMATION
        && (infoClass == FILE_DISPOSITION || infoClass == FILE_DISPOSITION_EX);
  }

  /**
   * Classifies an operation name.
   *
   * @param name the {@code Operation} column as written
   * @return its classification; never null
   */
  public static TraceOperation classify(String name) {
    String key = name.strip().toUpperCase(Locale.ROOT);
    Entry e = TABLE.get(key);
    if (e != null) {
      return new TraceOperation(name, e.kind, e.major, e.infoClass);
    }
    if (key.startsWith("FASTIO_")
        || key.startsWith("IRP_MJ_ACQUIRE_FOR_")
        || key.startsWith("IRP_MJ_RELEASE_FOR_")) {
      return new TraceOperation(name, Kind.UNSUPPORTED, UNKNOWN, NONE);
    }
    return new TraceOperation(name, Kind.SEND, UNKNOWN, NONE);
  }

  /** Whether {@link #classify(String)} knows this name (rather than falling back). */
  public static boolean isKnownName(String name) {
    String key = name.strip().toUpperCase(Locale.ROOT);
    return TABLE.containsKey(key) || key.startsWith("FASTIO_");
  }

  private record Entry(Kind kind, int major, int infoClass) {}

  private static final ImmutableMap<String, Entry> TABLE = buildTable();

  private static ImmutableMap<String, Entry> buildTable() {
    ImmutableMap.Builder<String, Entry> b = ImmutableMap.builder();
    class Put {
      void put(String name, Kind kind, int major, int infoClass) {
        b.put(name.toUpperCase(Locale.ROOT), new Entry(kind, major, infoClass));
      }

      void send(String name, int major, int infoClass) {
        put(name, Kind.SEND, major, infoClass);
      }

      void send(String name, int major) {
        put(name, Kind.SEND, major, NONE);
      }
    }
    Put t = new Put();
    t.put("CreateFile", Kind.CREATE, CREATE, NONE);
    t.put("CloseFile", Kind.CLOSE, CLEANUP, NONE);
    t.put("QueryOpen", Kind.NETWORK_QUERY_OPEN, NETWORK_QUERY_OPEN, NONE);
    t.put("CreateFileMapping", Kind.UNSUPPORTED, UNKNOWN, NONE);
    t.put("IRP_MJ_CLOSE", Kind.UNSUPPORTED, CLOSE, NONE);

    t.send("CreatePipe", CREATE_NAMED_PIPE);
    t.send("CreateMailSlot", CREATE_MAILSLOT);
    t.send("ReadFile", READ);
    t.send("WriteFile", WRITE);
    t.send("FlushBuffersFile", FLUSH_BUFFERS);
    t.send("QueryEAFile", QUERY_EA);
    t.send("SetEAFile", SET_EA);
    t.send("QuerySecurityFile", QUERY_SECURITY);
    t.send("SetSecurityFile", SET_SECURITY);
    t.send("QueryDirectory", DIRECTORY_CONTROL);
    t.send("NotifyChangeDirectory", DIRECTORY_CONTROL);
    t.send("FileSystemControl", FILE_SYSTEM_CONTROL);
    t.send("VolumeMount", FILE_SYSTEM_CONTROL);
    t.send("VolumeDismount", FILE_SYSTEM_CONTROL);
    t.send("DeviceIoControl", DEVICE_CONTROL);
    t.send("InternalDeviceIoControl", INTERNAL_DEVICE_CONTROL);
    t.send("Shutdown", SHUTDOWN);
    t.send("LockFile", LOCK_CONTROL);
    t.send("UnlockFileSingle", LOCK_CONTROL);
    t.send("UnlockFileAll", LOCK_CONTROL);
    t.send("UnlockFileByKey", LOCK_CONTROL);
    t.send("QueryFileQuota", QUERY_QUOTA);
    t.send("SetFileQuota", SET_QUOTA);
    t.send("Power", POWER);
    t.send("SystemControl", SYSTEM_CONTROL);
    t.send("DeviceChange", DEVICE_CHANGE);
    t.send("PlugAndPlay", PNP);

    // IRP_MJ_QUERY_INFORMATION, by FILE_INFORMATION_CLASS.
    t.send("QueryInformationFile", QUERY_INFORMATION);
    t.send("QueryBasicInformationFile", QUERY_INFORMATION, FILE_BASIC);
    t.send("QueryStandardInformationFile", QUERY_INFORMATION, FILE_STANDARD);
    t.send("QueryFileInternalInformationFile", QUERY_INFORMATION, FILE_INTERNAL);
    t.send("QueryEaInformationFile", QUERY_INFORMATION, FILE_EA);
    t.send("QueryNameInformationFile", QUERY_INFORMATION, FILE_NAME);
    t.send("QueryPositionInformationFile", QUERY_INFORMATION, FILE_POSITION);
    t.send("QueryModeInformationFile", QUERY_INFORMATION, FILE_MODE);
    t.send("QueryAlignmentInformationFile", QUERY_INFORMATION, FILE_ALIGNMENT);
    t.send("QueryAllInformationFile", QUERY_INFORMATION, FILE_ALL);
    t.send("QueryAlternateNameInformationFile", QUERY_INFORMATION, FILE_ALTERNATE_NAME);
    t.send("QueryEndOfFile", QUERY_INFORMATION, FILE_END_OF_FILE);
    t.send("QueryStreamInformationFile", QUERY_INFORMATION, FILE_STREAM);
    t.send("QueryPipeInformationFile", QUERY_INFORMATION, FILE_PIPE);
    t.send("QueryCompressionInformationFile", QUERY_INFORMATION, FILE_COMPRESSION);
    t.send("QueryObjectIdInformationFile", QUERY_INFORMATION, FILE_OBJECT_ID);
    t.send("QueryMoveClusterInformationFile", QUERY_INFORMATION, FILE_MOVE_CLUSTER);
    t.send("QueryNetworkOpenInformationFile", QUERY_INFORMATION, FILE_NETWORK_OPEN);
    t.send("QueryAttributeTagFile", QUERY_INFORMATION, FILE_ATTRIBUTE_TAG);
    t.send("QueryIdBothDirectory", QUERY_INFORMATION, FILE_ID_BOTH_DIRECTORY);
    t.send("QueryValidDataLength", QUERY_INFORMATION, FILE_VALID_DATA_LENGTH);
    t.send("QueryShortNameInformationFile", QUERY_INFORMATION, FILE_SHORT_NAME);
    t.send("QueryIoPriorityHint", QUERY_INFORMATION, FILE_IO_PRIORITY_HINT);
    t.send("QueryLinks", QUERY_INFORMATION, FILE_HARD_LINK);
    t.send("QueryNormalizedNameInformationFile", QUERY_INFORMATION, FILE_NORMALIZED_NAME);
    t.send(
        "QueryNetworkPhysicalNameInformationFile", QUERY_INFORMATION, FILE_NETWORK_PHYSICAL_NAME);
    t.send("QueryIsRemoteDeviceInformation", QUERY_INFORMATION, FILE_IS_REMOTE_DEVICE);
    t.send("QueryNumaNodeInformation", QUERY_INFORMATION, FILE_NUMA_NODE);
    t.send("QueryStandardLinkInformation", QUERY_INFORMATION, FILE_STANDARD_LINK);
    t.send("QueryRemoteProtocolInformation", QUERY_INFORMATION, FILE_REMOTE_PROTOCOL);
    t.send("QueryVolumeNameInformation", QUERY_INFORMATION, FILE_VOLUME_NAME);
    t.send("QueryIdInformation", QUERY_INFORMATION, FILE_ID);
    t.send("QueryIdExtdDirectoryInformation", QUERY_INFORMATION, FILE_ID_EXTD_DIRECTORY);
    t.send("QueryHardLinkFullIdInformation", QUERY_INFORMATION, FILE_HARD_LINK_FULL_ID);
    t.send("QueryDesiredStorageClassInformation", QUERY_INFORMATION, FILE_DESIRED_STORAGE_CLASS);
    t.send("QueryStatInformation", QUERY_INFORMATION, FILE_STAT);
    t.send("QueryStatLxInformation", QUERY_INFORMATION, FILE_STAT_LX);
    t.send("QueryCaseSensitiveInformation", QUERY_INFORMATION, FILE_CASE_SENSITIVE);

    // IRP_MJ_SET_INFORMATION, by FILE_INFORMATION_CLASS.
    t.send("SetInformationFile", SET_INFORMATION);
    t.send("SetBasicInformationFile", SET_INFORMATION, FILE_BASIC);
    t.send("SetRenameInformationFile", SET_INFORMATION, FILE_RENAME);
    t.send("SetLinkInformationFile", SET_INFORMATION, FILE_LINK);
    t.send("SetDispositionInformationFile", SET_INFORMATION, FILE_DISPOSITION);
    t.send("SetPositionInformationFile", SET_INFORMATION, FILE_POSITION);
    t.send("SetModeInformationFile", SET_INFORMATION, FILE_MODE);
    t.send("SetAllocationInformationFile", SET_INFORMATION, FILE_ALLOCATION);
    t.send("SetEndOfFileInformationFile", SET_INFORMATION, FILE_END_OF_FILE);
    t.send("SetFileStreamInformation", SET_INFORMATION, FILE_STREAM);
    t.send("SetPipeInformation", SET_INFORMATION, FILE_PIPE);
    t.send("SetValidDataLengthInformationFile", SET_INFORMATION, FILE_VALID_DATA_LENGTH);
    t.send("SetShortNameInformation", SET_INFORMATION, FILE_SHORT_NAME);
    t.send("SetIoPriorityHint", SET_INFORMATION, FILE_IO_PRIORITY_HINT);
    t.send("SetReplaceCompletionInformation", SET_INFORMATION, FILE_REPLACE_COMPLETION);
    t.send("SetDispositionInformationEx", SET_INFORMATION, FILE_DISPOSITION_EX);
    t.send("SetRenameInformationEx", SET_INFORMATION, FILE_RENAME_EX);
    t.send(
        "SetRenameInformationExBypassAccessCheck",
        SET_INFORMATION,
        FILE_RENAME_EX_BYPASS_ACCESS_CHECK);
    t.send("SetLinkInformationEx", SET_INFORMATION, FILE_LINK_EX);
    t.send("SetCaseSensitiveInformation", SET_INFORMATION, FILE_CASE_SENSITIVE);
    t.send("SetStorageReservedIdInformation", SET_INFORMATION, FILE_STORAGE_RESERVE_ID);

    // IRP_MJ_QUERY_VOLUME_INFORMATION / IRP_MJ_SET_VOLUME_INFORMATION, by FS_INFORMATION_CLASS.
    t.send("QueryInformationVolume", QUERY_VOLUME_INFORMATION, FS_VOLUME);
    t.send("QueryLabelInformationVolume", QUERY_VOLUME_INFORMATION, FS_LABEL);
    t.send("QuerySizeInformationVolume", QUERY_VOLUME_INFORMATION, FS_SIZE);
    t.send("QueryDeviceInformationVolume", QUERY_VOLUME_INFORMATION, FS_DEVICE);
    t.send("QueryAttributeInformationVolume", QUERY_VOLUME_INFORMATION, FS_ATTRIBUTE);
    t.send("QueryControlInformationVolume", QUERY_VOLUME_INFORMATION, FS_CONTROL);
    t.send("QueryFullSizeInformationVolume", QUERY_VOLUME_INFORMATION, FS_FULL_SIZE);
    t.send("QueryObjectIdInformationVolume", QUERY_VOLUME_INFORMATION, FS_OBJECT_ID);
    t.send("QuerySectorSizeInformationVolume", QUERY_VOLUME_INFORMATION, FS_SECTOR_SIZE);
    t.send("SetLabelInformationVolume", SET_VOLUME_INFORMATION, FS_LABEL);
    t.send("SetControlInformationVolume", SET_VOLUME_INFORMATION, FS_CONTROL);
    t.send("SetObjectIdInformationVolume", SET_VOLUME_INFORMATION, FS_OBJECT_ID);
    return b.buildOrThrow();
  }
}
