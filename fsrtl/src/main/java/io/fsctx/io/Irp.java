package io.fsctx.io;

import io.fsctx.nt.FieldHandles;
import io.fsctx.nt.KeThread;
import io.fsctx.nt.NtStatus;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * {@code IRP} together with its (single) {@code IO_STACK_LOCATION}: the major and minor function,
 * the file object, the per-major {@link IrpParameters}, the {@code IRP_*} flags, and the {@link
 * IoStatus} the request completed with. The model sends every request synchronously down one
 * device stack, so one stack location is enough: a filter device that wants to change the result
 * on the way up calls {@link #complete} again after its lower driver returned.
 *
 * <p>Ownership: the sender (the {@link IoManager}) owns the IRP; lower drivers use it only while
 * their dispatch routine runs.
 *
 * <p>Thread safety: confined to the thread that sends it; the completion status is volatile so
 * that a test may read it from elsewhere after the send returned, and its {@link #site()} is made
 * once for every thread that asks (a pended request may be finished on a worker thread).
 */
public final class Irp implements KeThread.Request {
  private @Nullable String id; // formatted on first use from number: requests are on every path
  private final long number;
  private final IrpMajorFunction majorFunction;
  private final int minorFunction;
  private final @Nullable FileObject fileObject;
  private final IrpParameters parameters;
  private final int flags;
  private volatile @Nullable IoStatus ioStatus;
  private volatile @Nullable Object output;
  private volatile @Nullable Site site;
  private static final VarHandle SITE =
      FieldHandles.of(MethodHandles.lookup(), Irp.class, "site", Site.class);

  /**
   * Builds a request; usually the {@link IoManager} does this.
   *
   * @param id a stable identity such as {@code Irp#12}
   * @param majorFunction the major function
   * @param minorFunction the minor function, 0 when it has none
   * @param fileObject the target file object; for {@code IRP_MJ_NETWORK_QUERY_OPEN} an unopened
   *     one that only carries the name
   * @param parameters the parameters of the major function
   * @param flags {@code IRP_*} bits ({@link IoConstants#IRP_PAGING_IO} …)
   */
  public Irp(
      String id,
      IrpMajorFunction majorFunction,
      int minorFunction,
      @Nullable FileObject fileObject,
      IrpParameters parameters,
      int flags) {
    this(0, majorFunction, minorFunction, fileObject, parameters, flags);
    this.id = id;
  }

  /** As the public constructor, with the identity {@code Irp#number} formatted only when asked. */
  Irp(
      long number,
      IrpMajorFunction majorFunction,
      int minorFunction,
      @Nullable FileObject fileObject,
      IrpParameters parameters,
      int flags) {
    this.number = number;
    this.majorFunction = majorFunction;
    this.minorFunction = minorFunction;
    this.fileObject = fileObject;
    this.parameters = parameters;
    this.flags = flags;
  }

  /** The identity for messages. */
  public String id() {
    String s = id;
    if (s == null) {
      s = "Irp#" + number;
      id = s;
    }
    return s;
  }

  /** {@code MajorFunction}. */
  public IrpMajorFunction majorFunction() {
    return majorFunction;
  }

  /** {@code MinorFunction}. */
  public int minorFunction() {
    return minorFunction;
  }

  /** {@code FileObject}, null only for requests without one. */
  public @Nullable FileObject fileObject() {
    return fileObject;
  }

  /** The per-major parameters. */
  public IrpParameters parameters() {
    return parameters;
  }

  /**
   * The parameters as a given record type.
   *
   * @param type the expected record class
   * @return the parameters
   * @throws IllegalStateException when the parameters are of another type
   */
  public <P extends IrpParameters> P parameters(Class<P> type) {
    if (!type.isInstance(parameters)) {
      throw new IllegalStateException(id() + " (" + majorFunction + ") carries " + parameters + ", not " + type.getSimpleName());
    }
    return type.cast(parameters);
  }

  /** {@code Flags}: {@code IRP_*} bits. */
  public int flags() {
    return flags;
  }

  /** Whether every bit of {@code mask} is set in {@link #flags()}. */
  public boolean hasFlags(int mask) {
    return (flags & mask) == mask;
  }

  /** Whether this is paging I/O ({@code IRP_PAGING_IO}). */
  public boolean isPagingIo() {
    return hasFlags(IoConstants.IRP_PAGING_IO);
  }

  /**
   * Completes (or re-completes) the request: {@code IoStatus} := (status, information).
   *
   * @param status the completion status
   * @param information the {@code Information} value
   * @return {@code status}, so a dispatch routine can {@code return irp.complete(...)}
   */
  public NtStatus complete(NtStatus status, long information) {
    ioStatus = new IoStatus(status, information);
    return status;
  }

  /**
   * Completes the request with data for the caller's buffer ({@code Irp->AssociatedIrp.SystemBuffer}
   * filled in): a {@link FileInformation} record for a query, an {@link FsInformation} record for a
   * volume query, a {@link FileObjectIdBuffer} for an object-ID control.
   *
   * @param status the completion status
   * @param information the bytes returned
   * @param output what was written into the caller's buffer
   * @return {@code status}
   */
  public NtStatus complete(NtStatus status, long information, Object output) {
    this.output = output;
    ioStatus = new IoStatus(status, information);
    return status;
  }

  /** What the request returned in the caller's buffer, or null (see {@link #complete(NtStatus, long, Object)}). */
  public @Nullable Object output() {
    return output;
  }

  /** {@code IoStatus}, or null while nobody has completed the request. */
  public @Nullable IoStatus ioStatus() {
    return ioStatus;
  }

  /**
   * What records of "where" keep of this request ({@link KeThread#currentSite()}): its identity,
   * major function and file object, made on the first call and the same object afterwards. A
   * pool block or an audit that kept the request itself kept its parameters and completion status
   * alive as long as the structure lived: 136 bytes per open file object (issue 14, round 8).
   *
   * <p>Thread safety: safe for concurrent use; a request pended to a worker thread may be served
   * by two threads, and both get the same site (set once with a compare-and-set), so records
   * made on either compare equal.
   *
   * @return the site; immutable
   */
  @Override
  public Site site() {
    Site s = site;
    if (s != null) {
      return s;
    }
    Site fresh = Site.of(id, number, majorFunction, fileObject);
    Object won = SITE.compareAndExchange(this, null, fresh);
    return won == null ? fresh : (Site) won;
  }

  @Override
  public String toString() {
    return describe(id(), majorFunction, fileObject);
  }

  private static String describe(String id, IrpMajorFunction majorFunction, @Nullable FileObject fo) {
    if (fo == null) {
      return id + "[" + majorFunction + "]";
    }
    String name = fo.fileName();
    return id + "[" + majorFunction + " " + fo + (name.isEmpty() ? "" : " " + name) + "]";
  }

  /**
   * The lasting stand-in of a request ({@link Irp#site()}): what a finding says of where something
   * happened. It prints as its request does, the file object's current name included.
   *
   * <p>Thread safety: immutable.
   */
  public static sealed class Site permits Site.Wide {
    /** Bits of {@link #packed} below the number: the major function's ordinal (fewer than 64). */
    private static final int MAJOR_BITS = 6;
    /** The largest request number a site keeps in {@link #packed}: 2^26 - 1. */
    private static final long MAX_PACKED_NUMBER = (1L << (Integer.SIZE - MAJOR_BITS)) - 1;

    private static final IrpMajorFunction[] MAJORS = IrpMajorFunction.values();

    /**
     * The request's number from bit 6 up and its major function's ordinal below, except in a
     * {@link Wide} site. One int for both keeps a site at 16 bytes rather than 24; every FCB
     * header's audit and every pool block keeps one, one per open of a new file (issue 14).
     */
    private final int packed;

    private final @Nullable FileObject fileObject;

    /**
     * A site whose request does not fit {@link #packed}: one with an identity of its own, or a
     * number beyond {@link #MAX_PACKED_NUMBER} (a very long run's).
     */
    static final class Wide extends Site {
      private final String id;
      private final IrpMajorFunction majorFunction;

      Wide(String id, IrpMajorFunction majorFunction, @Nullable FileObject fileObject) {
        super(0, fileObject);
        this.id = id;
        this.majorFunction = majorFunction;
      }
    }

    private Site(int packed, @Nullable FileObject fileObject) {
      this.packed = packed;
      this.fileObject = fileObject;
    }

    /** The site of a request: packed when it fits, else {@link Wide}. */
    @SuppressWarnings("EnumOrdinal") // decoded through MAJORS within the run, never persisted
    static Site of(@Nullable String id, long number, IrpMajorFunction majorFunction, @Nullable FileObject fileObject) {
      if (id == null && number >= 0 && number <= MAX_PACKED_NUMBER && majorFunction.ordinal() < (1 << MAJOR_BITS)) {
        return new Site((int) number << MAJOR_BITS | majorFunction.ordinal(), fileObject);
      }
      return new Wide(id != null ? id : "Irp#" + number, majorFunction, fileObject);
    }

    /** The request's identity, {@code Irp#12}; formatted on each call (messages only). */
    public final String id() {
      return this instanceof Wide w ? w.id : "Irp#" + (packed >>> MAJOR_BITS);
    }

    /** The request's major function. */
    public final IrpMajorFunction majorFunction() {
      return this instanceof Wide w ? w.majorFunction : MAJORS[packed & ((1 << MAJOR_BITS) - 1)];
    }

    /** The request's file object, or null. */
    public final @Nullable FileObject fileObject() {
      return fileObject;
    }

    /**
     * The volume a record of "where" points at: the volume of an IRP's file object, or the volume
     * mounted or dismounted; null for anything else.
     *
     * @param where a site ({@link KeThread#currentSite()}), a request, or null
     * @return the volume, or null
     */
    public static @Nullable Volume volumeOf(@Nullable Object where) {
      FileObject fo = where instanceof Site s ? s.fileObject : where instanceof Irp irp ? irp.fileObject : null;
      if (fo != null) {
        return fo.volume();
      }
      return where instanceof VolumeRequest r ? r.volume() : null;
    }

    @Override
    public final String toString() {
      return describe(id(), majorFunction(), fileObject);
    }
  }
}
