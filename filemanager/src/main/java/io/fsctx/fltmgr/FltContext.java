package io.fsctx.fltmgr;

import io.fsctx.nt.FieldHandles;
import io.fsctx.nt.PoolType;
import io.fsctx.nt.BugCheckException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * A Filter Manager context ({@code PFLT_CONTEXT}): Filter Manager's header (type, definition,
 * reference count, state) followed by the filter's part.
 *
 * <h2>The filter's part</h2>
 * In C, {@code FltAllocateContext} returns a pointer to the filter's own structure, and Filter
 * Manager keeps its header in front of it. The model offers that layout: a filter's class may
 * extend this one, with a constructor that takes the {@link Allocation} its registration's {@link
 * Factory} is handed ({@link FltContextRegistration#embedded}); the context then <em>is</em> the
 * filter's structure, and {@link #payload()} returns the context itself. A registration with a
 * plain payload factory (or none: a {@code byte[]} of the requested size) gets a context that
 * holds its payload as a separate object instead. Both answer {@link #payload(Class)} the same
 * way, so code written against one works with the other. The embedded form costs one object less
 * per context: about 16 bytes for each of CTX's three contexts per open of a new file (issue 14).
 *
 * <p>Filter Manager's part cannot be changed by a subclass: every public method is final, and a
 * context's equality is its identity, as a pointer's is.
 *
 * <h2>Lifecycle</h2>
 * {@code ALLOCATED} (refs 1, from {@code FltAllocateContext}) → {@code ATTACHED} (a set added the
 * link reference, owned by the object) → {@code DELETED} (detached by a delete, a replace or the
 * object's death; the link reference is gone but callers may still hold theirs) → {@code FREED}
 * (the count reached zero: the cleanup callback ran once, then the memory went back). A context is
 * attached at most once in its life; there is no resurrection from zero.
 *
 * <h2>Bug checks</h2>
 * Releasing an attached context to zero raises 0xF5/0x6D and leaves the count alone; any
 * reference, release or set on a freed context raises 0xF5/0x6E, carrying (at verifier level
 * {@link VerifierLevel#FULL}) the stack of the release that freed it. While an over-release is
 * being detected the count is briefly zero, so a lookup racing it may miss the context; the
 * over-release then bug-checks anyway.
 *
 * <p>Thread safety: safe for concurrent use. The count and the state are atomic; the cleanup
 * callback runs in the thread that dropped the last reference, with no framework lock held.
 */
public class FltContext {
  private static final VarHandle RAW =
      FieldHandles.of(MethodHandles.lookup(), FltContext.class, "raw", int.class);

  /** Where a context is in its life. */
  public enum State {
    /** Allocated, never attached. */
    ALLOCATED,
    /** Attached to its object, which holds the link reference. */
    ATTACHED,
    /** Detached; only callers' references keep it alive. */
    DELETED,
    /** Freed; any use is a bug check. */
    FREED
  }

  /** The numbers {@link #numberAndState} keeps: 28 bits. */
  private static final long NUMBER_MASK = (1L << 28) - 1;
  private static final State[] STATES = State.values();

  /**
   * The state stored as its ordinal in the low bits of {@link #numberAndState}, decoded through
   * {@link #STATES}: the values are never persisted, so the ordinals only have to agree within
   * one run.
   */
  @SuppressWarnings("EnumOrdinal")
  private static byte ordinal(Enum<?> e) {
    return (byte) e.ordinal();
  }

  // The fields are laid out for the footprint target (28 bytes of header and fields with compact
  // object headers, before the filter's own fields or the boxed payload): the id is a number
  // formatted on demand, kept with the state in one int; the definition, size and pool are a
  // shape shared by contexts allocated alike; what only some contexts need is in ContextExtras.
  private final ContextShape shape;
  /**
   * Twice the reference count while alive; odd, and sticky, once freed (Netty's {@code
   * ReferenceCountUpdater} encoding). Increments and decrements are single {@code getAndAdd}s; 0
   * or less means a release is taking the count to zero, so an increment that finds an odd value
   * or one at most 0 backs out: nothing is ever resurrected from zero.
   */
  private volatile int raw = 2;
  /**
   * The n of {@code Ctx#n} from bit 4 up, and below it {@link #HAS_EXTRAS}, {@link
   * #LINK_DROP_PENDING} from the detach until the link reference is gone, and the {@link State}'s
   * ordinal (bits 0 and 1). The state
   * changes only under this context's monitor, or once nothing else can reach the context (the
   * free), so a plain write of the whole int keeps the number. Numbers therefore wrap after
   * 2^28 allocations, which only makes two ids of a very long run print alike; a byte of state
   * of its own made every context four bytes longer, and CTX's stream and file contexts eight
   * (issue 14).
   */
  private volatile int numberAndState;

  /** The state bits of {@link #numberAndState}. */
  private static final int STATE_BITS = 0x7;
  /**
   * In {@link #numberAndState}: the context has verifier extras ({@link ContextExtras}), as its shape
   * says; kept here too because every reference and release tests it, and this int is in the
   * cache line the count's atomic add just wrote.
   */
  private static final int HAS_EXTRAS = 0x8;
  /** Where the number starts in {@link #numberAndState}. */
  private static final int NUMBER_SHIFT = 4;

  /**
   * In {@link #numberAndState}: detached, and the count still includes the link reference, which
   * the detaching thread drops once it has left the store's monitor. Set and cleared under this
   * context's monitor, so the verifier can tell the filter's own references from a link being
   * dropped (issue 18).
   */
  private static final int LINK_DROP_PENDING = 0x4;
  private volatile @Nullable FltInstance attachedInstance;
  /**
   * Where it is attached, for FltDeleteContext: the {@link ContextStore} itself for a stream
   * context and a table's inline entry, a {@link ContextTable.Home} for a table's map entry;
   * once detached, the object it was attached to ({@link #leaveHome}); null before it is ever
   * attached. Set by {@link #tryAttach}, then written under the store's monitor.
   *
   * <p>The object it is attached to is found through here rather than kept in a field of its
   * own: that field made every context eight bytes bigger, three contexts per file under CTX
   * (issue 14).
   */
  volatile @Nullable Object home;
  /**
   * What {@code FltAllocateContext} hands a registration's {@link Factory}: Filter Manager's part
   * of the context being allocated, which the filter's constructor passes to {@link
   * #FltContext(Allocation)}. It builds exactly one context, and only the factory it was handed
   * to sees it.
   *
   * <p>Thread safety: confined to the allocating thread.
   */
  public static final class Allocation {
    final long idNumber;
    final ContextDefinition definition;
    final long size;
    final PoolType poolType;
    final @Nullable Object block;
    final @Nullable Throwable allocationSite;
    final boolean tracking;
    /** The context built from it, once built. */
    @Nullable FltContext built;

    Allocation(
        long idNumber,
        ContextDefinition definition,
        long size,
        PoolType poolType,
        @Nullable Object block,
        @Nullable Throwable allocationSite,
        boolean tracking) {
      this.idNumber = idNumber;
      this.definition = definition;
      this.size = size;
      this.poolType = poolType;
      this.block = block;
      this.allocationSite = allocationSite;
      this.tracking = tracking;
    }

    /** The requested size of the filter's portion, as {@code FltAllocateContext} got it. */
    public final long size() {
      return size;
    }

    /** The context type being allocated. */
    public final FltContextType type() {
      return definition.type();
    }

    @Override
    public String toString() {
      return "allocation of Ctx#" + (idNumber & NUMBER_MASK) + " (" + type() + ")";
    }
  }

  /**
   * Builds a filter's context of its own class from an {@link Allocation}: the constructor of a
   * class that extends {@link FltContext}, such as {@code CtxStreamContext::new}. Registered with
   * {@link FltContextRegistration#embedded}.
   */
  @FunctionalInterface
  public interface Factory {
    /**
     * Builds the context.
     *
     * @param allocation Filter Manager's part, to pass to {@link FltContext#FltContext(Allocation)}
     * @return the new context, built from {@code allocation}
     */
    FltContext create(Allocation allocation);
  }

  /**
   * A {@link Factory} in the registration's payload-factory slot ({@link
   * FltContextRegistration#embedded}), which {@code FltAllocateContext} recognises; it is never
   * applied to a size.
   */
  record EmbeddedFactory(Factory factory) implements IntFunction<Object> {
    @Override
    public Object apply(int size) {
      throw new UnsupportedOperationException("a context factory builds from an Allocation, not a size");
    }
  }

  /**
   * A context whose filter part is a separate object: the payload of a plain payload factory, or
   * the {@code byte[]} of a registration without one.
   */
  static final class Boxed extends FltContext {
    private final Object payload;

    Boxed(Allocation allocation, Object payload) {
      super(allocation);
      this.payload = payload;
    }
  }

  /**
   * Filter Manager's part of a context, for a filter's class that extends this one ({@code
   * FltAllocateContext} with an {@link FltContextRegistration#embedded} registration). The new
   * context holds the one reference {@code FltAllocateContext} gives its caller.
   *
   * @param allocation what the registration's {@link Factory} was handed
   * @throws IllegalStateException when {@code allocation} already built a context
   */
  protected FltContext(Allocation allocation) {
    if (allocation.built != null) {
      throw new IllegalStateException(allocation + " already built " + allocation.built.id());
    }
    allocation.built = this;
    // The size is at most MAX_CONTEXT_SIZE (0xFFFF).
    this.shape = allocation.definition.shape(allocation.size, allocation.poolType);
    this.numberAndState = (int) (allocation.idNumber & NUMBER_MASK) << NUMBER_SHIFT
        | (shape.extras() ? HAS_EXTRAS : 0) | ordinal(State.ALLOCATED);
    if (shape.extras()) {
      ContextExtras.attach(this, allocation);
    }
  }

  /** The stable identity, such as {@code Ctx#37}; formatted on each call from a stored number. */
  public final String id() {
    return "Ctx#" + idNumber();
  }

  /** The filter that allocated it. */
  public final FltFilter filter() {
    return shape.definition().filter();
  }

  private FilterManager manager() {
    return shape.manager();
  }

  /** The number its id is formatted from; the verifier's live list is striped by it. */
  int idNumber() {
    return numberAndState >>> NUMBER_SHIFT;
  }

  /** The state's ordinal with {@link #LINK_DROP_PENDING}. */
  private int stateBits() {
    return numberAndState & STATE_BITS;
  }

  /**
   * Replaces the state bits, keeping the number. Called under this context's monitor, or by the
   * free, when no other thread can change the state: writers never race.
   */
  private void setStateBits(int bits) {
    numberAndState = (numberAndState & ~STATE_BITS) | bits;
  }

  /** Its type. */
  public final FltContextType type() {
    return shape.definition().type();
  }

  /** The requested size of the filter's portion. */
  public final long size() {
    return shape.size();
  }

  /** The pool it came from. */
  public final PoolType poolType() {
    return shape.pool();
  }

  /**
   * The pool tag of its definition: the registered tag, or under {@link
   * FltConfig.PoolTagPolicy#HEADER_DEFAULT_TAG} the per-type default that replaced a zero tag.
   */
  public final int poolTag() {
    return shape.definition().poolTag();
  }

  /**
   * The filter's part: the context itself when the filter's class extends this one, else the
   * payload object the registration's factory created (or the {@code byte[]}).
   */
  public final Object payload() {
    return this instanceof Boxed b ? b.payload : this;
  }

  /**
   * The payload as the filter's class.
   *
   * @param type the payload class
   * @throws ClassCastException when the payload is of another class
   */
  public final <P> P payload(Class<P> type) {
    return type.cast(payload());
  }

  /** The current reference count (a snapshot). */
  public final int referenceCount() {
    int r = raw;
    return (r & 1) != 0 || r <= 0 ? 0 : r >>> 1;
  }

  /** The current state (a snapshot). */
  public final State state() {
    return STATES[numberAndState & STATE_BITS & ~LINK_DROP_PENDING];
  }

  /**
   * The object it is attached to, or, once detached, was attached to: an instance, volume,
   * stream, file object or transaction; null before it is first attached.
   */
  public final @Nullable Object attachedTo() {
    return ownerOf(home);
  }

  /**
   * The object a {@link #home} stands for: a stream's block is its own owner, a table's inline
   * entry has the table's owner, a map entry its {@link ContextTable.Home}'s table's, and a
   * detached context's home is the object itself. Class tests only (no interface test): every
   * get of a context checks its owner through here.
   */
  private static @Nullable Object ownerOf(@Nullable Object h) {
    if (h instanceof ContextTable<?> t) {
      return t.owner();
    }
    return h instanceof ContextTable.Home t ? t.table().owner() : h;
  }

  /**
   * Called under the store's monitor as the context leaves its store: {@link #home} keeps only
   * the object it was attached to, which {@link #attachedTo()} reports from then on.
   */
  void leaveHome() {
    home = ownerOf(home);
  }

  /** The instance it was set through (null for volume contexts and unattached ones). */
  public final @Nullable FltInstance attachedInstance() {
    return attachedInstance;
  }

  /** Where it was allocated, when the verifier tracks sites. */
  public final @Nullable Throwable allocationSite() {
    ContextExtras e = extras();
    return e == null ? null : e.allocationSite;
  }

  /** Where it was last referenced or released, when the verifier tracks sites. */
  public final @Nullable Throwable lastAccessSite() {
    ContextExtras e = extras();
    return e == null ? null : e.lastAccessSite;
  }

  /**
   * The references callers still hold, oldest first, each with the routine, callback, thread and
   * site that took it: the allocation's own reference, gets, {@code FltReferenceContext}, and
   * contexts handed back through {@code OldContext}, less one per release (the pairing policy is
   * {@link ReferenceLedger}'s: the releasing thread's newest first, else the oldest). The link
   * reference an attached context's object holds is not a caller's and is not listed. Recorded at
   * {@link VerifierLevel#TRACKING} and above (with stacks at FULL); empty below.
   *
   * @return a snapshot; safe to call from any thread
   */
  public final List<HeldReference> outstandingReferences() {
    ContextExtras e = extras();
    ReferenceLedger l = e == null ? null : e.ledger;
    return l == null
        ? List.of()
        : l.outstanding(null, manager().verifier().level().atLeast(VerifierLevel.FULL));
  }

  /**
   * The verifier's hook for a reference a caller now owns; without extras (below TRACKING, and no
   * legacy block) there is nothing to record, so the hot path pays one test of its definition.
   */
  private void onTaken(String routine, String how) {
    if ((numberAndState & HAS_EXTRAS) != 0) {
      manager().verifier().onTaken(this, routine, how);
    }
  }

  /** The verifier's hook for a caller's release (see {@link #onTaken}). */
  private void onReleased() {
    if ((numberAndState & HAS_EXTRAS) != 0) {
      manager().verifier().onReleased(this);
    }
  }

  /**
   * Records that the link reference of a context a set or delete routine detached is now the
   * caller's, handed over through {@code OldContext}.
   *
   * @param how how it was handed over, appended to the routine in the ledger ({@code " OldContext"})
   */
  void handedOver(String routine, String how) {
    onTaken(routine, how);
  }

  /** Its extras, or null when its definition gives its contexts none. */
  @Nullable ContextExtras extras() {
    return (numberAndState & HAS_EXTRAS) != 0 ? ContextExtras.of(this) : null;
  }

  @Nullable Object block() {
    ContextExtras e = extras();
    return e == null ? null : e.block;
  }

  private @Nullable Throwable freeingRelease() {
    ContextExtras e = extras();
    return e == null ? null : e.freeingRelease;
  }

  /** The store it is attached to, or null. */
  @Nullable ContextStore<?> store() {
    Object h = home;
    if (h instanceof ContextTable.Home t) {
      return t.table();
    }
    return h instanceof ContextStore<?> s ? s : null;
  }

  /** What it shares with the contexts allocated alike (definition, size, pool). */
  ContextShape shape() {
    return shape;
  }

  ContextDefinition definition() {
    return shape.definition();
  }

  // ---- Reference counting (package-private; the public faces are Flt and ContextLease) -------

  /** {@code FltReferenceContext}: +1, owned by the caller. */
  int reference(String routine) {
    return reference(routine, "");
  }

  /**
   * +1 for the caller, recorded in the verifier's ledger as taken by {@code routine} followed by
   * {@code how} (a set that returns the existing context through {@code OldContext} says so).
   */
  int reference(String routine, String how) {
    int old = (int) RAW.getAndAdd(this, 2);
    if ((old & 1) != 0 || old <= 0) {
      RAW.getAndAdd(this, -2); // freed or being freed: backing out frees nothing
      throw useAfterFree(routine);
    }
    onTaken(routine, how);
    return (old >>> 1) + 1;
  }

  /**
   * Takes a reference for a lookup that found this context attached: fails (returns false) rather
   * than resurrect a context whose count already reached zero, and backs out when the context was
   * detached meanwhile, so a deleted context is never handed out.
   */
  boolean tryReferenceAttached(Object expectedObject, String routine) {
    int old = (int) RAW.getAndAdd(this, 2);
    if ((old & 1) != 0 || old <= 0) {
      RAW.getAndAdd(this, -2); // freed or being freed: backing out frees nothing
      return false;
    }
    if (state() == State.ATTACHED && ownerOf(home) == expectedObject) {
      onTaken(routine, ""); // the caller's reference: leak reports name this get (TRACKING and above)
      return true;
    }
    release("FltGet*Context(raced with delete)", false);
    return false;
  }

  /** {@code FltReleaseContext}: -1; frees at zero. */
  int release(String routine) {
    return release(routine, true);
  }

  /**
   * @param callers whether a caller's reference is given back (published, and retired from the
   *     verifier's ledger); false for a lookup backing out the reference it never handed over
   */
  private int release(String routine, boolean callers) {
    // One LOCK XADD, like the lookups, so two threads releasing the same context never retry.
    int old = (int) RAW.getAndAdd(this, -2);
    if (old > 2 && (old & 1) == 0) {
      int after = (old >>> 1) - 1;
      if (callers) {
        onReleased();
        manager().events().publish(ContextEvent.Kind.RELEASE, routine, this, after, null);
      }
      return after;
    }
    if (old != 2) {
      // Freed (odd), or another thread's release is taking it to zero (0 or less): undo and
      // raise 0x6E. The odd bit, or that thread's zero, keeps anyone from seeing it alive.
      RAW.getAndAdd(this, 2);
      throw useAfterFree(routine);
    }
    // The count went from 1 to 0 (raw 0, which lookups and references treat as dead). Decide
    // between 0x6D and the free under the monitor tryAttach and markDetached hold, so a set
    // attaching this context cannot slip between the decrement and the state test.
    synchronized (this) {
      if (state() == State.ATTACHED) {
        RAW.getAndAdd(this, 2); // the count stays 1, owned by the object
        throw overRelease(routine);
      }
      // Lookups that raced the decrement back out their increments; wait for them, then mark
      // the context freed (odd) for good.
      while (!RAW.compareAndSet(this, 0, 1)) {
        Thread.onSpinWait();
      }
    }
    if (callers) {
      onReleased();
    }
    manager().freeContext(this, routine);
    return 0;
  }

  private BugCheckException overRelease(String routine) {
    String msg = routine + " released context " + describe() + " one time too many: the only reference left is the one "
        + attachedTo() + " holds while the context is still attached to it, so this release would have freed an attached"
        + " context (released too many times: a release without a matching get, reference or allocate). The release was"
        + " refused and the count stays 1";
    manager().verifier().report(VerifierFinding.Kind.CONTEXT_RELEASED_TOO_MANY_TIMES, this, msg);
    return new BugCheckException(BugCheckException.FLTMGR_FILE_SYSTEM, 0x6D, msg, allocationSite());
  }

  /**
   * A reference Filter Manager holds for itself (an enlistment's on its transaction context): +1
   * with no entry in the verifier's ledger, given back with {@link #dropInternal}.
   */
  void referenceInternal(String routine) {
    int old = (int) RAW.getAndAdd(this, 2);
    if ((old & 1) != 0 || old <= 0) {
      RAW.getAndAdd(this, -2); // freed or being freed: backing out frees nothing
      throw useAfterFree(routine);
    }
  }

  /**
   * Gives back a reference taken with {@link #referenceInternal}; frees the context when it was
   * the last one. Unlike {@link #dropLink} it leaves {@link #LINK_DROP_PENDING} alone: the link
   * is not this reference.
   *
   * @return the references left
   */
  int dropInternal(String routine) {
    int r;
    synchronized (this) {
      while (true) {
        r = raw;
        if ((r & 1) != 0 || r <= 0) {
          throw useAfterFree(routine);
        }
        if (RAW.compareAndSet(this, r, r == 2 ? 1 : r - 2)) {
          break;
        }
      }
    }
    if (r == 2) {
      manager().freeContext(this, routine);
      return 0;
    }
    return (r >>> 1) - 1;
  }

  /**
   * Drops the link reference after a detach; never bug-checks 0x6D, since the state is DELETED.
   * The decrement and the end of {@link #LINK_DROP_PENDING} are one step under the monitor; the
   * free, when this was the last reference, runs after it.
   */
  int dropLink(String routine) {
    int r;
    synchronized (this) {
      while (true) {
        r = raw;
        if ((r & 1) != 0 || r <= 0) {
          throw useAfterFree(routine);
        }
        if (RAW.compareAndSet(this, r, r == 2 ? 1 : r - 2)) {
          setStateBits(stateBits() & ~LINK_DROP_PENDING);
          break;
        }
      }
    }
    if (r == 2) {
      manager().freeContext(this, routine);
      return 0;
    }
    return (r >>> 1) - 1;
  }

  /**
   * The references held by others than its object: the count, less the link reference while the
   * context is attached or its detach has not dropped the link yet. Read under the monitor, so a
   * detach racing the reader is seen either before it or after the link is gone (issue 18: the
   * verifier's leak check at instance teardown).
   */
  int referencesBeyondLink() {
    synchronized (this) {
      int refs = referenceCount();
      int s = stateBits();
      boolean link = s == ordinal(State.ATTACHED) || (s & LINK_DROP_PENDING) != 0;
      return link ? refs - 1 : refs;
    }
  }

  /**
   * ALLOCATED → ATTACHED plus the link reference, with {@code home} as its {@link #home}; false
   * if it was ever attached before.
   */
  boolean tryAttach(Object home, @Nullable FltInstance instance) {
    synchronized (this) {
      // A compare-and-set from a live count, not an add: a release that took the count to zero
      // meanwhile is freeing the context (it waits for this monitor), so the set must fail 0x6E
      // rather than attach it and make that release see ATTACHED.
      while (true) {
        int r = raw;
        if (state() == State.FREED || (r & 1) != 0 || r <= 0) {
          throw useAfterFree("FltSet" + typeName() + "Context");
        }
        if (state() != State.ALLOCATED) {
          return false;
        }
        if (RAW.compareAndSet(this, r, r + 2)) {
          break;
        }
      }
      this.home = home;
      attachedInstance = instance;
      setStateBits(ordinal(State.ATTACHED));
      manager().verifier().onAttached(this); // under the store's monitor, as the walk reads it
      return true;
    }
  }

  /**
   * ATTACHED → DELETED; true if this call detached it. The caller then owns the link reference
   * and must drop it with {@link #dropLink} once it has left the store's monitor.
   */
  boolean markDetached() {
    return markDetached(false);
  }

  /**
   * ATTACHED → DELETED; true if this call detached it. With {@code handedToCaller} the link
   * reference becomes the reference of the routine's caller (OldContext) and is not dropped.
   */
  boolean markDetached(boolean handedToCaller) {
    synchronized (this) {
      if (state() != State.ATTACHED) {
        return false;
      }
      setStateBits(handedToCaller ? ordinal(State.DELETED) : ordinal(State.DELETED) | LINK_DROP_PENDING);
      manager().verifier().onDetached(this); // under the store's monitor, as the walk reads it
      return true;
    }
  }

  /**
   * Verifier: {@code FltDeleteContext} by a caller holding no reference of its own, which is the
   * case when the context is attached and its count is 1, the object's link alone. Read as state,
   * count, state again (issue 18.5): a detach racing the delete marks the context DELETED before
   * it drops the link reference, and states only move forward, so a context still ATTACHED after
   * the count was read had its link reference in that count. A count read after the detach
   * dropped the link (1: the caller's own reference) is then seen with the state DELETED and is
   * not mistaken for a delete without a reference.
   */
  void checkDeleterHoldsReference(String routine) {
    if (state() != State.ATTACHED) {
      return;
    }
    FilterManager mgr = manager();
    mgr.reach(RacePoint.DELETE_CONTEXT_STATE_READ);
    if (referenceCount() <= 1 && state() == State.ATTACHED) {
      mgr.verifier().report(
          VerifierFinding.Kind.DELETE_WITHOUT_REFERENCE,
          this,
          routine + " on " + describe()
              + " without holding a reference: only the object's link reference is left, so the context is freed under the caller");
    }
  }

  void markFreed() {
    setStateBits(ordinal(State.FREED));
  }

  void checkNotFreed(String routine) {
    if (state() == State.FREED) {
      throw useAfterFree(routine);
    }
  }

  private BugCheckException useAfterFree(String routine) {
    String msg = "context " + describe() + " used by " + routine + " after it was freed";
    manager().verifier().report(VerifierFinding.Kind.CONTEXT_USED_AFTER_FREE, this, msg);
    return new BugCheckException(BugCheckException.FLTMGR_FILE_SYSTEM, 0x6E, msg, freeingRelease());
  }

  String typeName() {
    return switch (type()) {
      case VOLUME -> "Volume";
      case INSTANCE -> "Instance";
      case FILE -> "File";
      case STREAM -> "Stream";
      case STREAMHANDLE -> "StreamHandle";
      case TRANSACTION -> "Transaction";
      case SECTION -> "Section";
    };
  }

  /** Identity, type, tag, payload class and count, as the verifier reports a context. */
  public final String describe() {
    return id() + " " + type() + " tag '" + FltContextRegistration.tagToString(poolTag()) + "' "
        + payload().getClass().getSimpleName() + " refs=" + referenceCount() + " filter=" + filter().name();
  }

  @Override
  public final String toString() {
    return id();
  }

  /** Identity, as a pointer's: a filter's class cannot redefine it. */
  @Override
  public final boolean equals(@Nullable Object o) {
    return this == o;
  }

  @Override
  public final int hashCode() {
    return System.identityHashCode(this);
  }
}
