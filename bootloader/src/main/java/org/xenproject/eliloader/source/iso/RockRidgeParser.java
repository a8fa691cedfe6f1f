package org.xenproject.eliloader.source.iso;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.xenproject.eliloader.error.BootloaderException;

/**
 * Reads the System Use Sharing Protocol (SUSP) entries of one directory record and the Rock
 * Ridge (RRIP) entries this reader needs: NM (name), SL (symbolic link), CL and RE (deep
 * directory relocation). Entries may continue in continuation areas (CE) elsewhere in the
 * image; names and link targets may be split over several entries. One parser serves all
 * records of a directory, so it keeps the last continuation block it read.
 */
final class RockRidgeParser {
    /** Linux allows 255-byte names; this leaves room for multi-byte encodings. */
    private static final int MAX_NAME_BYTES = 1024;
    /** PATH_MAX. */
    private static final int MAX_TARGET_BYTES = 4096;
    /** Continuation areas per record; a long link target needs a handful. */
    private static final int MAX_CONTINUATIONS = 32;

    private static final int CE = 'C' << 8 | 'E';
    private static final int ST = 'S' << 8 | 'T';
    private static final int NM = 'N' << 8 | 'M';
    private static final int SL = 'S' << 8 | 'L';
    private static final int CL = 'C' << 8 | 'L';
    private static final int RE = 'R' << 8 | 'E';

    private static final int NM_CURRENT = 0x02;
    private static final int NM_PARENT = 0x04;
    private static final int SL_CONTINUE = 0x01;
    private static final int SL_CURRENT = 0x02;
    private static final int SL_PARENT = 0x04;
    /** Root, volume root and host root: all mean the image's root here. */
    private static final int SL_ROOT = 0x08 | 0x10 | 0x20;

    private final IsoImage image;
    private final String directoryPath;
    private final ReadBudget budget;
    private final long[] visitedAreas = new long[MAX_CONTINUATIONS];
    private byte[] continuationBlock;
    private long continuationBlockNumber = -1;

    // what the current record says
    private long recordPosition;
    private final byte[] name = new byte[MAX_NAME_BYTES];
    private int nameLength;
    private byte[] target;
    private int targetLength;
    private boolean hasTarget;
    private boolean componentContinues;
    private long childLink;
    private boolean relocated;
    private boolean hasContinuation;
    private long continuationBlockOfNext;
    private long continuationOffset;
    private long continuationLength;

    RockRidgeParser(IsoImage image, String directoryPath, ReadBudget budget) {
        this.image = image;
        this.directoryPath = directoryPath;
        this.budget = budget;
    }

    /** Parses the System Use field {@code [from, to)} of the record at {@code recordPosition}. */
    void parse(byte[] record, int from, int to, long recordPosition) {
        this.recordPosition = recordPosition;
        nameLength = 0;
        targetLength = 0;
        hasTarget = false;
        componentContinues = false;
        childLink = -1;
        relocated = false;
        hasContinuation = false;

        parseArea(record, from, to);
        int continuations = 0;
        while (hasContinuation) {
            hasContinuation = false;
            if (continuationOffset + continuationLength > IsoImage.SECTOR) {
                throw corrupt("a SUSP continuation area (CE) of " + continuationLength + " bytes at offset "
                        + continuationOffset + " does not fit in its block");
            }
            long areaPosition = continuationBlockOfNext * IsoImage.SECTOR + continuationOffset;
            for (int i = 0; i < continuations; i++) {
                if (visitedAreas[i] == areaPosition) {
                    throw corrupt("its SUSP continuation areas (CE) form a loop");
                }
            }
            if (continuations == MAX_CONTINUATIONS) {
                throw corrupt("it has more than " + MAX_CONTINUATIONS + " SUSP continuation areas (CE)");
            }
            visitedAreas[continuations++] = areaPosition;
            byte[] block = continuationBlock(continuationBlockOfNext);
            parseArea(block, (int) continuationOffset, (int) (continuationOffset + continuationLength));
        }
    }

    /** The Rock Ridge name, or null if the record has none. */
    String name() {
        return nameLength == 0 ? null : new String(name, 0, nameLength, StandardCharsets.UTF_8);
    }

    /** The symbolic link's target, or null if the record is no link. */
    String symlinkTarget() {
        return hasTarget ? new String(target, 0, targetLength, StandardCharsets.UTF_8) : null;
    }

    /** The block of a relocated directory this placeholder stands for, or -1. */
    long childLink() {
        return childLink;
    }

    /** Whether this is a relocated directory, listed instead where its placeholder is. */
    boolean isRelocated() {
        return relocated;
    }

