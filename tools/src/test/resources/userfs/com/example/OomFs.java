package com.example;

import java.util.ArrayList;
import java.util.List;

/** Its constructor allocates until the heap is exhausted. */
public final class OomFs extends io.fsctx.modelfs.FatLikeFileSystem {
  public OomFs() {
    super("oom", io.fsctx.modelfs.toolkit.ClosePolicy.DELAYED);
    List<long[]> hog = new ArrayList<>();
    while (true) {
      hog.add(new long[1 << 20]);
    }
  }
}
