package org.xenproject.eliloader.source.iso;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.xenproject.eliloader.error.BootloaderException;

/**
 * Reads the records of one directory extent, one entry at a time, in a buffer of at most
 * {@link #MAX_CHUNK} bytes whatever the directory's size. "." and "..", associated files
 * and directories relocated by Rock Ridge (RE) are skipped; a file recorded in several
 * sections (multi-extent) comes out as one entry.
 */
final class DirectoryReader {
    static final int FLAG_DIRECTORY = 0x02;
    private static final int FLAG_ASSOCIATED = 0x04;
    private static final int FLAG_MULTI_EXTENT = 0x80;
    /** Fixed part of a directory record; the identifier starts right after it. */
    private static final int FIXED_LENGTH = 33;
    private static final int MAX_CHUNK = 32 * IsoImage.SECTOR;
    /** Sections of one multi-extent file: 256 sections of up to 4 GiB are plenty. */
    private static final int MAX_SECTIONS = 256;

    private final IsoImage image;
    private final String path;
    private final long start;
    private final long length;
    private final RockRidgeParser rockRidge;
    private final ReadBudget budget;

    private final ByteBuffer chunk;
    private long chunkPosition = -1;
    private int chunkLength;
    /** Offset in the directory of the next record. */
    private long position;

    // sections of a multi-extent file read so far
    private int sectionCount;
    private long[] sectionOffsets;
    private long[] sectionLengths;
    private byte[] sectionIdentifier;
    private String sectionName;

    DirectoryReader(IsoImage image, IsoEntry directory, String path, ReadBudget budget) {
        this.image = image;
        this.path = path;
        this.start = directory.firstExtentOffset();
        this.length = directory.length();
        this.budget = budget;
        this.rockRidge = image.hasRockRidge() ? new RockRidgeParser(image, path, budget) : null;
        this.chunk = ByteBuffer.allocate((int) Math.min(MAX_CHUNK, roundUpToSector(length)));
    }

    /**
     * Checks a directory's extent before anything is read from it. The entry is named by
     * {@code what} and, unless null, {@code directoryPath} and {@code name}: the message is
     * only put together when there is something wrong, as this runs for every record.
     */
    static void checkDirectoryExtent(IsoImage image, String what, String directoryPath, String name,
                                     long offset, long length) {
        if (length == 0) {
            throw image.invalid("is corrupt: " + IsoImage.subject(what, directoryPath, name) + " has an empty extent");
        }
        if (length > IsoImage.MAX_DIRECTORY_BYTES) {
            throw image.invalid("is corrupt: " + IsoImage.subject(what, directoryPath, name) + " claims " + length
                    + " bytes, more than the " + (IsoImage.MAX_DIRECTORY_BYTES >> 20) + " MiB a directory may have");
        }
        checkExtent(image, what, directoryPath, name, offset, length);
    }

    static void checkExtent(IsoImage image, String what, String directoryPath, String name,
                            long offset, long length) {
        if (length > 0 && offset > image.size() - length) {
            throw image.invalid("is corrupt: " + IsoImage.subject(what, directoryPath, name) + " (" + length
                    + " bytes at byte " + offset + ") lies beyond the end of the image (" + image.size() + " bytes)");
        }
    }

    /** The next entry, or null at the end of the directory. */
    IsoEntry next() {
        while (true) {
            if (position >= length) {
                if (sectionCount > 0) {
                    throw corrupt("the multi-extent file " + sectionName + " has no final section");
                }
                return null;
            }
            loadChunkAt(position);
            byte[] bytes = chunk.array();
            int base = (int) (position - chunkPosition);
            int recordLength = bytes[base] & 0xff;
            if (recordLength == 0) {
                // records never cross a sector; the rest of this sector is padding
                position = (position / IsoImage.SECTOR + 1) * IsoImage.SECTOR;
                continue;
            }
            long recordPosition = position;
            checkRecordBounds(recordPosition, recordLength);
            int identifierLength = bytes[base + 32] & 0xff;
            if (identifierLength == 0 || FIXED_LENGTH + identifierLength > recordLength) {
                throw corrupt("the record at offset " + recordPosition + " has a " + identifierLength
                        + "-byte name that does not fit its " + recordLength + " bytes");
            }
            position += recordLength;

            int flags = bytes[base + 25] & 0xff;
            boolean selfOrParent = identifierLength == 1 && (bytes[base + 33] == 0 || bytes[base + 33] == 1);
            if (selfOrParent || (flags & FLAG_ASSOCIATED) != 0) {
                continue;
            }
            IsoEntry entry = entry(bytes, base, recordLength, identifierLength, flags, recordPosition);
            if (entry != null) {
                return entry;
            }
        }
    }

