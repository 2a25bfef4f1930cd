package com.example.fastfat;

import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_IS_PAGING_FILE;
import static io.fsctx.fsrtl.FsRtlConstants.FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS;
import static io.fsctx.nt.NtStatus.STATUS_SUCCESS;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.fsrtl.FastMutex;
import io.fsctx.fsrtl.FsRtl;
import io.fsctx.io.FileNames;
import io.fsctx.io.FileObject;
import io.fsctx.io.FileSystemDriver;
import io.fsctx.io.IoConstants;
import io.fsctx.io.Irp;
import io.fsctx.io.IrpMajorFunction;
import io.fsctx.io.IrpParameters;
import io.fsctx.io.Volume;
import io.fsctx.modelfs.toolkit.FcbTable;
import io.fsctx.modelfs.toolkit.Namespace;
import io.fsctx.modelfs.toolkit.Namespace.FileRecord;
import io.fsctx.modelfs.toolkit.OpenCounts;
import io.fsctx.modelfs.toolkit.Requests;
import io.fsctx.modelfs.toolkit.StreamNaming;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.PoolBlock;
import io.fsctx.nt.PoolType;
import java.util.HashMap;
import java.util.Map;

/** A fastfat-like file system that owns its FCB lifecycle, checked by check-fs. */
public final class MiniFat implements FileSystemDriver {
  /** FCB or DCB: a pool block whose first member is the header; its mutex lives in a nonpaged block. */
  record Fcb(PoolBlock memory, PoolBlock nonPaged, AdvancedFcbHeader header, FileRecord file, OpenCounts counts) {}

  /** CCB: one per open, with the name it was opened by. */
  record Ccb(PoolBlock memory, Namespace.Link link, boolean deleteOnClose) {}

  // fastfat's VCB resource: every request runs under it, as do the FCB's setup and deletion.
  private final Object vcbLock = new Object();
  private final Namespace disk = new Namespace(StreamNaming.SINGLE_STREAM);
  private final FcbTable<FileRecord, Fcb> fcbs = new FcbTable<>(Fcb::header);
  private final Map<CommonFcbHeader, Fcb> byHeader = new HashMap<>();
  private Volume volume;
  private PoolBlock vcb;
  private AdvancedFcbHeader volumeFileHeader;
  private int volumeOpens;
  private boolean dismounted;

  @Override public String fileSystemName() { return "MiniFat"; }

  @Override public boolean supportsNamedStreams() { return false; }

  @Override public void mount(Volume v) { // FatInitializeVcb
    volume = v;
    vcb = v.pool().allocate(PoolType.NON_PAGED_POOL_NX, "MfaV", "VCB");
    volumeFileHeader = new AdvancedFcbHeader(vcb, "Vcb#1");
    FsRtl.setupAdvancedHeader(volumeFileHeader, new FastMutex(vcb));
  }

  private Fcb createFcb(FileRecord file) { // FatCreateFcb: allocate, set up, and only then insert
    PoolBlock memory = volume.pool().allocate(PoolType.PAGED_POOL, "MfaF", file.isDirectory() ? "DCB" : "FCB");
    PoolBlock nonPaged = volume.pool().allocate(PoolType.NON_PAGED_POOL_NX, "MfaN", "NON_PAGED_FCB");
    AdvancedFcbHeader header = new AdvancedFcbHeader(memory, volume.ioManager().ids().next("Fcb"));
    FsRtl.setupAdvancedHeader(header, new FastMutex(nonPaged));
    if (file.isPagingFile()) { // as fastfat and NTFS do: no filter contexts on a paging file
      header.setFlags2Bits(FSRTL_FLAG2_IS_PAGING_FILE);
      header.clearFlags2Bits(FSRTL_FLAG2_SUPPORTS_FILTER_CONTEXTS);
    }
    Fcb fcb = new Fcb(memory, nonPaged, header, file, new OpenCounts());
    byHeader.put(header, fcb);
    fcbs.insert(file, fcb); // other opens can find it from here on
    return fcb;
  }

  private void deleteFcb(Fcb fcb) { // FatDeleteFcb: unlink, teardown, then the mutex's block, then the FCB
    fcbs.remove(fcb.file(), fcb);
    byHeader.remove(fcb.header());
    if (fcb.file().isDeletePending()) {
      disk.deleteFile(fcb.file());
    }
    FsRtl.teardownPerStreamContexts(fcb.header());
    fcb.nonPaged().pool().free(fcb.nonPaged());
    fcb.memory().pool().free(fcb.memory());
  }

