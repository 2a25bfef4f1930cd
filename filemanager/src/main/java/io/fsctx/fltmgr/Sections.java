package io.fsctx.fltmgr;

import io.fsctx.io.FileObject;
import io.fsctx.nt.Irql;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.Out;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Flt} facade's data-scan routines, kept apart so the facade stays a list of one-line
 * calls (issue 13): IRQL checks, out-parameters, and the {@code FltDeleteContext} refusal for
 * section contexts. The rules are in {@link DataScan}.
 *
 * <p>Thread safety: stateless.
 */
final class Sections {
  private Sections() {}

  static NtStatus register(FltInstance instance) {
    FltIrql.check(instance.filter().manager(), instance.filter(), "FltRegisterForDataScan", Irql.PASSIVE_LEVEL);
    return instance.dataScan().register();
  }

  static NtStatus create(
      FltInstance instance, @Nullable FileObject fo, FltContext ctx, int allocationAttributes, int flags,
      Out<FltSection> handle, Out<FltSection> object, @Nullable Out<Long> size) {
    FltIrql.check(instance.filter().manager(), instance.filter(), "FltCreateSectionForDataScan", Irql.PASSIVE_LEVEL);
    DataScan.Created c = instance.dataScan().create(fo, ctx, allocationAttributes, flags);
    handle.set(c.section());
    object.set(c.section());
    if (size != null) {
      size.set(c.section() == null ? null : 0L);
    }
    return c.status();
  }

  static NtStatus close(FltContext ctx) {
    FltIrql.check(ctx, "FltCloseSectionForDataScan", Irql.PASSIVE_LEVEL);
    FltInstance i = ctx.attachedInstance();
    if (i == null) {
      // Never attached (ALLOCATED), or another type: nothing a create made.
      ctx.checkNotFreed("FltCloseSectionForDataScan");
      return ctx.type() == FltContextType.SECTION && ctx.state() == FltContext.State.DELETED
          ? NtStatus.STATUS_NOT_FOUND
          : NtStatus.STATUS_INVALID_PARAMETER;
    }
    return i.dataScan().close(ctx);
  }

  static NtStatus get(FltInstance instance, @Nullable FileObject fo, Out<FltContext> out) {
    FltIrql.check(instance.filter().manager(), instance.filter(), "FltGetSectionContext", Irql.APC_LEVEL);
    FltInstance.Got g = instance.dataScan().get(fo, "FltGetSectionContext");
    out.set(g.context());
    return g.status();
  }

  /** {@code FltGetContextsEx}: the section context of the related objects' stream, when asked. */
  static void fill(FltRelatedObjects o, int desired, FltRelatedContexts out) {
    FltInstance i = o.instance();
    if ((desired & FltContextType.SECTION.code()) != 0 && i != null) {
      out.sectionContext = i.dataScan().get(o.fileObject(), "FltGetContextsEx").context();
    }
  }

  /** {@code FltDeleteContext} on a section context: a finding; the context is left as it is. */
  static void deleteRefused(FltContext ctx) {
    ctx.filter().manager().verifier().report(VerifierFinding.Kind.SECTION_CONTEXT_DELETED, ctx,
        "FltDeleteContext on section context " + ctx.describe()
            + ": a section context is detached only by FltCloseSectionForDataScan, and released, never deleted;"
            + " the call was ignored");
  }
}
