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
    private final String action;
    private final String path;
    private long remaining = LOOKUP_BYTES;

    /** For messages: "looking up" or "listing", and the path; joined only on failure. */
    ReadBudget(IsoImage image, String action, String path) {
        this.image = image;
        this.action = action;
        this.path = path;
    }

    void charge(long bytes) {
        remaining -= bytes;
        if (remaining < 0) {
            throw image.invalid("is corrupt or crafted: " + action + " " + IsoImage.abbreviated(path)
                    + " needs more than " + (LOOKUP_BYTES >> 20)
                    + " MiB of directory data (a link maze or continuation chains?)");
        }
    }
}