    /** Builds the entry of one record; null when the record is skipped or only a section. */
    private IsoEntry entry(byte[] bytes, int base, int recordLength, int identifierLength, int flags,
                           long recordPosition) {
        String name = null;
        if (rockRidge != null) {
            int systemUse = FIXED_LENGTH + identifierLength + (identifierLength % 2 == 0 ? 1 : 0)
                    + image.rockRidgeSkip();
            rockRidge.parse(bytes, base + Math.min(systemUse, recordLength), base + recordLength, recordPosition);
            if (rockRidge.isRelocated()) {
                return null; // shown where its CL placeholder is
            }
            name = rockRidge.name();
        }
        if (name == null) {
            name = identifierName(bytes, base + FIXED_LENGTH, identifierLength);
        }
        if (!isUsableName(name)) {
            return null; // cannot be looked up, and would confuse path resolution
        }
        if (bytes[base + 26] != 0 || bytes[base + 27] != 0) {
            throw corrupt(name + " is an interleaved file, which is not supported");
        }

        boolean multiExtent = (flags & FLAG_MULTI_EXTENT) != 0;
        if (rockRidge != null && rockRidge.symlinkTarget() != null) {
            requireNoPendingSections(name);
            return IsoEntry.symlink(name, rockRidge.symlinkTarget());
        }
        if (rockRidge != null && rockRidge.childLink() >= 0) {
            requireNoPendingSections(name);
            return relocatedDirectory(name, rockRidge.childLink());
        }

        long offset = (IsoImage.uint32(bytes, base + 2) + (bytes[base + 1] & 0xff)) * IsoImage.SECTOR;
        long dataLength = IsoImage.uint32(bytes, base + 10);
        if ((flags & FLAG_DIRECTORY) != 0) {
            if (multiExtent) {
                throw corrupt("directory " + name + " claims to have several extents");
            }
            requireNoPendingSections(name);
            checkDirectoryExtent(image, "directory", path, name, offset, dataLength);
            return IsoEntry.directory(name, offset, dataLength);
        }
        checkExtent(image, "file", path, name, offset, dataLength);

        if (!multiExtent && sectionCount == 0) {
            return new IsoEntry(name, IsoEntry.FILE, new long[] {offset}, new long[] {dataLength}, null);
        }
        addSection(name, Arrays.copyOfRange(bytes, base + FIXED_LENGTH, base + FIXED_LENGTH + identifierLength),
                offset, dataLength);
        if (multiExtent) {
            return null;
        }
        IsoEntry file = new IsoEntry(sectionName, IsoEntry.FILE, Arrays.copyOf(sectionOffsets, sectionCount),
                Arrays.copyOf(sectionLengths, sectionCount), null);
        sectionCount = 0;
        return file;
    }

    /** Sections of a multi-extent file follow each other under the same identifier. */
    private void addSection(String name, byte[] identifier, long offset, long sectionLength) {
        if (sectionCount == 0) {
            sectionIdentifier = identifier;
            sectionName = name;
            sectionOffsets = new long[4];
            sectionLengths = new long[4];
        } else if (!Arrays.equals(sectionIdentifier, identifier)) {
            throw corrupt("the multi-extent file " + sectionName + " is followed by " + name
                    + " instead of its next section");
        }
        if (sectionCount == MAX_SECTIONS) {
            throw corrupt("the file " + sectionName + " has more than " + MAX_SECTIONS + " sections");
        }
        if (sectionCount == sectionOffsets.length) {
            sectionOffsets = Arrays.copyOf(sectionOffsets, sectionCount * 2);
            sectionLengths = Arrays.copyOf(sectionLengths, sectionCount * 2);
        }
        sectionOffsets[sectionCount] = offset;
        sectionLengths[sectionCount] = sectionLength;
        sectionCount++;
    }

