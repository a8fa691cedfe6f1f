package org.xenproject.eliloader.source.iso;

/**
 * Caps what one lookup or listing reads. Each directory and each continuation chain is
 * bounded on its own, but links that revisit a large directory many times, or a large
 * directory whose every record chains continuation areas, would multiply those bounds into
 * minutes of work; real lookups read a few directories of at most a few MiB.
 */
final class ReadBudget {
    static final long LOOKUP_BYTES = 64L << 20;

    private final IsoImage image;
    private final String purpose;
    private long remaining = LOOKUP_BYTES;

    ReadBudget(IsoImage image, String purpose) {
        this.image = image;
        this.purpose = purpose;
    }

    void charge(long bytes) {
        remaining -= bytes;
        if (remaining < 0) {
            throw image.invalid("is corrupt or crafted: " + purpose + " needs more than "
                    + (LOOKUP_BYTES >> 20) + " MiB of directory data (a link maze or continuation chains?)");
        }
    }
}
