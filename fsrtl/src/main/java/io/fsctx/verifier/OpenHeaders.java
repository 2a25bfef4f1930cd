package io.fsctx.verifier;

import io.fsctx.fsrtl.CommonFcbHeader;
import io.fsctx.fsrtl.HeaderAudit;
import io.fsctx.io.CreateParameters;
import io.fsctx.io.FileObject;
import io.fsctx.io.IoConstants;
import io.fsctx.io.IoEvent;
import io.fsctx.io.Irp;
import io.fsctx.nt.Pool;
import io.fsctx.nt.PoolBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The file-system verifier's knowledge of which FCB headers have had a file object reported on
 * them, and how a header is named in its messages: its id and the path of its first open.
 *
 * <p>Design note. The open headers are found again at the end of a run through the pool's
 * outstanding blocks and the mark on each header's audit ({@link HeaderAudit#markOpenEventSeen}),
 * and the path of a header's first open through the site of that open, which holds its file
 * object: a map from every open header to its path cost 30 bytes per open file (issue 14). A map
 * keeps only the first opens that site does not describe (a directory, a volume open, a stream
 * file object, an open outside a request), until the header is freed; a set keeps the opened
 * headers outside any pool block ({@code FCB-POOL}), which the pool cannot list.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class OpenHeaders {
  private final Pool pool;
  private final Map<CommonFcbHeader, String> otherFirstOpens = new ConcurrentHashMap<>();
  private final Set<CommonFcbHeader> unpooled = ConcurrentHashMap.newKeySet();

  OpenHeaders(Pool pool) {
    this.pool = pool;
  }

  /** The I/O manager reported a file object created on {@code h}; the first report is kept. */
  void opened(CommonFcbHeader h, IoEvent.FileObjectCreated c) {
    if (h.audit().markOpenEventSeen()) {
      String opened = describeOpen(c.fileObject(), c);
      if (!opened.equals(siteName(h))) {
        otherFirstOpens.put(h, opened);
      }
      if (h.memory() == null) {
        unpooled.add(h);
      }
    }
  }

  /** The header's block was freed: returns its first open's path, which is then forgotten. */
  @Nullable String freed(CommonFcbHeader h) {
    String name = firstOpenName(h);
    otherFirstOpens.remove(h);
    return name;
  }

  /** The headers with a reported open whose block is not freed, and those outside any block. */
  List<CommonFcbHeader> alive() {
    List<CommonFcbHeader> alive = new ArrayList<>(unpooled);
    for (PoolBlock b : pool.outstanding()) {
      for (Object m : b.members()) {
        if (m instanceof CommonFcbHeader h && h.audit().openEventSeen()) {
          alive.add(h);
        }
      }
    }
    return alive;
  }

  /**
   * A header's id and where it comes from: the path it was first opened by while it lives; once
   * freed (or when never tracked) the request of its first open, or the request it was built in
   * when no file object ever pointed at it (a create's error path).
   */
  String describe(CommonFcbHeader h) {
    return describe(h, isFreed(h) ? null : firstOpenName(h));
  }

  /** As {@link #describe(CommonFcbHeader)}, with the first open's path given (null: none). */
  static String describe(CommonFcbHeader h, @Nullable String name) {
    if (name != null) {
      return h.id() + " (" + name + ")";
    }
    Object opened = h.audit().firstPublishedWhere();
    if (opened != null) {
      return h.id() + " (first opened " + PoolBlock.describe(opened) + ")";
    }
    PoolBlock m = h.memory();
    Object built = m == null ? null : m.allocatedAt();
    return h.id() + " (built " + PoolBlock.describe(built) + ", never opened)";
  }

  /** Whether the header's pool block has been freed (false outside any block). */
  static boolean isFreed(CommonFcbHeader h) {
    PoolBlock m = h.memory();
    return m != null && m.isFreed();
  }

  /** The path of the header's first reported open, or null when none was reported. */
  private @Nullable String firstOpenName(CommonFcbHeader h) {
    if (!h.audit().openEventSeen()) {
      return null;
    }
    String other = otherFirstOpens.get(h);
    return other != null ? other : siteName(h);
  }

  /**
   * The name of the file object of the request in which a file object first pointed at the header
   * (its create), or null when that was outside a request.
   */
  private static @Nullable String siteName(CommonFcbHeader h) {
    return h.audit().firstPublishedWhere() instanceof Irp.Site s && s.fileObject() != null
        ? Objects.requireNonNull(s.fileObject()).fileName()
        : null;
  }

  private static String describeOpen(FileObject fo, IoEvent.FileObjectCreated c) {
    if (c.streamFileObject()) {
      return "stream file object " + fo.fileName();
    }
    if (fo.hasFlags(FileObject.FO_VOLUME_OPEN)) {
      return "volume open";
    }
    CreateParameters p = c.parameters();
    String kind = p != null && p.hasOption(IoConstants.FILE_DIRECTORY_FILE) ? "directory " : "";
    return kind.isEmpty() ? fo.fileName() : kind + fo.fileName(); // "" + s copies the String
  }
}