  private void tearDownVcb() { // FatTearDownVcb
    FsRtl.teardownPerStreamContexts(volumeFileHeader);
    vcb.pool().free(vcb);
  }

  @Override public NtStatus dispatch(Irp irp) {
    FileObject fo = Requests.fileObject(irp);
    IrpMajorFunction major = irp.majorFunction();
    synchronized (vcbLock) {
      if (dismounted && major != IrpMajorFunction.CLEANUP && major != IrpMajorFunction.CLOSE) {
        return irp.complete(NtStatus.STATUS_VOLUME_DISMOUNTED, 0);
      }
      Fcb fcb = fcbOf(fo);
      Ccb ccb = fo.fsContext2() instanceof Ccb c ? c : null;
      Namespace.Link link = ccb == null ? null : ccb.link();
      boolean directory = fcb != null && fcb.file().isDirectory();
      switch (major) {
        case CREATE: return create(irp, fo);
        case CLEANUP: // FatCommonCleanup: the handle is gone; the FCB stays until its last close
          if (fcb != null) {
            fcb.counts().cleanedUp();
            if (ccb.deleteOnClose()) {
              fcb.file().setDeletePending(true);
            }
          }
          return irp.complete(STATUS_SUCCESS, 0);
        case CLOSE: // FatCommonClose: the last close deletes the FCB
          if (ccb != null) {
            ccb.memory().pool().free(ccb.memory());
          }
          if (fcb != null && fcb.counts().closed() == 0) {
            deleteFcb(fcb);
          } else if (fo.fsContext() == volumeFileHeader && --volumeOpens == 0 && dismounted) {
            tearDownVcb();
          }
          return irp.complete(STATUS_SUCCESS, 0);
        case READ: return Requests.read(irp, fo.fsContext(), directory);
        case WRITE: return Requests.write(irp, fo.fsContext(), directory);
        case SET_INFORMATION: return Requests.setInformation(irp, disk, fcb == null ? null
            : new Requests.OpenStream(fcb.header(), link, "", fcb.file()::setDeletePending),
            Requests.NO_HARD_LINKS, f -> fcbs.get(f) != null);
        case DIRECTORY_CONTROL: return Requests.queryDirectory(irp, disk, link);
        case NETWORK_QUERY_OPEN: return Requests.networkQueryOpen(irp, disk);
        default: return Requests.simple(irp);
      }
    }
  }

  private NtStatus create(Irp irp, FileObject fo) { // FatCommonCreate
    IrpParameters.Create p = irp.parameters(IrpParameters.Create.class);
    if (p.fileName().isEmpty()) { // a volume open: FsContext is the VCB's header
      volumeOpens++;
      fo.setFsContext(volumeFileHeader);
      fo.setFlags(FileObject.FO_VOLUME_OPEN);
      return irp.complete(STATUS_SUCCESS, IoConstants.FILE_OPENED);
    }
    Namespace.Resolution r = disk.resolveCreate(p.fileName(), p.options());
    if (!r.succeeded()) {
      return irp.complete(r.status(), 0);
    }
    Fcb fcb = fcbs.get(r.openedLink().file());
    if (fcb == null) {
      fcb = createFcb(r.openedLink().file());
    }
    if (r.truncated()) {
      Requests.truncate(fcb.header());
    }
    fcb.counts().opened();
    fo.setFsContext(fcb.header());
    boolean deleteOnClose = p.options().hasOption(IoConstants.FILE_DELETE_ON_CLOSE);
    fo.setFsContext2(new Ccb(volume.pool().allocate(PoolType.PAGED_POOL, "MfaC", "CCB"), r.openedLink(), deleteOnClose));
    return irp.complete(STATUS_SUCCESS, r.information());
  }

  @Override public void dismount() {
    synchronized (vcbLock) {
      dismounted = true;
      if (volumeOpens == 0) {
        tearDownVcb();
      }
    }
  }

  @Override public FileNames queryFileNames(FileObject fo) {
    synchronized (vcbLock) {
      Fcb fcb = fcbOf(fo);
      return fcb == null ? null : new FileNames(disk.nameOf(fcb.file(), ((Ccb) fo.fsContext2()).link(), ""), fo.fileName());
    }
  }

  @Override public String normalizePath(String path) {
    synchronized (vcbLock) {
      return disk.normalizePath(path);
    }
  }

  private Fcb fcbOf(FileObject fo) {
    return fo.fsContext() == null ? null : byHeader.get(fo.fsContext());
  }
}