    private void requireNoPendingSections(String name) {
        if (sectionCount > 0) {
            throw corrupt("the multi-extent file " + sectionName + " is followed by " + name
                    + " instead of its final section");
        }
    }

    /**
     * Rock Ridge moves directories nested deeper than ISO 9660 allows under rr_moved and leaves
     * a placeholder with a CL entry; the directory's size is in its own "." record.
     */
    private IsoEntry relocatedDirectory(String name, long block) {
        long offset = block * IsoImage.SECTOR;
        byte[] self = new byte[FIXED_LENGTH + 1];
        budget.charge(self.length);
        image.readFully(ByteBuffer.wrap(self), offset, "relocated directory", IsoImage.childPath(path, name));
        boolean isSelfRecord = (self[0] & 0xff) >= self.length && (self[25] & FLAG_DIRECTORY) != 0
                && (self[32] & 0xff) == 1 && self[33] == 0 && IsoImage.uint32(self, 2) == block;
        if (!isSelfRecord) {
            throw corrupt(name + " links (Rock Ridge CL) to block " + block + ", which holds no directory");
        }
        long dataLength = IsoImage.uint32(self, 10);
        checkDirectoryExtent(image, "relocated directory", path, name, offset, dataLength);
        return IsoEntry.directory(name, offset, dataLength);
    }

    private String identifierName(byte[] bytes, int offset, int identifierLength) {
        String raw = image.usesJolietNames()
                ? new String(bytes, offset, identifierLength & ~1, StandardCharsets.UTF_16BE)
                : new String(bytes, offset, identifierLength, StandardCharsets.ISO_8859_1);
        return withoutVersion(raw);
    }

    private static boolean isUsableName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..")
                && name.indexOf('/') < 0 && name.indexOf(0) < 0;
    }

    /** "VMLINUZ.;1" is recorded for VMLINUZ: drop the ";version" and a trailing dot. */
    static String withoutVersion(String identifier) {
        String name = identifier;
        int semicolon = name.lastIndexOf(';');
        if (semicolon >= 0 && isDigits(name, semicolon + 1)) {
            name = name.substring(0, semicolon);
        }
        if (name.length() > 1 && name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return name;
    }

    private static boolean isDigits(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private void checkRecordBounds(long recordPosition, int recordLength) {
        if (recordLength < FIXED_LENGTH + 1) {
            throw corrupt("the record at offset " + recordPosition + " is only " + recordLength + " bytes long");
        }
        if (recordPosition % IsoImage.SECTOR + recordLength > IsoImage.SECTOR) {
            throw corrupt("the record at offset " + recordPosition + " (" + recordLength
                    + " bytes) crosses a sector boundary");
        }
        if (recordPosition + recordLength > length) {
            throw corrupt("the record at offset " + recordPosition + " (" + recordLength
                    + " bytes) crosses the end of the directory (" + length + " bytes)");
        }
    }

    /** Makes the sector holding {@code at} available in {@link #chunk}. */
    private void loadChunkAt(long at) {
        if (chunkPosition >= 0 && at >= chunkPosition && at < chunkPosition + chunkLength) {
            return;
        }
        chunkPosition = at / IsoImage.SECTOR * IsoImage.SECTOR;
        chunkLength = (int) Math.min(chunk.capacity(), length - chunkPosition);
        chunk.clear().limit(chunkLength);
        budget.charge(chunkLength);
        image.readFully(chunk, start + chunkPosition, "directory", path);
    }

    private BootloaderException corrupt(String problem) {
        return image.invalid("is corrupt: directory " + path + ": " + problem);
    }

    private static long roundUpToSector(long bytes) {
        return (bytes + IsoImage.SECTOR - 1) / IsoImage.SECTOR * IsoImage.SECTOR;
    }
}
