package org.xenproject.eliloader.initrd.cpio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.MessageText;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.initrd.compression.Budget;
import org.xenproject.eliloader.initrd.compression.SeekableFileInput;

/**
 * An overlay: a newc cpio archive (plain or in any compression the reader knows) whose
 * entries are added to, or replace, those of a vendor initrd. Overlays are small files
 * shipped by a host package, so they are held in memory (at most {@link #MEMORY_CAP}).
 *
 * <p>Every name must stay inside the initramfs: an absolute name or a {@code ..}
 * component is refused. A defective overlay is the support package's fault, so all
 * overlay problems are reported as {@code SUPPORT_PACKAGE_MISSING} (the repository, which
 * {@code INVALID_SOURCE} would blame, is not involved).
 *
 * <p>A name given twice keeps the later entry, as unpacking would.
 */
public final class Overlay {
    static final long MEMORY_CAP = 64L << 20;

    /** One overlay entry; {@code data} is the body of regular files and symlinks. */
    public static final class Item {
        public final CpioEntry header;
        public final String key;
        public final byte[] data;
        public LinkGroup group;

        Item(CpioEntry header, String key, byte[] data) {
            this.header = header;
            this.key = key;
            this.data = data;
        }
    }

    /** Names of one hard-linked file in the overlay, and the data they share. */
    public static final class LinkGroup {
        public final List<Item> members = new ArrayList<>();
        public byte[] data = new byte[0];
    }

    private final Path file;
    private final Map<String, Item> items;

    private Overlay(Path file, Map<String, Item> items) {
        this.file = file;
        this.items = items;
    }

    public Path file() {
        return file;
    }

    public Collection<Item> items() {
        return items.values();
    }

    Item get(String key) {
        return items.get(key);
    }

    public static Overlay load(Path file, Budget budget) {
        String what = "overlay " + file;
        Map<String, Item> items = new LinkedHashMap<>();
        Map<String, LinkGroup> groups = new HashMap<>();
        long held = 0;
        int archive = 0;
        try (SeekableFileInput in = new SeekableFileInput(file);
             InitrdReader reader = new InitrdReader(in, 0, budget, ErrorCode.SUPPORT_PACKAGE_MISSING, what)) {
            CpioEntry e;
            while ((e = reader.next()) != null) {
                if (e.isTrailer()) {
                    archive++;
                    continue;
                }
                String key = key(e.name, what);
                byte[] data = new byte[0];
                if (e.isRegular() || e.isSymlink()) {
                    held += e.fileSize;
                    if (held > MEMORY_CAP) {
                        throw BootloaderException.limits(what + " holds more than " + MEMORY_CAP + " bytes");
                    }
                    ByteArrayOutputStream body = new ByteArrayOutputStream((int) e.fileSize);
                    reader.body().transferTo(body);
                    data = body.toByteArray();
                }
                Item item = new Item(e, key, data);
                items.remove(key);
                items.put(key, item);
                if (e.isHardLink()) {
                    // The kernel keys hard links by (device, inode) within one archive.
                    LinkGroup g = groups.computeIfAbsent(archive + ":" + e.linkKey(), k -> new LinkGroup());
                    item.group = g;
                    if (data.length > 0) {
                        g.data = data;
                    }
                }
            }
        } catch (IOException e) {
            throw new BootloaderException(ErrorCode.SUPPORT_PACKAGE_MISSING, "cannot read " + what + ": " + e.getMessage(), e);
        }
        for (Item item : items.values()) {
            if (item.group != null) {
                item.group.members.add(item);
            }
        }
        return new Overlay(file, items);
    }

    /**
     * The name an overlay entry lands on, relative to the initramfs root: "./" and empty
     * components dropped ("." itself becomes ""). Absolute names and ".." are refused.
     */
    static String key(String name, String what) {
        if (name.startsWith("/")) {
            throw BootloaderException.supportPackageMissing(what + " contains the absolute name \""
                    + MessageText.printable(name) + "\"; overlay names must be relative");
        }
        StringBuilder key = new StringBuilder();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw BootloaderException.supportPackageMissing(what + " contains the name \""
                        + MessageText.printable(name) + "\", which leaves the initramfs through \"..\"");
            }
            if (key.length() > 0) {
                key.append('/');
            }
            key.append(part);
        }
        return key.toString();
    }

    /** The same normalisation for vendor names, without refusing anything. */
    static String vendorKey(String name) {
        // Fast path: most vendor names are already clean ("bin/sh").
        if (!name.startsWith("/") && !name.startsWith("./") && !name.equals(".")
                && !name.contains("//") && !name.contains("/./") && !name.endsWith("/")) {
            return name;
        }
        StringBuilder key = new StringBuilder();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (key.length() > 0) {
                key.append('/');
            }
            key.append(part);
        }
        return key.toString();
    }

}
