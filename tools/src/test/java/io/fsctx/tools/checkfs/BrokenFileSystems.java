package io.fsctx.tools.checkfs;

import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FCB_HEADER_V0;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_IS_PAGING_FILE;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.fsrtl.FastMutex;
import io.fsctx.fsrtl.FsRtl;
import io.fsctx.fsrtl.PerFileContextSlot;
import io.fsctx.io.FileObject;
import io.fsctx.io.Irp;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.modelfs.FatLikeFileSystem;
import io.fsctx.modelfs.NtfsLikeFileSystem;
import io.fsctx.modelfs.toolkit.ClosePolicy;
import io.fsctx.modelfs.toolkit.Namespace.FileRecord;
import io.fsctx.nt.KeThread;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.PoolBlock;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Deliberately broken file systems, one bug each, for {@code check-fs}'s detection tests: each is
 * a bundled model ({@link FatLikeFileSystem} or {@link NtfsLikeFileSystem}) with one protected
 * hook overridden, the way an author's mistake would look in their own {@code FatDeleteFcb} or
 * {@code FatCreateFcb}. The bundled broken models ({@code LegacyFileSystem}, {@code
 * NoTeardownFileSystem}, {@code FlagsWipedFileSystem}), {@link LateSetupFileSystem} and {@link
 * PagingFileClaimsSupportFileSystem} (public, for the command's tests) complete the set.
 */
final class BrokenFileSystems {
  private BrokenFileSystems() {}

  /** Frees an FCB and its nonpaged part the way {@code deleteFcb} does, minus the teardown. */
  private static void freeWithoutTeardown(PoolBlock nonPaged, PoolBlock fcb) {
    nonPaged.pool().free(nonPaged);
    fcb.pool().free(fcb);
  }

  /**
   * One kind of structure embeds an advanced header that is never set up: directories' DCBs
   * (FatCreateDcb forgot it) or the VCB's volume header (FatInitializeVcb forgot it).
   */
  static final class KindNeverSetUp extends FatLikeFileSystem {
    private final NodeType kind;

    private KindNeverSetUp(NodeType kind) {
      super(kind + "-never-set-up", ClosePolicy.DELAYED);
      this.kind = kind;
    }

    static KindNeverSetUp directories() {
      return new KindNeverSetUp(NodeType.DCB);
    }

    static KindNeverSetUp volume() {
      return new KindNeverSetUp(NodeType.VCB);
    }

    @Override
    protected CommonFcbHeader initializeHeader(
        NodeType type, PoolBlock memory, String id, NonPagedFcb nonPaged, boolean pagingFile) {
      if (type == kind) {
        return new AdvancedFcbHeader(memory, id); // the bug: no FsRtlSetupAdvancedHeader
      }
      return super.initializeHeader(type, memory, id, nonPaged, pagingFile);
    }
  }

  /** A write overwrites Flags2 (a structure copy that includes the header), long after setup. */
  static final class Flags2OverwrittenByWrite extends FatLikeFileSystem {
    Flags2OverwrittenByWrite() {
      super("flags2-overwritten-by-write", ClosePolicy.DELAYED);
    }

    @Override
    public NtStatus dispatch(Irp irp) {
      FileObject fo = irp.fileObject();
      if (irp.majorFunction() == IrpMajorFunction.WRITE && fo != null && fo.fsContext() instanceof AdvancedFcbHeader h) {
        h.setFlags2(0); // the bug
      }
      return super.dispatch(irp);
    }
  }

  /**
   * FatDeleteFcb without the teardown on one path only (every other path is right): for files'
   * FCBs, for directories' DCBs, on a create's error path (a type mismatch after the FCB was
   * built), or in the close of a DCB's own stream file object ({@code DirectoryFile}, with
   * immediate close so that the DCB goes in that close).
   */
  static final class NoTeardownWhen extends FatLikeFileSystem {
    private final Predicate<Fcb> path;

    private NoTeardownWhen(String name, ClosePolicy policy, Predicate<Fcb> path) {
      super(name, policy);
      this.path = path;
    }

    static NoTeardownWhen files() {
      return new NoTeardownWhen("no-fcb-teardown", ClosePolicy.DELAYED, f -> !f.file.isDirectory());
    }

    static NoTeardownWhen directories() {
      return new NoTeardownWhen("no-dcb-teardown", ClosePolicy.DELAYED, f -> f.file.isDirectory());
    }

    static NoTeardownWhen createErrorPath() {
      return new NoTeardownWhen("no-teardown-on-create-error-path", ClosePolicy.DELAYED,
          f -> KeThread.currentRequest() instanceof Irp irp && irp.majorFunction() == IrpMajorFunction.CREATE);
    }

    static NoTeardownWhen streamFileObjectClose() {
      return new NoTeardownWhen("no-teardown-in-stream-file-close", ClosePolicy.IMMEDIATE, f -> {
        FileObject fo = KeThread.currentRequest() instanceof Irp irp && irp.majorFunction() == IrpMajorFunction.CLOSE
            ? irp.fileObject() : null;
        return fo != null && fo.hasFlags(FileObject.FO_STREAM_FILE);
      });
    }

    @Override
    protected void deleteFcb(Fcb fcb) {
      if (path.test(fcb)) {
        freeWithoutTeardown(fcb.nonPaged.memory, fcb.memory); // the bug, on this path only
      } else {
        super.deleteFcb(fcb);
      }
    }
  }

  /** FatTearDownVcb frees the VCB at dismount without the volume header's teardown. */
  static final class NoVcbTeardown extends FatLikeFileSystem {
    NoVcbTeardown() {
      super("no-vcb-teardown", ClosePolicy.DELAYED);
    }

    @Override
    protected void tearDownVcb(Vcb vcb) {
      vcb.memory.pool().free(vcb.memory); // the bug: no FsRtlTeardownPerStreamContexts
    }
  }

  /** FsRtlTeardownPerStreamContexts in IRP_MJ_CLEANUP, while the file object is still open. */
  static final class TeardownInCleanup extends FatLikeFileSystem {
    TeardownInCleanup() {
      super("teardown-in-cleanup", ClosePolicy.DELAYED);
    }

    @Override
    protected NtStatus cleanup(Irp irp) {
      FileObject fo = irp.fileObject();
      if (fo != null && fo.fsContext() instanceof AdvancedFcbHeader h) {
        FsRtl.teardownPerStreamContexts(h); // the bug: cleanup is not the FCB's death
      }
      return super.cleanup(irp);
    }
  }

  /**
   * FsRtlTeardownPerStreamContexts in every IRP_MJ_CLOSE, long before the SCB is freed: while
   * other file objects are open, and before the delayed-close queue frees (or a reopen revives) it.
   */
  static final class TeardownInEveryClose extends NtfsLikeFileSystem {
    TeardownInEveryClose() {
      super("teardown-in-every-close", ClosePolicy.DELAYED);
    }

    @Override
    protected NtStatus close(Irp irp) {
      FileObject fo = irp.fileObject();
      if (fo != null && fo.fsContext() instanceof AdvancedFcbHeader h && !fo.hasFlags(FileObject.FO_VOLUME_OPEN)) {
        FsRtl.teardownPerStreamContexts(h); // the bug
      }
      return super.close(irp);
    }
  }

  /** FsRtlTeardownPerFileContexts with each stream's deletion, while the file's other streams live. */
  static final class FileTeardownPerStream extends NtfsLikeFileSystem {
    FileTeardownPerStream() {
      super("file-teardown-per-stream", ClosePolicy.DELAYED);
    }

    @Override
    protected void deleteScb(Scb scb) {
      super.deleteScb(scb);
      FsRtl.teardownPerFileContexts(scb.fcb); // the bug: the file may have other streams
    }

    @Override
    protected void deleteFcb(Fcb fcb) {
      fcb.block().pool().free(fcb.block()); // its per-file teardown already ran, early
    }
  }

  /** The per-file structure is freed without FsRtlTeardownPerFileContexts. */
  static final class NoFileTeardown extends NtfsLikeFileSystem {
    NoFileTeardown() {
      super("no-file-teardown", ClosePolicy.DELAYED);
    }

    @Override
    protected void deleteFcb(Fcb fcb) {
      fcb.block().pool().free(fcb.block()); // the bug
    }
  }

  /** Setup with the file's slot, then the version is lowered to V0, which hides the slot. */
  static final class VersionHidesSlot extends NtfsLikeFileSystem {
    VersionHidesSlot() {
      super("version-hides-slot", ClosePolicy.DELAYED);
    }

    @Override
    protected void initializeScbHeader(Scb scb, FastMutex mutex, boolean pagingFile) {
      super.initializeScbHeader(scb, mutex, pagingFile);
      scb.setVersion(FSRTL_FCB_HEADER_V0); // the bug: an old header layout
    }
  }

  /** Every stream of every file is set up with the first file's slot. */
  static final class SharedSlot extends NtfsLikeFileSystem {
    private @Nullable PerFileContextSlot shared;

    SharedSlot() {
      super("shared-slot", ClosePolicy.DELAYED);
    }

    @Override
    protected void initializeScbHeader(Scb scb, FastMutex mutex, boolean pagingFile) {
      PerFileContextSlot slot = shared;
      if (slot == null) {
        slot = scb.fcb;
        shared = slot;
      }
      FsRtl.setupAdvancedHeaderEx(scb, mutex, slot); // the bug: not this file's slot
      if (pagingFile) {
        scb.setFlags2Bits(FSRTL_FLAG2_IS_PAGING_FILE);
        scb.clearFlags2Bits(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
      }
    }
  }

  /** Every successful open of a stream runs the setup again on its live header. */
  static final class SetupOnEveryOpen extends NtfsLikeFileSystem {
    SetupOnEveryOpen() {
      super("setup-on-every-open", ClosePolicy.DELAYED);
    }

    @Override
    protected NtStatus create(Irp irp) {
      NtStatus st = super.create(irp);
      FileObject fo = irp.fileObject();
      if (st.isSuccess() && fo != null && fo.fsContext() instanceof AdvancedFcbHeader h
          && !fo.hasFlags(FileObject.FO_VOLUME_OPEN) && !h.isPagingFile()) {
        FsRtl.setupAdvancedHeaderEx(h, h.fastMutex(), h.fileContextSupportPointer()); // the bug
      }
      return st;
    }
  }

  /**
   * The header is set up after the FCB went into the FCB table (FcbTable.insert tells the audit),
   * though still before the open that built it returns.
   */
  static final class SetupAfterTableInsert extends FatLikeFileSystem {
    SetupAfterTableInsert() {
      super("setup-after-table-insert", ClosePolicy.DELAYED);
    }

    @Override
    protected CommonFcbHeader initializeHeader(
        NodeType type, PoolBlock memory, String id, NonPagedFcb nonPaged, boolean pagingFile) {
      if (type == NodeType.VCB) {
        return super.initializeHeader(type, memory, id, nonPaged, pagingFile);
      }
      return new AdvancedFcbHeader(memory, id); // set up below, after the insert
    }

    // createFcb runs under the VCB lock, which the base class holds when it calls it.
    @SuppressWarnings("GuardedBy")
    @Override
    protected Fcb createFcb(FileRecord file) {
      Fcb fcb = super.createFcb(file); // the FCB is in the table from here
      AdvancedFcbHeader h = (AdvancedFcbHeader) fcb.header;
      FsRtl.setupAdvancedHeader(h, fcb.nonPaged.advancedFcbHeaderMutex); // the bug: too late
      if (file.isPagingFile()) {
        h.setFlags2Bits(FSRTL_FLAG2_IS_PAGING_FILE);
        h.clearFlags2Bits(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
      }
      return fcb;
    }
  }

  /** The nonpaged part holding the header's fast mutex is freed before the teardown. */
  static final class LockFreedBeforeTeardown extends FatLikeFileSystem {
    LockFreedBeforeTeardown() {
      super("lock-freed-before-teardown", ClosePolicy.DELAYED);
    }

    @Override
    protected void deleteFcb(Fcb fcb) {
      fcb.nonPaged.memory.pool().free(fcb.nonPaged.memory); // the bug: the mutex goes first
      if (fcb.header instanceof AdvancedFcbHeader h) {
        FsRtl.teardownPerStreamContexts(h);
      }
      fcb.memory.pool().free(fcb.memory);
    }
  }

  /** FatDeleteFcb frees the FCB's block a second time. */
  static final class FreedTwice extends FatLikeFileSystem {
    FreedTwice() {
      super("freed-twice", ClosePolicy.DELAYED);
    }

    @Override
    protected void deleteFcb(Fcb fcb) {
      super.deleteFcb(fcb);
      fcb.memory.pool().free(fcb.memory); // the bug: BAD_POOL_CALLER 0xC2/0x7
    }
  }

  /** FatDeleteFcb tears down but never frees the FCB (or its nonpaged part). */
  static final class NeverFreed extends FatLikeFileSystem {
    NeverFreed() {
      super("never-freed", ClosePolicy.DELAYED);
    }

    @Override
    protected void deleteFcb(Fcb fcb) {
      if (fcb.header instanceof AdvancedFcbHeader h) {
        FsRtl.teardownPerStreamContexts(h);
      }
      // the bug: no ExFreePool of the FCB or its nonpaged part
    }
  }
}
