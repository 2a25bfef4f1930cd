package io.fsctx.fsrtl;

import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V1;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V4;


import io.fsctx.nt.NtStatus;
import org.jspecify.annotations.Nullable;

/**
 * The FsRtl DDI facade: one static method per routine or macro, named mechanically from the WDK
 * name ({@code FsRtlInsertPerStreamContext} is {@link #insertPerStreamContext}), parameters in WDK
 * order, statuses as {@link NtStatus}. It holds no logic of its own beyond the argument checks the
 * macros make; the behaviour lives on {@link AdvancedFcbHeader}, {@link PerFileContextSlot} and
 * {@link FileObjectContexts}.
 *
 * <p>Where C code would cast {@code FileObject->FsContext} to an advanced header, these methods
 * accept a {@link CommonFcbHeader} and check its type: a header that is only a common header never
 * supports filter contexts, whatever its {@code Flags2} bits say (fsrtl.md 13).
 *
 * <p>Thread safety: every method is safe for concurrent use.
 */
public final class FsRtl {
  private FsRtl() {}

  // ---- Header setup -------------------------------------------------------------------------

  /**
   * Prepares an advanced header for filter contexts.
   *
   * @ddi FsRtlSetupAdvancedHeader
   * @param advHdr the header
   * @param fastMutex an initialised fast mutex, or null to keep the one already stored
   */
  public static void setupAdvancedHeader(AdvancedFcbHeader advHdr, @Nullable FastMutex fastMutex) {
    advHdr.setup(fastMutex);
  }

  /**
   * Prepares an advanced header for stream and, with a slot, file contexts.
   *
   * @ddi FsRtlSetupAdvancedHeaderEx
   * @param advHdr the header
   * @param fastMutex as for {@link #setupAdvancedHeader}
   * @param fileContextSupportPointer the per-file slot, or null for no file contexts
   */
  public static void setupAdvancedHeaderEx(
      AdvancedFcbHeader advHdr,
      @Nullable FastMutex fastMutex,
      @Nullable PerFileContextSlot fileContextSupportPointer) {
    advHdr.setupEx(fastMutex, fileContextSupportPointer);
  }

  /**
   * As {@link #setupAdvancedHeaderEx}, and installs an auto-expand push lock.
   *
   * @ddi FsRtlSetupAdvancedHeaderEx2
   * @param advHdr the header
   * @param fastMutex as for {@link #setupAdvancedHeader}
   * @param fileContextSupportPointer the per-file slot, or null
   * @param aePushLock from {@link PushLock#autoExpand()}, or null
   */
  public static void setupAdvancedHeaderEx2(
      AdvancedFcbHeader advHdr,
      @Nullable FastMutex fastMutex,
      @Nullable PerFileContextSlot fileContextSupportPointer,
      @Nullable PushLock aePushLock) {
    advHdr.setupEx2(fastMutex, fileContextSupportPointer, aePushLock);
  }

  // ---- Support queries ----------------------------------------------------------------------

  /**
   * True iff the file object's {@code FsContext} is an advanced header whose {@code Flags2} has
   * {@code FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS}. The macro tests only the bit; the model also
   * insists on the type so a common-header FCB with a stray bit is still refused.
   *
   * @ddi FsRtlSupportsPerStreamContexts
   */
  public static boolean supportsPerStreamContexts(@Nullable FsRtlFileObject fileObject) {
    if (fileObject == null) {
      return false;
    }
    return fileObject.fsContext() instanceof AdvancedFcbHeader h && h.supportsFilterContexts();
  }

  /**
   * The file object's {@code FsContext} as an advanced header. The macro is an unchecked cast; in
   * Java a common-header FCB cannot be viewed as an advanced one, so this returns null for it.
   *
   * @ddi FsRtlGetPerStreamContextPointer
   */
  public static @Nullable AdvancedFcbHeader getPerStreamContextPointer(FsRtlFileObject fileObject) {
    return fileObject.fsContext() instanceof AdvancedFcbHeader h ? h : null;
  }

