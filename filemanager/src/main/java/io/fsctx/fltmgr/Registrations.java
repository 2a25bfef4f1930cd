package io.fsctx.fltmgr;

import static io.fsctx.nt.NtStatus.STATUS_FLT_INVALID_CONTEXT_REGISTRATION;
import static io.fsctx.nt.NtStatus.STATUS_INVALID_PARAMETER;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;

import io.fsctx.nt.NtStatus;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Validation of {@code FLT_REGISTRATION} and {@code FLT_CONTEXT_REGISTRATION} (fltmgr.md 2).
 * Context-registration violations all fail with {@code STATUS_FLT_INVALID_CONTEXT_REGISTRATION},
 * the status Windows defines for exactly this (the DDI page is silent, a [X] policy); unknown
 * context types are refused rather than ignored as ReactOS does.
 */
final class Registrations {
  private Registrations() {}

  /** Maximum fixed size of a context definition (MAXUSHORT). */
  static final long MAX_CONTEXT_SIZE = 0xFFFF;

  static NtStatus validate(FilterManager mgr, FltRegistration r) {
    // The major byte must be 0x02; the minor byte may differ (fltKernel.h comment).
    if ((r.version() & 0xFF00) != 0x0200) {
      return STATUS_INVALID_PARAMETER;
    }
    // Name-provider combinations: NormalizeNameComponent(Ex) needs GenerateFileName;
    // NormalizeContextCleanup needs a normalize routine.
    boolean normalize = r.hasNormalizeNameComponentCallback() || r.hasNormalizeNameComponentExCallback();
    if (normalize && !r.hasGenerateFileNameCallback()) {
      return STATUS_INVALID_PARAMETER;
    }
    if (r.hasNormalizeContextCleanupCallback() && !normalize) {
      return STATUS_INVALID_PARAMETER;
    }
    if (r.transactionNotificationCallback() != null
        && !mgr.config().windowsVersion().atLeast(WindowsVersion.VISTA)) {
      return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
  }

  /**
   * Groups the context registration by type and checks the per-type rules; returns the
   * definitions or fills {@code status} with the failure.
   */
  static Map<FltContextType, List<ContextDefinition>> definitions(
      FilterManager mgr, FltFilter filter, List<FltContextRegistration> regs, NtStatus[] status) {
    Map<FltContextType, List<FltContextRegistration>> byType = new EnumMap<>(FltContextType.class);
    status[0] = STATUS_SUCCESS;
    for (FltContextRegistration e : regs) {
      if (e.isEnd()) {
        break;
      }
      FltContextType t = FltContextType.of(e.contextType());
      if (t == null || !mgr.config().windowsVersion().atLeast(t.since())) {
        status[0] = STATUS_FLT_INVALID_CONTEXT_REGISTRATION;
        return Map.of();
      }
      if (e.reserved1() != null) {
        status[0] = STATUS_FLT_INVALID_CONTEXT_REGISTRATION;
        return Map.of();
      }
      boolean routines = e.contextAllocateCallback() != null;
      if (routines != (e.contextFreeCallback() != null)) {
        // An allocate routine without its free routine (or the reverse) cannot be honoured.
        status[0] = STATUS_FLT_INVALID_CONTEXT_REGISTRATION;
        return Map.of();
      }
      if (!routines) {
        if (!e.isVariableSized() && (e.size() < 0 || e.size() > MAX_CONTEXT_SIZE)) {
          status[0] = STATUS_FLT_INVALID_CONTEXT_REGISTRATION;
          return Map.of();
        }
        if (e.poolTag() == 0 && mgr.config().poolTagPolicy() == FltConfig.PoolTagPolicy.DDI_STRICT) {
          status[0] = STATUS_FLT_INVALID_CONTEXT_REGISTRATION;
          return Map.of();
        }
      }
      List<FltContextRegistration> list = byType.computeIfAbsent(t, k -> new ArrayList<>());
      if (list.contains(e)) {
        continue; // identical duplicates: the first is used, the rest ignored
      }
      list.add(e);
    }
    Map<FltContextType, List<ContextDefinition>> out = new EnumMap<>(FltContextType.class);
    for (Map.Entry<FltContextType, List<FltContextRegistration>> en : byType.entrySet()) {
      List<FltContextRegistration> list = en.getValue();
      int variable = 0;
      int routines = 0;
      List<Long> fixedSizes = new ArrayList<>();
      for (FltContextRegistration e : list) {
        if (e.contextAllocateCallback() != null) {
          routines++;
        } else if (e.isVariableSized()) {
          variable++;
        } else {
          if (fixedSizes.contains(e.size())) {
            status[0] = STATUS_FLT_INVALID_CONTEXT_REGISTRATION; // two fixed entries, same size
            return Map.of();
          }
          fixedSizes.add(e.size());
        }
      }
      if ((routines > 0 && list.size() > 1) || variable > 1 || fixedSizes.size() > 3) {
        status[0] = STATUS_FLT_INVALID_CONTEXT_REGISTRATION;
        return Map.of();
      }
      List<ContextDefinition> defs = new ArrayList<>();
      for (FltContextRegistration e : list) {
        defs.add(new ContextDefinition(filter, e, en.getKey(), effectiveTag(e, en.getKey())));
      }
      // Fixed sizes ascending, the variable definition last (fltKernel.h).
      defs.sort(
          (a, b) -> {
            long sa = a.registration().isVariableSized() ? Long.MAX_VALUE : a.size();
            long sb = b.registration().isVariableSized() ? Long.MAX_VALUE : b.size();
            return Long.compare(sa, sb);
          });
      out.put(en.getKey(), List.copyOf(defs));
    }
    return out;
  }

  /** A zero tag under the header policy becomes a per-type default such as {@code FMcS}. */
  private static int effectiveTag(FltContextRegistration e, FltContextType t) {
    if (e.poolTag() != 0) {
      return e.poolTag();
    }
    String tag =
        switch (t) {
          case VOLUME -> "FMcV";
          case INSTANCE -> "FMcI";
          case FILE -> "FMcF";
          case STREAM -> "FMcS";
          case STREAMHANDLE -> "FMcH";
          case TRANSACTION -> "FMcT";
          case SECTION -> "FMcX";
        };
    return FltContextRegistration.tag(tag);
  }
}
