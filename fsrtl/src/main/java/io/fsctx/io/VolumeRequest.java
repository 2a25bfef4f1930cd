package io.fsctx.io;

/**
 * A piece of work on a whole volume that is not an IRP of the model (mounting it, dismounting
 * it), as the current request of the thread doing it ({@link io.fsctx.nt.KeThread#currentRequest()}):
 * structures allocated or freed meanwhile are attributed to the volume.
 *
 * <p>Thread safety: immutable.
 *
 * @param what {@code mount} or {@code dismount}
 * @param volume the volume
 */
public record VolumeRequest(String what, Volume volume) {
  @Override
  public String toString() {
    return what + " of " + volume;
  }
}