  /**
   * True iff {@code FsContext} is an advanced header with {@code Version >= V1} and a non-null
   * {@code FileContextSupportPointer}. Like the macro, it does not test the {@code Flags2} bit.
   *
   * @ddi FsRtlSupportsPerFileContexts
   */
  public static boolean supportsPerFileContexts(@Nullable FsRtlFileObject fileObject) {
    return getPerFileContextPointer(fileObject) != null;
  }

  /**
   * {@code FileContextSupportPointer} when {@link #supportsPerFileContexts} holds, else null.
   *
   * @ddi FsRtlGetPerFileContextPointer
   */
  public static @Nullable PerFileContextSlot getPerFileContextPointer(@Nullable FsRtlFileObject fileObject) {
    if (fileObject == null) {
      return null;
    }
    if (!(fileObject.fsContext() instanceof AdvancedFcbHeader h) || h.version() < FSRTL_FCB_HEADER_V1) {
      return null;
    }
    return h.fileContextSupportPointer();
  }

  /**
   * {@code BypassIoOpenCount}, or 0 below {@code V4} as documented.
   *
   * @ddi FsRtlGetBypassIoOpenCount
   */
  public static int getBypassIoOpenCount(AdvancedFcbHeader advHdr) {
    return advHdr.version() < FSRTL_FCB_HEADER_V4 ? 0 : advHdr.bypassIoOpenCount();
  }

  // ---- Per-stream contexts ------------------------------------------------------------------

  /**
   * Initialises a per-stream context.
   *
   * @ddi FsRtlInitPerStreamContext
   */
  public static void initPerStreamContext(
      PerStreamContext perStreamContext,
      Object ownerId,
      @Nullable Object instanceId,
      FreeCallback<? super PerStreamContext> freeCallback) {
    perStreamContext.init(ownerId, instanceId, freeCallback);
  }

  /**
   * Links a per-stream context to a stream. On success the file system owns it.
   *
   * @ddi FsRtlInsertPerStreamContext
   * @param perStreamContext the stream's header ({@code FsContext})
   * @param ptr the initialised context
   * @return {@code STATUS_SUCCESS}, or {@code STATUS_INVALID_DEVICE_REQUEST} for a null or
   *     common-only header or a clear {@code Flags2} bit
   */
  public static NtStatus insertPerStreamContext(
      @Nullable CommonFcbHeader perStreamContext, PerStreamContext ptr) {
    if (!(perStreamContext instanceof AdvancedFcbHeader h)) {
      return NtStatus.STATUS_INVALID_DEVICE_REQUEST;
    }
    return h.insertPerStreamContext(ptr);
  }

  /**
   * The first per-stream context matching the ids, or null.
   *
   * @ddi FsRtlLookupPerStreamContext
   */
  public static @Nullable PerStreamContext lookupPerStreamContext(
      @Nullable CommonFcbHeader streamContext, @Nullable Object ownerId, @Nullable Object instanceId) {
    if (!(streamContext instanceof AdvancedFcbHeader h)) {
      ContextList.checkIds(ownerId, instanceId);
      return null;
    }
    return h.lookupPerStreamContext(ownerId, instanceId);
  }

  /**
   * Unlinks and returns the first matching per-stream context; its free callback is not called.
   *
   * @ddi FsRtlRemovePerStreamContext
   */
  public static @Nullable PerStreamContext removePerStreamContext(
      @Nullable CommonFcbHeader streamContext, @Nullable Object ownerId, @Nullable Object instanceId) {
    if (!(streamContext instanceof AdvancedFcbHeader h)) {
      ContextList.checkIds(ownerId, instanceId);
      return null;
    }
    return h.removePerStreamContext(ownerId, instanceId);
  }

  /**
   * Frees every per-stream context still on the header; called by the file system only.
   *
   * @ddi FsRtlTeardownPerStreamContexts
   * @param advancedHeader the dying stream's header; a common-only header has no list and is
   *     left alone
   */
  public static void teardownPerStreamContexts(CommonFcbHeader advancedHeader) {
    if (advancedHeader instanceof AdvancedFcbHeader h) {
      h.teardownPerStreamContexts();
    }
  }

  // ---- Per-file contexts --------------------------------------------------------------------

  /**
   * Initialises a per-file context.
   *
   * @ddi FsRtlInitPerFileContext
   */
  public static void initPerFileContext(
      PerFileContext fileContext,
      Object ownerId,
      @Nullable Object instanceId,
      FreeCallback<? super PerFileContext> freeCallback) {
    fileContext.init(ownerId, instanceId, freeCallback);
  }

