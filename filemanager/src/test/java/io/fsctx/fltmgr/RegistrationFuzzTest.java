package io.fsctx.fltmgr;

import io.fsctx.nt.PoolType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fsctx.nt.NtStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Malformed-input fuzzing of registration (fltmgr.md 2-3): random {@code FLT_REGISTRATION}s with
 * random {@code FLT_CONTEXT_REGISTRATION} arrays (unknown, combined and terminator types in any
 * position, out-of-range and variable sizes, zero tags, half-present allocate/free routines,
 * non-null Reserved1, duplicates) under random Windows versions and tag policies. Every one must
 * end in a documented status, never an exception; a successful filter must then allocate with
 * documented statuses only, release cleanly and unload with nothing left.
 *
 * <p>Replay with {@code -Dfsctx.fuzz.seed=<seed>}.
 */
class RegistrationFuzzTest {
  private static final int CASES = 3_000;

  private static final Set<NtStatus> REGISTER_STATUSES = Set.of(
      NtStatus.STATUS_SUCCESS,
      NtStatus.STATUS_INVALID_PARAMETER,
      NtStatus.STATUS_FLT_INVALID_CONTEXT_REGISTRATION,
      NtStatus.STATUS_FLT_INSTANCE_ALTITUDE_COLLISION,
      NtStatus.STATUS_INSUFFICIENT_RESOURCES);

  private static final Set<NtStatus> ALLOCATE_STATUSES = Set.of(
      NtStatus.STATUS_SUCCESS,
      NtStatus.STATUS_FLT_CONTEXT_ALLOCATION_NOT_FOUND,
      NtStatus.STATUS_INVALID_PARAMETER,
      NtStatus.STATUS_INVALID_BUFFER_SIZE,
      NtStatus.STATUS_FLT_MUST_BE_NONPAGED_POOL,
      NtStatus.STATUS_INSUFFICIENT_RESOURCES);

  private static final int[] TYPES = {
    0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x0, 0x3, 0x80, 0x7F, 0xFFFF, 0x8000, -1
  };

  private static final long[] SIZES = {
    0, 1, 8, 16, 17, 64, 0xFFFF, 0x10000, FltContextRegistration.FLT_VARIABLE_SIZED_CONTEXTS, -2, Long.MAX_VALUE, Long.MIN_VALUE
  };

  private static <T> T pick(Random rnd, List<T> values) {
    return values.get(rnd.nextInt(values.size()));
  }

  private static FltContextRegistration randomEntry(Random rnd) {
    int type = TYPES[rnd.nextInt(TYPES.length)];
    int flags = rnd.nextInt(4) == 0 ? rnd.nextInt(0x10000) : rnd.nextInt(2);
    ContextCleanupCallback cleanup = rnd.nextBoolean() ? null : (c, t) -> {};
    long size = SIZES[rnd.nextInt(SIZES.length)];
    int tag = rnd.nextInt(5) == 0 ? 0 : FltContextRegistration.tag("Fz" + (char) ('a' + rnd.nextInt(26)) + "x");
    boolean routines = rnd.nextInt(5) == 0;
    ContextAllocateCallback alloc =
        routines || rnd.nextInt(20) == 0 ? (pool, sz, t) -> rnd.nextInt(4) == 0 ? null : new Object() : null;
    ContextFreeCallback free = routines || rnd.nextInt(20) == 0 ? (block, t) -> {} : null;
    Object reserved = rnd.nextInt(25) == 0 ? new Object() : null;
    return new FltContextRegistration(type, flags, cleanup, size, tag, alloc, free, reserved, null);
  }

  private static @Nullable List<FltContextRegistration> randomArray(Random rnd) {
    int shape = rnd.nextInt(10);
    if (shape == 0) {
      return null;
    }
    List<FltContextRegistration> list = new ArrayList<>();
    int n = rnd.nextInt(8);
    for (int i = 0; i < n; i++) {
      FltContextRegistration e = !list.isEmpty() && rnd.nextInt(6) == 0 ? pick(rnd, list) : randomEntry(rnd);
      list.add(e);
    }
    if (rnd.nextInt(6) != 0) {
      list.add(rnd.nextInt(list.size() + 1), FltContextRegistration.END); // usually last, sometimes inside
    }
    return list;
  }

