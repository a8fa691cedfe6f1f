package org.xenproject.eliloader.initrd;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.files.NewFile;
import org.xenproject.eliloader.initrd.compression.Budget;
import org.xenproject.eliloader.initrd.compression.Compression;
import org.xenproject.eliloader.initrd.compression.SeekableFileInput;
import org.xenproject.eliloader.initrd.cpio.CpioAppend;
import org.xenproject.eliloader.initrd.cpio.CpioMerge;
import org.xenproject.eliloader.initrd.cpio.InitrdReader;
import org.xenproject.eliloader.initrd.cpio.Overlay;
import org.xenproject.eliloader.initrd.ext2.Ext2Overlay;

/**
 * Vendor-initrd fix-ups: which vendor initrds (by MD5) get which overlay, and applying
 * one. Typical use by the round pipeline, after fetching the vendor initrd:
 *
 * <pre>{@code
 * InitrdFixups fixups = InitrdFixups.load(guestInstallerDir, log::warn);
 * Optional<MapEntry> entry = fixups.lookup(InitrdFixups.md5Hex(initrd));
 * if (entry.isPresent()) {
 *     Path patched = fixups.apply(entry.get(), initrd, outputDir, ramdiskLimit, decompressedLimit);
 *     Files.delete(initrd);   // hand over `patched` instead
 * }
 * }</pre>
 *
 * The map-file syntax is described in {@link MapFiles}. Failures are
 * {@link BootloaderException}s: overlay missing or unusable → {@code SUPPORT_PACKAGE_MISSING};
 * vendor initrd unreadable or not what the map says → {@code INVALID_SOURCE}; result over
 * the hand-over limit or more than the decompressed limit examined → {@code LIMITS};
 * output directory not writable and the like → {@code INTERNAL_ERROR}.
 */
public final class InitrdFixups {
    /**
     * A default for {@code decompressedLimit}: 512 MiB, four times the default ramdisk
     * limit. The original's 128 MiB unpack limit refused the Debian 12 installer initrd,
     * which unpacks to 137 MB; a decompression bomb still stops after this much.
     */
    public static final long DEFAULT_DECOMPRESSED_LIMIT = 512L << 20;

    private final Map<String, MapEntry> entries;
    private final Consumer<String> warnings;

    private InitrdFixups(Map<String, MapEntry> entries, Consumer<String> warnings) {
        this.entries = entries;
        this.warnings = warnings;
    }

    /**
     * Reads every {@code *.map} in {@code guestInstallerDir}. A missing directory means no
     * fix-ups. Bad lines and unreadable files are reported to {@code warnings} as
     * {@code file:line: reason} and skipped. Overlays are not opened here: a missing one
     * is reported when (and only if) its entry is applied.
     */
    public static InitrdFixups load(Path guestInstallerDir, Consumer<String> warnings) {
        return new InitrdFixups(MapFiles.load(guestInstallerDir, warnings), warnings);
    }

    /** The entry for a vendor initrd's MD5 (hex, any case). */
    public Optional<MapEntry> lookup(String md5Hex) {
        return Optional.ofNullable(entries.get(md5Hex.toLowerCase(Locale.ROOT)));
    }

    public Collection<MapEntry> entries() {
        return entries.values();
    }

