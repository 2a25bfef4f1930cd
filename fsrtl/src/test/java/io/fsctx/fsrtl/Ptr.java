package io.fsctx.fsrtl;

/**
 * A readable stand-in for an OwnerId or InstanceId pointer. Records compare equal by value, but
 * FsRtl compares ids by identity, so two {@code new Ptr("x")} are different ids, as two
 * allocations would be.
 */
record Ptr(String name) {
  @Override
  public String toString() {
    return name;
  }
}