  /**
   * Links a per-file context through the file system's slot.
   *
   * @ddi FsRtlInsertPerFileContext
   * @param perFileContextPointer from {@link #getPerFileContextPointer}; null means unsupported
   * @return {@code STATUS_SUCCESS}, {@code STATUS_INVALID_DEVICE_REQUEST} (unsupported) or {@code
   *     STATUS_INSUFFICIENT_RESOURCES} (tracking block allocation failed; nothing linked)
   */
  public static NtStatus insertPerFileContext(
      @Nullable PerFileContextSlot perFileContextPointer, PerFileContext ptr) {
    if (perFileContextPointer == null) {
      return NtStatus.STATUS_INVALID_DEVICE_REQUEST;
    }
    return perFileContextPointer.insert(ptr);
  }

  /**
   * The first per-file context matching the ids, or null.
   *
   * @ddi FsRtlLookupPerFileContext
   */
  public static @Nullable PerFileContext lookupPerFileContext(
      @Nullable PerFileContextSlot perFileContextPointer,
      @Nullable Object ownerId,
      @Nullable Object instanceId) {
    ContextList.checkIds(ownerId, instanceId);
    return perFileContextPointer == null ? null : perFileContextPointer.lookup(ownerId, instanceId);
  }

  /**
   * Unlinks and returns the first matching per-file context.
   *
   * @ddi FsRtlRemovePerFileContext
   */
  public static @Nullable PerFileContext removePerFileContext(
      @Nullable PerFileContextSlot perFileContextPointer,
      @Nullable Object ownerId,
      @Nullable Object instanceId) {
    ContextList.checkIds(ownerId, instanceId);
    return perFileContextPointer == null ? null : perFileContextPointer.remove(ownerId, instanceId);
  }

  /**
   * Frees every per-file context; the file system calls it when its per-file structure dies.
   *
   * @ddi FsRtlTeardownPerFileContexts
   */
  public static void teardownPerFileContexts(PerFileContextSlot perFileContextPointer) {
    perFileContextPointer.teardown();
  }

  // ---- Per-file-object contexts -------------------------------------------------------------

  /**
   * Initialises a per-file-object context.
   *
   * @ddi FsRtlInitPerFileObjectContext
   */
  public static void initPerFileObjectContext(
      PerFileObjectContext fileObjectContext, Object ownerId, @Nullable Object instanceId) {
    fileObjectContext.init(ownerId, instanceId);
  }

  /**
   * Links a per-file-object context to a file object.
   *
   * @ddi FsRtlInsertPerFileObjectContext
   * @return {@code STATUS_SUCCESS}, {@code STATUS_INVALID_PARAMETER} for a null file object, or
   *     {@code STATUS_INSUFFICIENT_RESOURCES}
   */
  public static NtStatus insertPerFileObjectContext(
      @Nullable FsRtlFileObject fileObject, PerFileObjectContext ptr) {
    if (fileObject == null) {
      return NtStatus.STATUS_INVALID_PARAMETER;
    }
    return fileObject.perFileObjectContexts().insert(ptr);
  }

  /**
   * The first per-file-object context matching the ids, or null.
   *
   * @ddi FsRtlLookupPerFileObjectContext
   */
  public static @Nullable PerFileObjectContext lookupPerFileObjectContext(
      @Nullable FsRtlFileObject fileObject, @Nullable Object ownerId, @Nullable Object instanceId) {
    ContextList.checkIds(ownerId, instanceId);
    return fileObject == null ? null : fileObject.perFileObjectContexts().lookup(ownerId, instanceId);
  }

  /**
   * Unlinks and returns the first matching per-file-object context.
   *
   * @ddi FsRtlRemovePerFileObjectContext
   */
  public static @Nullable PerFileObjectContext removePerFileObjectContext(
      @Nullable FsRtlFileObject fileObject, @Nullable Object ownerId, @Nullable Object instanceId) {
    ContextList.checkIds(ownerId, instanceId);
    return fileObject == null ? null : fileObject.perFileObjectContexts().remove(ownerId, instanceId);
  }
}
