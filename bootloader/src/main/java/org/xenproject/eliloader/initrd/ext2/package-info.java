/**
 * ext2 initrd images (RHEL 4 era: a gzip'd ext2 filesystem) patched with an overlay without
 * mounting them: the image is decompressed to a private directory, edited with e2fsprogs'
 * {@code debugfs -w}, checked with {@code e2fsck -fn} and recompressed as the vendor had it.
 *
 * <pre>{@code
 * Budget budget = new Budget(decompressedLimit);
 * Overlay overlay = Overlay.load(overlayFile, budget);
 * Path work = Files.createTempDirectory(outputDir, ".initrd-fixup-ext2.");
 * try (SeekableFileInput vendor = new SeekableFileInput(vendorInitrd)) {
 *     Ext2Overlay.apply(vendor, "initrd.img", overlay, budget, work, out);
 * } finally {
 *     deleteTree(work);                     // the caller's
 * }
 * }</pre>
 *
 * The image is not grown: an overlay that does not fit fails with {@code LIMITS}; an image
 * that is not ext2 with {@code INVALID_SOURCE}; missing e2fsprogs with
 * {@code SUPPORT_PACKAGE_MISSING}.
 */
package org.xenproject.eliloader.initrd.ext2;