    /** The MD5 of a file as lower-case hex, the key of the map files. */
    public static String md5Hex(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            byte[] buf = new byte[256 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                md5.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    /**
     * Writes the vendor initrd patched with the entry's overlay to a new file in
     * {@code outputDir} (named {@code initrd-fixup.*}, mode 0600) and returns it. On any
     * failure nothing is left in {@code outputDir}. The vendor file is not modified.
     *
     * <p>For cpio entries in {@link OverlayMode#APPEND}, a vendor initrd whose compressed
     * part is legacy lz4 is merged instead (the kernel cannot find the end of legacy lz4,
     * so nothing may follow it); in {@link OverlayMode#MERGE}, an lzo one is appended
     * instead (lzo cannot be decoded here). Both are reported to the warnings consumer.
     *
     * @param handoverLimit     the largest result allowed (the ramdisk size limit)
     * @param decompressedLimit the most decompressed bytes (vendor and overlay) examined
     */
    public Path apply(MapEntry entry, Path vendorInitrd, Path outputDir, long handoverLimit, long decompressedLimit) {
        if (!Files.isRegularFile(entry.overlay()) || !Files.isReadable(entry.overlay())) {
            throw BootloaderException.supportPackageMissing("the overlay " + entry.overlay() + " named at "
                    + entry.origin() + " for initrd " + entry.md5() + " is missing");
        }
        Budget budget = new Budget(decompressedLimit);
        Overlay overlay = Overlay.load(entry.overlay(), budget);
        String vendorName = vendorInitrd.getFileName().toString();

        Path out;
        try {
            out = NewFile.create(outputDir, "initrd-fixup.", ".img");
        } catch (IOException e) {
            throw BootloaderException.internal("cannot create a file in " + outputDir + ": " + e.getMessage(), e);
        }
        Path work = null;
        boolean done = false;
        try (SeekableFileInput vendor = new SeekableFileInput(vendorInitrd);
             OutputStream file = Files.newOutputStream(out);
             LimitedOutputStream limited = new LimitedOutputStream(new BufferedOutputStream(file, 256 * 1024),
                     handoverLimit)) {
            if (entry.kind() == MapEntry.Kind.EXT2) {
                work = Files.createTempDirectory(outputDir, ".initrd-fixup-ext2.");
                Ext2Overlay.apply(vendor, vendorName, overlay, budget, work, limited);
            } else {
                applyCpio(entry.mode(), vendor, vendorInitrd, vendorName, overlay, budget, handoverLimit, limited);
            }
            limited.flush();
            done = true;
            return out;
        } catch (IOException e) {
            throw BootloaderException.internal("cannot write the patched initrd in " + outputDir + ": "
                    + e.getMessage(), e);
        } finally {
            if (work != null) {
                deleteTree(work);
            }
            if (!done) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    warnings.accept("cannot remove " + out + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * Applies an append-mode cpio entry to the vendor initrd itself, for a caller that owns the
     * file and hands it over: the overlay is appended to it, so the vendor bytes are neither
     * copied nor stored twice. Returns false, with the file untouched, when the entry needs a
     * new file ({@code ext2}, merge mode, a legacy-lz4 vendor initrd, which nothing may follow);
     * use {@link #apply} then. The same checks and limits as {@link #apply} hold; on failure the
     * file is cut back to its original bytes.
     */
    public boolean appendInPlace(MapEntry entry, Path vendorInitrd, long handoverLimit, long decompressedLimit) {
        if (entry.kind() != MapEntry.Kind.CPIO || entry.mode() != OverlayMode.APPEND) {
            return false;
        }
        if (!Files.isRegularFile(entry.overlay()) || !Files.isReadable(entry.overlay())) {
            throw BootloaderException.supportPackageMissing("the overlay " + entry.overlay() + " named at "
                    + entry.origin() + " for initrd " + entry.md5() + " is missing");
        }
        Overlay overlay = Overlay.load(entry.overlay(), new Budget(decompressedLimit));
        String vendorName = vendorInitrd.getFileName().toString();
        long size;
        try (SeekableFileInput vendor = new SeekableFileInput(vendorInitrd)) {
            InitrdReader.Layout layout = InitrdReader.probe(vendor, ErrorCode.INVALID_SOURCE, "vendor initrd " + vendorName);
            if (layout.main() == Compression.LZ4_LEGACY) {
                return false;
            }
            size = vendor.size();
            if (size > handoverLimit) {
                throw LimitedOutputStream.tooBig(handoverLimit);
            }
            InitrdReader.checkFirstMemberIsCpio(vendor, layout, ErrorCode.INVALID_SOURCE, "vendor initrd " + vendorName);
        } catch (IOException e) {
            throw BootloaderException.invalidSource("cannot read the vendor initrd " + vendorName + ": " + e.getMessage(), e);
        }
        boolean done = false;
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(vendorInitrd,
                java.nio.file.StandardOpenOption.WRITE)) {
            try {
                channel.position(size);
                LimitedOutputStream limited = new LimitedOutputStream(new BufferedOutputStream(
                        java.nio.channels.Channels.newOutputStream(channel), 64 * 1024), handoverLimit - size);
                CpioAppend.appendOverlay(size, overlay, limited);
                limited.flush();
                done = true;
                return true;
            } finally {
                if (!done) {
                    channel.truncate(size);
                }
            }
        } catch (IOException e) {
            throw BootloaderException.internal("cannot append the overlay to " + vendorInitrd + ": " + e.getMessage(), e);
        }
    }

    private void applyCpio(OverlayMode mode, SeekableFileInput vendor, Path vendorInitrd, String vendorName,
                           Overlay overlay, Budget budget, long handoverLimit, OutputStream out) throws IOException {
        InitrdReader.Layout layout = InitrdReader.probe(vendor, ErrorCode.INVALID_SOURCE, "vendor initrd " + vendorName);
        if (mode == OverlayMode.APPEND && layout.main() == Compression.LZ4_LEGACY) {
            warnings.accept("initrd " + vendorName + " is legacy lz4, after which the kernel finds nothing;"
                    + " merging the overlay instead of appending it");
            mode = OverlayMode.MERGE;
        } else if (mode == OverlayMode.MERGE && !layout.main().canDecode()) {
            warnings.accept("initrd " + vendorName + " is " + layout.main().label()
                    + ", which cannot be rewritten; appending the overlay instead of merging it");
            mode = OverlayMode.APPEND;
        }
        if (mode == OverlayMode.APPEND) {
            if (vendor.size() > handoverLimit) {
                throw LimitedOutputStream.tooBig(handoverLimit);
            }
            InitrdReader.checkFirstMemberIsCpio(vendor, layout, ErrorCode.INVALID_SOURCE, "vendor initrd " + vendorName);
            CpioAppend.append(vendorInitrd, overlay, out);
        } else {
            CpioMerge.merge(vendor, vendorName, layout, overlay, layout.main(), budget, out);
        }
    }

    private void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    warnings.accept("cannot remove " + p + ": " + e.getMessage());
                }
            });
        } catch (IOException e) {
            warnings.accept("cannot remove " + dir + ": " + e.getMessage());
        }
    }
}
