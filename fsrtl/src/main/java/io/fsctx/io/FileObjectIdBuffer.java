package io.fsctx.io;

import java.util.UUID;

/**
 * {@code FILE_OBJECTID_BUFFER}: what {@code FSCTL_GET_OBJECT_ID} and {@code
 * FSCTL_CREATE_OR_GET_OBJECT_ID} return, and {@code FSCTL_SET_OBJECT_ID} takes: the file's object
 * ID and, in the type-1 form, its birth volume ID, birth object ID and domain ID (MS-FSCC 2.1.3).
 *
 * <p>Thread safety: immutable.
 *
 * @param objectId the object ID, unique on the volume
 * @param birthVolumeId the volume's object ID when the ID was made
 * @param birthObjectId the file's first object ID
 * @param domainId reserved; zero
 */
public record FileObjectIdBuffer(UUID objectId, UUID birthVolumeId, UUID birthObjectId, UUID domainId) {
  /** {@code sizeof(FILE_OBJECTID_BUFFER)}. */
  public static final int SIZE = 64;

  /** The all-zero GUID (an empty ID). */
  public static final UUID EMPTY = new UUID(0, 0);
}
