package io.fsctx.io;

/**
 * A file system's answer to "what is this file object's name": the current normalized path of
 * its stream on the volume and the name it was opened by. Filter Manager builds {@code
 * FltGetFileNameInformation} from it (prefixing the volume name).
 *
 * <p>Thread safety: immutable.
 *
 * @param normalizedName the stream's current path on the volume with the case the names were
 *     created with: {@code \Dir\File.txt} for a default stream, {@code \Dir\File.txt:ads} for a
 *     named one, {@code \} for the root, empty for a volume open; it follows renames
 * @param openedName the name the file object was opened by ({@code FileObject->FileName}), as the
 *     caller spelt it; a rename does not change it
 */
public record FileNames(String normalizedName, String openedName) {}