    private void parseArea(byte[] area, int from, int to) {
        int at = from;
        while (at + 4 <= to) {
            int signature = (area[at] & 0xff) << 8 | (area[at + 1] & 0xff);
            int entryLength = area[at + 2] & 0xff;
            if (signature == 0) {
                return; // zero padding after the last entry
            }
            if (entryLength < 4 || at + entryLength > to) {
                throw corrupt("its SUSP entry " + signatureText(signature) + " claims " + entryLength
                        + " bytes where " + (to - at) + " remain");
            }
            switch (signature) {
                case ST:
                    return;
                case CE:
                    if (entryLength < 28) {
                        throw corrupt("its SUSP CE entry is only " + entryLength + " bytes long");
                    }
                    continuationBlockOfNext = IsoImage.uint32(area, at + 4);
                    continuationOffset = IsoImage.uint32(area, at + 12);
                    continuationLength = IsoImage.uint32(area, at + 20);
                    hasContinuation = true;
                    break;
                case NM:
                    if (entryLength > 5 && (area[at + 4] & (NM_CURRENT | NM_PARENT)) == 0) {
                        appendName(area, at + 5, entryLength - 5);
                    }
                    break;
                case SL:
                    if (entryLength >= 5) {
                        appendLinkComponents(area, at + 5, at + entryLength);
                    }
                    break;
                case CL:
                    if (entryLength >= 12) {
                        childLink = IsoImage.uint32(area, at + 4);
                    }
                    break;
                case RE:
                    relocated = true;
                    break;
                default:
                    break; // PX, TF, PN, ER, ... are not needed for reading files
            }
            at += entryLength;
        }
    }

    /** Names longer than one entry continue in the following NM entries. */
    private void appendName(byte[] area, int from, int count) {
        if (nameLength + count > MAX_NAME_BYTES) {
            throw corrupt("its Rock Ridge name is longer than " + MAX_NAME_BYTES + " bytes");
        }
        System.arraycopy(area, from, name, nameLength, count);
        nameLength += count;
    }

    /**
     * An SL entry holds component records (flags, length, bytes); a component flagged
     * "continue" goes on in the next record, possibly in the next SL entry.
     */
    private void appendLinkComponents(byte[] area, int from, int to) {
        hasTarget = true;
        int at = from;
        while (at + 2 <= to) {
            int componentFlags = area[at] & 0xff;
            int componentLength = area[at + 1] & 0xff;
            if (at + 2 + componentLength > to) {
                throw corrupt("a component of its Rock Ridge SL entry crosses the end of the entry");
            }
            if (targetLength > 0 && !componentContinues && target[targetLength - 1] != '/') {
                appendTarget((byte) '/');
            }
            if ((componentFlags & SL_ROOT) != 0) {
                appendTarget((byte) '/');
            } else if ((componentFlags & SL_CURRENT) != 0) {
                appendTarget((byte) '.');
            } else if ((componentFlags & SL_PARENT) != 0) {
                appendTarget((byte) '.');
                appendTarget((byte) '.');
            } else {
                for (int i = 0; i < componentLength; i++) {
                    appendTarget(area[at + 2 + i]);
                }
            }
            componentContinues = (componentFlags & SL_CONTINUE) != 0;
            at += 2 + componentLength;
        }
    }

    private void appendTarget(byte value) {
        if (target == null) {
            target = new byte[256];
        }
        if (targetLength == target.length) {
            if (targetLength == MAX_TARGET_BYTES) {
                throw corrupt("its Rock Ridge symbolic link target is longer than " + MAX_TARGET_BYTES + " bytes");
            }
            target = Arrays.copyOf(target, Math.min(MAX_TARGET_BYTES, targetLength * 2));
        }
        target[targetLength++] = value;
    }

    private byte[] continuationBlock(long blockNumber) {
        if (blockNumber != continuationBlockNumber) {
            if (continuationBlock == null) {
                continuationBlock = new byte[IsoImage.SECTOR];
            }
            continuationBlockNumber = -1; // in case the read fails half way
            budget.charge(IsoImage.SECTOR);
            image.readFully(ByteBuffer.wrap(continuationBlock), blockNumber * IsoImage.SECTOR,
                    "a SUSP continuation area of directory", directoryPath);
            continuationBlockNumber = blockNumber;
        }
        return continuationBlock;
    }

    private static String signatureText(int signature) {
        char first = (char) (signature >> 8);
        char second = (char) (signature & 0xff);
        boolean printable = first >= 0x21 && first < 0x7f && second >= 0x21 && second < 0x7f;
        return printable ? "\"" + first + second + "\"" : String.format("0x%04x", signature);
    }

    private BootloaderException corrupt(String problem) {
        return image.invalid("is corrupt: directory " + directoryPath + ": the record at offset "
                + recordPosition + ": " + problem);
    }
}
