package org.xenproject.eliloader.round.pygrub;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The partitions of a disk image or block device, in the order pygrub would consider them:
 * an MBR's primary partitions in table order (then the logical partitions of an extended
 * partition, which pygrub itself does not visit but reaches with {@code --offset}), or a GPT's
 * used entries. Sectors are 512 bytes, as pygrub assumes. A disk without a partition table
 * (a filesystem from its first byte) has none.
 */
public final class PartitionTable {
    static final int SECTOR = 512;
    private static final int MAX_LOGICAL = 128;
    private static final int MAX_GPT_ENTRIES = 1024;

    /** One partition: its number as Linux counts them (1–4 primary, 5… logical), start and size in bytes. */
    public record Partition(int number, long offset, long size, String type) { }

    private PartitionTable() {
    }

    /** Reads the partition table; an unreadable disk is an {@link IOException}. */
    public static List<Partition> read(Path disk) throws IOException {
        try (FileChannel channel = FileChannel.open(disk, StandardOpenOption.READ)) {
            return read(channel);
        }
    }

    /** Reads the partition table of a disk already open (e.g. handed to a deprivileged reader as its input). */
    public static List<Partition> read(FileChannel channel) throws IOException {
        {
            ByteBuffer mbr = sector(channel, 0);
            if (!hasBootSignature(mbr)) {
                return List.of();
            }
            List<Partition> result = new ArrayList<>();
            List<long[]> extended = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int entry = 446 + 16 * i;
                int type = mbr.get(entry + 4) & 0xff;
                long start = Integer.toUnsignedLong(mbr.getInt(entry + 8));
                long sectors = Integer.toUnsignedLong(mbr.getInt(entry + 12));
                if (type == 0 || start == 0) {
                    continue;
                }
                if (type == 0xee) {
                    return gpt(channel);
                }
                if (isExtended(type)) {
                    extended.add(new long[] {start, sectors});
                    continue;
                }
                result.add(new Partition(i + 1, start * SECTOR, sectors * SECTOR, String.format("%02x", type)));
            }
            if (result.isEmpty() && extended.isEmpty() && !looksLikeTable(mbr)) {
                return List.of();
            }
            for (long[] ext : extended) {
                logical(channel, ext[0], result);
            }
            return List.copyOf(result);
        }
    }

    /** The byte offsets of the partitions, in order. */
    public static List<Long> offsets(Path disk) throws IOException {
        return read(disk).stream().map(Partition::offset).toList();
    }

    private static boolean isExtended(int type) {
        return type == 0x05 || type == 0x0f || type == 0x85;
    }

    private static boolean hasBootSignature(ByteBuffer sector) {
        return (sector.get(510) & 0xff) == 0x55 && (sector.get(511) & 0xff) == 0xaa;
    }

    /** Entries' status bytes are 0x00 or 0x80 in a real table; a filesystem's boot code is not checked further. */
    private static boolean looksLikeTable(ByteBuffer mbr) {
        for (int i = 0; i < 4; i++) {
            int status = mbr.get(446 + 16 * i) & 0xff;
            if (status != 0 && status != 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Walks the chain of extended boot records; each holds one logical partition and the link to the next. */
    private static void logical(FileChannel channel, long extendedStart, List<Partition> result) throws IOException {
        long ebr = extendedStart;
        Set<Long> seen = new HashSet<>();
        int number = 5 + (int) result.stream().filter(p -> p.number() >= 5).count();
        while (seen.add(ebr) && seen.size() <= MAX_LOGICAL) {
            ByteBuffer record = sector(channel, ebr);
            if (!hasBootSignature(record)) {
                return;
            }
            int type = record.get(446 + 4) & 0xff;
            long start = Integer.toUnsignedLong(record.getInt(446 + 8));
            long sectors = Integer.toUnsignedLong(record.getInt(446 + 12));
            if (type != 0 && start != 0) {
                result.add(new Partition(number++, (ebr + start) * SECTOR, sectors * SECTOR,
                        String.format("%02x", type)));
            }
            int nextType = record.get(462 + 4) & 0xff;
            long next = Integer.toUnsignedLong(record.getInt(462 + 8));
            if (!isExtended(nextType) || next == 0) {
                return;
            }
            ebr = extendedStart + next;
        }
    }

    private static List<Partition> gpt(FileChannel channel) throws IOException {
        ByteBuffer header = sector(channel, 1);
        byte[] signature = new byte[8];
        header.get(0, signature);
        if (!"EFI PART".equals(new String(signature, java.nio.charset.StandardCharsets.US_ASCII))) {
            return List.of();
        }
        long entriesLba = header.getLong(72);
        int count = header.getInt(80);
        int entrySize = header.getInt(84);
        if (count <= 0 || count > MAX_GPT_ENTRIES || entrySize < 128 || entrySize > 4096) {
            throw new IOException("the GPT header has an implausible partition array (" + count + " entries of "
                    + entrySize + " bytes)");
        }
        if (entriesLba < 1 || entriesLba > channel.size() / SECTOR) {
            throw new IOException("the GPT header puts its partition array at sector " + entriesLba
                    + ", outside the disk");
        }
        ByteBuffer entries = read(channel, entriesLba * SECTOR, count * entrySize);
        List<Partition> result = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int base = i * entrySize;
            long typeLow = entries.getLong(base);
            long typeHigh = entries.getLong(base + 8);
            if (typeLow == 0 && typeHigh == 0) {
                continue;
            }
            long first = entries.getLong(base + 32);
            long last = entries.getLong(base + 40);
            if (first < 1 || last < first || last >= Long.MAX_VALUE / SECTOR) {
                throw new IOException("GPT partition " + (i + 1) + " has an implausible extent (sectors " + first
                        + " to " + last + ")");
            }
            result.add(new Partition(i + 1, first * SECTOR, (last - first + 1) * SECTOR, guid(entries, base)));
        }
        return List.copyOf(result);
    }

    private static String guid(ByteBuffer b, int at) {
        return String.format("%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", b.getInt(at), b.getShort(at + 4),
                b.getShort(at + 6), b.get(at + 8), b.get(at + 9), b.get(at + 10), b.get(at + 11), b.get(at + 12),
                b.get(at + 13), b.get(at + 14), b.get(at + 15));
    }

    private static ByteBuffer sector(FileChannel channel, long lba) throws IOException {
        return read(channel, lba * SECTOR, SECTOR);
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new EOFException("the disk ends at byte " + (position + buffer.position())
                        + " inside its partition table");
            }
        }
        return buffer.flip();
    }
}
