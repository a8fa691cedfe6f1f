package org.xenproject.eliloader.round;

import java.nio.file.Path;

/** A file copied from the tree into the output directory, with what was learnt while copying. */
public record FetchedFile(Path path, long size, String md5Hex) {
}
