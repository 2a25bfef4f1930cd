package com.example;

import java.util.ArrayList;
import java.util.List;

/** Its constructor allocates until the heap is exhausted. */
public final class OomFs extends io.fsctx.io.FileSystemDriver {
  public OomFs() {
    super("oom", io.fsctx.io.HeaderKind.ADVANCED, io.fsctx.io.ClosePolicy.DELAYED);
    List<long[]> hog = new ArrayList<>();
    while (true) {
      hog.add(new long[1 << 20]);
    }
  }
}
