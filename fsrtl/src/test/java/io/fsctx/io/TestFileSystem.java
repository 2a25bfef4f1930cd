package io.fsctx.io;

import io.fsctx.fsrtl.AdvancedFcbHeader;
import io.fsctx.fsrtl.FastMutex;
import io.fsctx.fsrtl.FsRtl;
import io.fsctx.nt.NtStatus;
import io.fsctx.nt.PoolBlock;
import io.fsctx.nt.PoolType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A minimal flat file system for the kernel's own tests (the model file systems live in modelfs,
 * which depends on this module): names without directories, one FCB per open file, a pool block
 * per FCB with its header set up, teardown and free at the last close, the volume's header freed
 * at dismount. Every other request succeeds.
 */
class TestFileSystem implements FileSystemDriver {
  /** One open file. */
  static final class Fcb {
    final PoolBlock memory;
    final AdvancedFcbHeader header;
    final String name;
    int openCount;

    Fcb(PoolBlock memory, String id, String name) {
      this.memory = memory;
      this.header = new AdvancedFcbHeader(memory, id);
      this.name = name;
      FsRtl.setupAdvancedHeader(header, new FastMutex(memory));
    }
  }

  private final Set<String> files = new HashSet<>();
  private final Map<String, Fcb> fcbs = new HashMap<>();
  private final Map<AdvancedFcbHeader, Fcb> byHeader = new HashMap<>();
  private @Nullable Volume volume;
  private @Nullable Fcb vcb;
  private boolean dismounted;

  @Override
  public String fileSystemName() {
    return "test";
  }

  @Override
  public boolean supportsNamedStreams() {
    return false;
  }

  @Override
  public synchronized void mount(Volume v) {
    volume = v;
    vcb = new Fcb(v.pool().allocate(PoolType.NON_PAGED_POOL, "TstV", "VCB"), "Vcb#1", "");
    byHeader.put(vcb.header, vcb);
  }

  @Override
  public NtStatus dispatch(Irp irp) {
    IrpMajorFunction major = irp.majorFunction();
    Fcb toFree = null;
    synchronized (this) {
      if (dismounted && major != IrpMajorFunction.CLEANUP && major != IrpMajorFunction.CLOSE) {
        return irp.complete(NtStatus.STATUS_VOLUME_DISMOUNTED, 0);
      }
      FileObject fo = irp.fileObject();
      switch (major) {
        case CREATE -> {
          IrpParameters.Create p = irp.parameters(IrpParameters.Create.class);
          String name = p.fileName().toUpperCase(java.util.Locale.ROOT);
          Fcb fcb;
          if (name.isEmpty()) {
            fcb = vcb;
          } else if (!files.contains(name) && p.options().createDisposition() == IoConstants.FILE_OPEN) {
            return irp.complete(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, 0);
          } else {
            boolean created = files.add(name);
            fcb = fcbs.get(name);
            if (fcb == null) {
              Volume v = volume;
              fcb = new Fcb(v.pool().allocate(PoolType.PAGED_POOL, "TstF", "FCB"), v.ioManager().ids().next("Fcb"), name);
              fcbs.put(name, fcb);
              byHeader.put(fcb.header, fcb);
            }
            if (created) {
              fcb.openCount++;
              fo.setFsContext(fcb.header);
              return irp.complete(NtStatus.STATUS_SUCCESS, IoConstants.FILE_CREATED);
            }
          }
          fcb.openCount++;
          fo.setFsContext(fcb.header);
          return irp.complete(NtStatus.STATUS_SUCCESS, IoConstants.FILE_OPENED);
        }
        case CLOSE -> {
          Fcb fcb = fo.fsContext() instanceof AdvancedFcbHeader h ? byHeader.get(h) : null;
          if (fcb != null && --fcb.openCount == 0 && (fcb != vcb || dismounted)) {
            fcbs.remove(fcb.name, fcb);
            byHeader.remove(fcb.header);
            toFree = fcb;
          }
        }
        case NETWORK_QUERY_OPEN -> {
          String name = irp.parameters(IrpParameters.Create.class).fileName().toUpperCase(java.util.Locale.ROOT);
          return irp.complete(files.contains(name) ? NtStatus.STATUS_SUCCESS : NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, 0);
        }
        case QUERY_INFORMATION -> {
          // The one query this file system answers with data, for the I/O manager's output path.
          Fcb fcb = fo.fsContext() instanceof AdvancedFcbHeader h ? byHeader.get(h) : null;
          if (fcb == null) {
            return irp.complete(NtStatus.STATUS_INVALID_PARAMETER, 0);
          }
          return irp.complete(NtStatus.STATUS_SUCCESS, 8, new FileInformation.Internal(fcb.name.hashCode()));
        }
        default -> {
          // Cleanup, reads, writes and the rest: nothing to do.
        }
      }
    }
    if (toFree != null) {
      free(toFree);
    }
    return irp.complete(NtStatus.STATUS_SUCCESS, 0);
  }

  @Override
  public void dismount() {
    Fcb v;
    synchronized (this) {
      dismounted = true;
      v = vcb != null && vcb.openCount == 0 ? vcb : null;
    }
    if (v != null) {
      free(v);
    }
  }

  @Override
  public synchronized @Nullable FileNames queryFileNames(FileObject fileObject) {
    Fcb fcb = fileObject.fsContext() instanceof AdvancedFcbHeader h ? byHeader.get(h) : null;
    return fcb == null ? null : new FileNames(fcb.name.isEmpty() ? "" : "\\" + fcb.name, fileObject.fileName());
  }

  @Override
  public @Nullable String normalizePath(String path) {
    return path;
  }

  /** The volume's header. */
  synchronized AdvancedFcbHeader volumeHeader() {
    return vcb.header;
  }

  /** How many FCBs are alive, the volume's included. */
  synchronized int liveFcbs() {
    return fcbs.size() + (vcb != null && !vcb.memory.isFreed() ? 1 : 0);
  }

  private static void free(Fcb fcb) {
    FsRtl.teardownPerStreamContexts(fcb.header);
    fcb.memory.pool().free(fcb.memory);
  }
}
