/**
 * Initrds as the kernel's {@code unpack_to_rootfs()} reads them: newc cpio archives, plain or
 * compressed, one after the other; and the two ways of adding an overlay (a newc archive of
 * the files to add or replace) to one without unpacking it.
 *
 * <pre>{@code
 * Budget budget = new Budget(decompressedLimit);
 * Overlay overlay = Overlay.load(overlayFile, budget);   // names checked, held in memory
 * // append: the vendor bytes untouched, the overlay after them as a gzip'd archive
 * CpioAppend.append(vendorInitrd, overlay, out);
 * // merge: one archive rewritten, overlay entries replacing the vendor's, same compression
 * try (SeekableFileInput vendor = new SeekableFileInput(vendorInitrd)) {
 *     InitrdReader.Layout layout = InitrdReader.probe(vendor, ErrorCode.INVALID_SOURCE, "vendor initrd");
 *     CpioMerge.merge(vendor, "initrd.gz", layout, overlay, layout.main(), budget, out);
 * }
 * }</pre>
 *
 * <h2>Initrds understood</h2>
 * Whatever the kernel accepts, found the same way (magic numbers, zero padding skipped,
 * uncompressed archives on 4-byte boundaries): newc archives ("070701", "070702") plain or
 * in any compression of {@link org.xenproject.eliloader.initrd.compression}, any number of
 * members one after the other, an uncompressed early-microcode archive in front.
 * {@link org.xenproject.eliloader.initrd.cpio.InitrdReader} walks them entry by entry;
 * the newc reader and writer underneath stay inside this package.
 *
 * <p>Malformed data fails with the error code the caller names (the vendor's fault or the
 * support package's); overlay names that are absolute or contain {@code ..} fail with
 * {@code SUPPORT_PACKAGE_MISSING}. Which mode to use, and when, is the caller's policy.
 */
package org.xenproject.eliloader.initrd.cpio;
