package io.fsctx.fltmgr;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code FLT_REGISTRATION}: what a minifilter hands to {@code FltRegisterFilter}. Fields follow
 * the C order; name-provider callbacks are reduced to presence flags because the model does not
 * call them, but their combination is still validated.
 *
 * <p>{@code Size} is accepted and ignored: the DDI calls it required, but registrations with 0 and
 * 0xFFFF are observed to succeed (fltmgr.md 2.1, a [C] item).
 *
 * <p>Thread safety: immutable. Build with {@link #builder()}.
 *
 * @param size ignored
 * @param version {@code FLT_REGISTRATION_VERSION_02xx}; the major byte must be 0x02
 * @param flags {@code FLTFL_REGISTRATION_*}
 * @param contextRegistration the context definitions, ending with {@link
 *     FltContextRegistration#END} (a missing terminator is tolerated); null for none
 * @param operationRegistration the operation callbacks; null or empty for none
 * @param filterUnloadCallback null means the filter cannot be unloaded on request
 * @param instanceSetupCallback may be null (always attach)
 * @param instanceQueryTeardownCallback null means manual detach is refused
 * @param instanceTeardownStartCallback may be null
 * @param instanceTeardownCompleteCallback may be null
 * @param hasGenerateFileNameCallback whether a GenerateFileName callback is present
 * @param hasNormalizeNameComponentCallback whether a NormalizeNameComponent callback is present
 * @param hasNormalizeContextCleanupCallback whether a NormalizeContextCleanup callback is present
 * @param transactionNotificationCallback Vista+, needed for {@code FltEnlistInTransaction}
 * @param hasNormalizeNameComponentExCallback whether a NormalizeNameComponentEx callback is present
 * @param sectionNotificationCallback Windows 8+, called when a request conflicts with a data-scan
 *     section the filter holds open (issue 13); may be null
 */
public record FltRegistration(
    int size,
    int version,
    int flags,
    @Nullable List<FltContextRegistration> contextRegistration,
    @Nullable List<FltOperationRegistration> operationRegistration,
    @Nullable FilterUnloadCallback filterUnloadCallback,
    @Nullable InstanceSetupCallback instanceSetupCallback,
    @Nullable InstanceQueryTeardownCallback instanceQueryTeardownCallback,
    @Nullable InstanceTeardownCallback instanceTeardownStartCallback,
    @Nullable InstanceTeardownCallback instanceTeardownCompleteCallback,
    boolean hasGenerateFileNameCallback,
    boolean hasNormalizeNameComponentCallback,
    boolean hasNormalizeContextCleanupCallback,
    @Nullable TransactionNotificationCallback transactionNotificationCallback,
    boolean hasNormalizeNameComponentExCallback,
    @Nullable SectionNotificationCallback sectionNotificationCallback) {

  /** {@code FLT_REGISTRATION_VERSION_0200}: XP SP2 / 2003 SP1. */
  public static final int FLT_REGISTRATION_VERSION_0200 = 0x0200;
  /** {@code FLT_REGISTRATION_VERSION_0201}: adds the transaction notification callback. */
  public static final int FLT_REGISTRATION_VERSION_0201 = 0x0201;
  /** {@code FLT_REGISTRATION_VERSION_0202}: adds NormalizeNameComponentEx. */
  public static final int FLT_REGISTRATION_VERSION_0202 = 0x0202;
  /** {@code FLT_REGISTRATION_VERSION_0203}: Windows 8, adds the section notification callback. */
  public static final int FLT_REGISTRATION_VERSION_0203 = 0x0203;
  /** {@code FLT_REGISTRATION_VERSION}: the newest. */
  public static final int FLT_REGISTRATION_VERSION = FLT_REGISTRATION_VERSION_0203;
  /** The size a C registration reports; informational only. */
  public static final int SIZEOF_FLT_REGISTRATION = 0x68;

  /** {@code FLTFL_REGISTRATION_DO_NOT_SUPPORT_SERVICE_STOP}. */
  public static final int FLTFL_REGISTRATION_DO_NOT_SUPPORT_SERVICE_STOP = 0x1;
  /** {@code FLTFL_REGISTRATION_SUPPORT_NPFS_MSFS} (Windows 8). */
  public static final int FLTFL_REGISTRATION_SUPPORT_NPFS_MSFS = 0x2;

  /** A builder with {@code Size} and {@code Version} already set to the current values. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds an {@link FltRegistration}; confined to one thread. */
  public static final class Builder {
    private int size = SIZEOF_FLT_REGISTRATION;
    private int version = FLT_REGISTRATION_VERSION;
    private int flags;
    private @Nullable List<FltContextRegistration> contexts;
    private @Nullable List<FltOperationRegistration> operations;
    private @Nullable FilterUnloadCallback unload;
    private @Nullable InstanceSetupCallback setup;
    private @Nullable InstanceQueryTeardownCallback queryTeardown;
    private @Nullable InstanceTeardownCallback teardownStart;
    private @Nullable InstanceTeardownCallback teardownComplete;
    private boolean generateFileName;
    private boolean normalizeNameComponent;
    private boolean normalizeContextCleanup;
    private @Nullable TransactionNotificationCallback transactionNotification;
    private @Nullable SectionNotificationCallback sectionNotification;
    private boolean normalizeNameComponentEx;

    private Builder() {}

    /** {@code Size}. */
    public Builder size(int v) {
      size = v;
      return this;
    }

    /** {@code Version}. */
    public Builder version(int v) {
      version = v;
      return this;
    }

    /** {@code Flags}. */
    public Builder flags(int v) {
      flags = v;
      return this;
    }

    /** {@code ContextRegistration}. */
    public Builder contextRegistration(@Nullable List<FltContextRegistration> v) {
      contexts = v;
      return this;
    }

    /** {@code ContextRegistration}. */
    public Builder contextRegistration(FltContextRegistration... v) {
      contexts = List.of(v);
      return this;
    }

    /** {@code OperationRegistration}. */
    public Builder operationRegistration(@Nullable List<FltOperationRegistration> v) {
      operations = v;
      return this;
    }

    /** {@code OperationRegistration}. */
    public Builder operationRegistration(FltOperationRegistration... v) {
      operations = List.of(v);
      return this;
    }

    /** {@code FilterUnloadCallback}. */
    public Builder filterUnloadCallback(@Nullable FilterUnloadCallback v) {
      unload = v;
      return this;
    }

    /** {@code InstanceSetupCallback}. */
    public Builder instanceSetupCallback(@Nullable InstanceSetupCallback v) {
      setup = v;
      return this;
    }

    /** {@code InstanceQueryTeardownCallback}. */
    public Builder instanceQueryTeardownCallback(@Nullable InstanceQueryTeardownCallback v) {
      queryTeardown = v;
      return this;
    }

    /** {@code InstanceTeardownStartCallback}. */
    public Builder instanceTeardownStartCallback(@Nullable InstanceTeardownCallback v) {
      teardownStart = v;
      return this;
    }

    /** {@code InstanceTeardownCompleteCallback}. */
    public Builder instanceTeardownCompleteCallback(@Nullable InstanceTeardownCallback v) {
      teardownComplete = v;
      return this;
    }

    /** Marks a {@code GenerateFileNameCallback} as present. */
    public Builder generateFileNameCallback(boolean present) {
      generateFileName = present;
      return this;
    }

    /** Marks a {@code NormalizeNameComponentCallback} as present. */
    public Builder normalizeNameComponentCallback(boolean present) {
      normalizeNameComponent = present;
      return this;
    }

    /** Marks a {@code NormalizeContextCleanupCallback} as present. */
    public Builder normalizeContextCleanupCallback(boolean present) {
      normalizeContextCleanup = present;
      return this;
    }

    /** {@code TransactionNotificationCallback}. */
    public Builder transactionNotificationCallback(@Nullable TransactionNotificationCallback v) {
      transactionNotification = v;
      return this;
    }

    /** Marks a {@code NormalizeNameComponentExCallback} as present. */
    public Builder normalizeNameComponentExCallback(boolean present) {
      normalizeNameComponentEx = present;
      return this;
    }

    /** {@code SectionNotificationCallback} (Windows 8+). */
    public Builder sectionNotificationCallback(@Nullable SectionNotificationCallback v) {
      sectionNotification = v;
      return this;
    }

    /** Builds the registration. */
    public FltRegistration build() {
      return new FltRegistration(
          size, version, flags, contexts, operations, unload, setup, queryTeardown, teardownStart,
          teardownComplete, generateFileName, normalizeNameComponent, normalizeContextCleanup,
          transactionNotification, normalizeNameComponentEx, sectionNotification);
    }
  }
}
