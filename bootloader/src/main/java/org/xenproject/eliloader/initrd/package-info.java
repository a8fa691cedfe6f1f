/**
 * Vendor-initrd fix-ups: recognising a vendor initrd by MD5 and adding an overlay to it
 * without unpacking it to disk and without privileges. This package is the policy (which
 * initrd gets which overlay, in which mode, within which limits, what is left behind on
 * failure); the formats are below it and know nothing of it:
 * <ul>
 * <li>{@link org.xenproject.eliloader.initrd.cpio}: cpio initrds read as the kernel reads
 *     them, and the append and merge modes;</li>
 * <li>{@link org.xenproject.eliloader.initrd.ext2}: ext2 images, edited with e2fsprogs;</li>
 * <li>{@link org.xenproject.eliloader.initrd.compression}: the compressions of initrd
 *     members, and the budget of decompressed bytes.</li>
 * </ul>
 * Dependencies go one way: {@code initrd} → {@code ext2} → {@code cpio} →
 * {@code compression}.
 *
 * <h2>Entry points</h2>
 * {@link org.xenproject.eliloader.initrd.InitrdFixups#load InitrdFixups.load(dir, warnings)}
 * reads every {@code *.map} of the guest-installer directory,
 * {@link org.xenproject.eliloader.initrd.InitrdFixups#lookup lookup(md5)} finds the entry
 * for a fetched initrd ({@link org.xenproject.eliloader.initrd.InitrdFixups#md5Hex md5Hex}
 * computes the key) and
 * {@link org.xenproject.eliloader.initrd.InitrdFixups#apply apply(entry, initrd, outputDir,
 * handoverLimit, decompressedLimit)} writes the patched copy into the output directory.
 * {@link org.xenproject.eliloader.initrd.MapEntry#withMode} lets a profile choose the mode.
 *
 * <h2>Map files</h2>
 * <pre>
 * # comment
 * MD5  cpio|cpio:append|cpio:merge|ext2  OVERLAY  [DISTRO ...]
 * </pre>
 * {@code cpio} means {@code cpio:append}. OVERLAY is a newc cpio archive (plain or in any
 * compression listed below), relative to the guest-installer directory. Details, including
 * how bad lines and duplicates are reported, in {@code MapFiles}.
 *
 * <h2>Vendor initrds understood</h2>
 * Whatever the kernel's {@code unpack_to_rootfs()} accepts, found the same way (magic
 * numbers, zero padding skipped, uncompressed archives on 4-byte boundaries): newc
 * archives plain or compressed with gzip, bzip2, lzma, xz, zstd or legacy lz4
 * ({@code lz4 -l}), framed lz4 too, any number of members one after the other, an
 * uncompressed early-microcode archive in front. lzo is recognised and can only be
 * appended to. ext2 images (RHEL 4 era), gzip'd or plain, for {@code ext2} entries.
 *
 * <h2>Modes</h2>
 * <ul>
 * <li><b>append</b> (default): vendor bytes untouched, zero padding to 4 bytes, overlay as
 *     a gzip'd newc archive; the kernel unpacks it last so its files win. Cost: one file
 *     copy (0.05 s and +299 bytes on the 40.8 MB Debian 12 installer initrd). Legacy lz4
 *     has no end marker, so such initrds are merged instead.</li>
 * <li><b>merge</b>: one pass, entry by entry, into a single recompressed archive (same
 *     compression as the vendor's; gzip and zstd use all cores). Early-microcode prefix
 *     kept byte for byte; device nodes, modes, owners, times and hard links kept;
 *     inode numbers renewed.</li>
 * <li><b>ext2</b>: image decompressed to a temporary file, edited with {@code debugfs -w},
 *     verified with {@code e2fsck -fn}, recompressed; the temporary files are removed.</li>
 * </ul>
 *
 * <h2>Failures</h2>
 * Overlay missing, unreadable, or with a name that is absolute or contains {@code ..}:
 * {@code SUPPORT_PACKAGE_MISSING} (the host package is at fault, not the repository).
 * Vendor initrd unreadable or not of the mapped kind: {@code INVALID_SOURCE}. Result larger
 * than the hand-over limit, more decompressed bytes than the decompressed limit (vendor
 * and overlay together), or an overlay too big for an ext2 image: {@code LIMITS}. Nothing
 * is left in the output directory after a failure.
 *
 * <h2>Memory</h2>
 * Streams throughout; the overlay is held in memory (at most 64 MiB). Merging the Debian
 * initrd runs in a 32 MiB heap ({@code -Xmx32m -XX:+UseSerialGC}: about 100 MB RSS).
 */
package org.xenproject.eliloader.initrd;
