package org.xenproject.eliloader.initrd.compression;

import org.xenproject.eliloader.error.BootloaderException;

/**
 * Counts decompressed bytes examined during one fix-up and refuses to go past the limit,
 * so that a decompression bomb stops after {@code limit} bytes instead of filling memory
 * or disk.
 */
public final class Budget {
    private final long limit;
    private long used;

    public Budget(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        this.limit = limit;
    }

    public void charge(long bytes) {
        used += bytes;
        if (used > limit) {
            throw BootloaderException.limits("the initrd and overlay decompress to more than "
                    + limit + " bytes (the decompressed-size limit)");
        }
    }

    long used() {
        return used;
    }

    long remaining() {
        return limit - used;
    }
}
