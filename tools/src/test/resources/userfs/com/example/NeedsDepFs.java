package com.example;

/** Needs DepBase, which the test removes from the class path. */
public final class NeedsDepFs extends DepBase {
  public NeedsDepFs() {}
}