  private static FltRegistration randomRegistration(Random rnd) {
    int[] versions = {0x0200, 0x0201, 0x0202, 0x0203, 0x02FF, 0x0100, 0x0300, 0, 0xFFFF};
    return FltRegistration.builder()
        .size(rnd.nextInt(3) == 0 ? rnd.nextInt(0x10000) : FltRegistration.SIZEOF_FLT_REGISTRATION)
        .version(versions[rnd.nextInt(versions.length)])
        .flags(rnd.nextInt(4))
        .contextRegistration(randomArray(rnd))
        .generateFileNameCallback(rnd.nextInt(4) == 0)
        .normalizeNameComponentCallback(rnd.nextInt(4) == 0)
        .normalizeContextCleanupCallback(rnd.nextInt(4) == 0)
        .normalizeNameComponentExCallback(rnd.nextInt(6) == 0)
        .transactionNotificationCallback(rnd.nextInt(4) == 0 ? (objects, ctx, notification) -> NtStatus.STATUS_SUCCESS : null)
        .instanceQueryTeardownCallback(rnd.nextBoolean() ? (objects, fl) -> NtStatus.STATUS_SUCCESS : null)
        .build();
  }

  static void runCase(long seed) {
    Random rnd = new Random(seed);
    WindowsVersion[] versions = WindowsVersion.values();
    FltConfig.PoolTagPolicy[] policies = FltConfig.PoolTagPolicy.values();
    FilterManager mgr = new FilterManager(FltConfig.builder()
        .windowsVersion(versions[rnd.nextInt(versions.length)])
        .poolTagPolicy(policies[rnd.nextInt(policies.length)])
        .unloadWaitTimeout(Duration.ZERO)
        .build());
    FltRegistration reg = randomRegistration(rnd);
    DriverObject driver = DriverObject.of("Fuzz", rnd.nextBoolean() ? "370000" : null);
    FilterManager.RegisterResult r = mgr.registerFilter(driver, reg);
    assertTrue(REGISTER_STATUSES.contains(r.status()), () -> "FltRegisterFilter returned " + r.status());
    assertEquals(r.status().isSuccess(), r.filter() != null, "a filter exactly on success");
    FltFilter f = r.filter();
    if (f == null) {
      return;
    }
    // The same driver again while the first is alive: a collision, not an exception.
    assertEquals(NtStatus.STATUS_FLT_INSTANCE_ALTITUDE_COLLISION, mgr.registerFilter(driver, reg).status());
    mgr.mountBareVolume("\\Device\\HarddiskVolume1", "NTFS", rnd.nextBoolean());
    f.startFiltering();
    List<FltContext> allocated = new ArrayList<>();
    PoolType[] pools = PoolType.values();
    for (int k = 0; k < 8; k++) {
      int type = TYPES[rnd.nextInt(TYPES.length)];
      long size = SIZES[rnd.nextInt(SIZES.length)];
      FltFilter.AllocateResult a = f.allocateContext(type, size, pools[rnd.nextInt(pools.length)]);
      assertTrue(ALLOCATE_STATUSES.contains(a.status()),
          () -> "FltAllocateContext(0x" + Integer.toHexString(type) + ", " + size + ") returned " + a.status());
      assertEquals(a.status().isSuccess(), a.context() != null, "a context exactly on success");
      if (a.context() != null) {
        allocated.add(a.context());
      }
    }
    for (FltContext c : allocated) {
      Flt.releaseContext(c);
    }
    UnloadReport report = f.unregister();
    assertTrue(report.clean(), report::format);
  }

  @Test
  @DisplayName("fltmgr.md 2-3: malformed registrations end in documented statuses, never in an exception")
  void randomRegistrations_endInDocumentedStatuses() {
    String replay = System.getProperty("fsctx.fuzz.seed");
    long base = replay != null ? Long.parseLong(replay) : new Random().nextLong();
    int cases = replay != null ? 1 : CASES;
    int successes = 0;
    for (int i = 0; i < cases; i++) {
      long seed = base + i;
      try {
        runCase(seed);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("registration fuzz case failed with seed " + seed + " (replay: -Dfsctx.fuzz.seed=" + seed + ")", e);
      }
      successes++;
    }
    System.out.println("RegistrationFuzzTest: " + successes + " cases (base seed " + base + ")");
  }
}
