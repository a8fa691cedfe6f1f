package org.xenproject.eliloader.initrd;

/** How a cpio overlay is applied to a vendor initrd. */
public enum OverlayMode {
    /**
     * Vendor initrd kept byte for byte, overlay appended as a gzip'd newc archive; the
     * kernel unpacks both and the overlay's files win. Fast: the vendor part is not decoded.
     */
    APPEND,
    /**
     * One archive rewritten in a single streaming pass: vendor entries the overlay does not
     * replace, plus the overlay's; recompressed with the vendor's compression. Slower, but
     * the result holds each name once.
     */
    MERGE
}
