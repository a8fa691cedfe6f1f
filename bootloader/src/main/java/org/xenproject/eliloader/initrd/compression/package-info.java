/**
 * The compressions an initrd member may use, found by magic number as the kernel's
 * {@code decompress_method()} finds them: gzip, bzip2, lzma, xz, zstd, legacy and framed
 * lz4 (lzo is recognised but neither read nor written). Decoders stop exactly at the end of
 * their member, so that whatever follows in the file can be found.
 *
 * <pre>{@code
 * Budget budget = new Budget(512L << 20);   // decompressed bytes examined at the most
 * try (SeekableFileInput file = new SeekableFileInput(initrd)) {
 *     byte[] head = new byte[6];
 *     Compression c = Compression.detect(head, file.peek(0, head, head.length));
 *     try (InputStream member = c.decoder(new KeepOpenInputStream(file))) {
 *         budget.charge(member.transferTo(OutputStream.nullOutputStream()));
 *     }
 *     long next = file.position();          // where the member after it starts
 * }
 * try (OutputStream out = Compression.XZ.encoder(Files.newOutputStream(target))) {
 *     out.write(cpioArchive);               // closing finishes the member
 * }
 * }</pre>
 *
 * <p>{@link org.xenproject.eliloader.initrd.compression.SeekableFileInput} lets gzip rewind
 * to the end of its member; zstd, whose decoder reads ahead, is given one frame measured by
 * {@link org.xenproject.eliloader.initrd.compression.ZstdFrames}. gzip and zstd are written
 * on up to four cores. A member needing more than 256 MiB to decode (xz, lzma) or a
 * {@link org.xenproject.eliloader.initrd.compression.Budget} overrun fails with
 * {@code LIMITS}. This package knows nothing of cpio or of fix-ups.
 */
package org.xenproject.eliloader.initrd.compression;
