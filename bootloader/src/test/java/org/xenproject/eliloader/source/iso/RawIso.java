package org.xenproject.eliloader.source.iso;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of a small ISO image, with just enough navigation to find a directory record and
 * corrupt it on purpose. Independent of the reader under test: it trusts the image.
 */
final class RawIso {
    static final int SECTOR = 2048;
    static final int PRIMARY_DESCRIPTOR = 16 * SECTOR;
    static final int PRIMARY_ROOT_RECORD = PRIMARY_DESCRIPTOR + 156;

    private final Path file;
    final byte[] bytes;

    private RawIso(Path file, byte[] bytes) {
        this.file = file;
        this.bytes = bytes;
    }

    static RawIso load(Path file) throws IOException {
        return new RawIso(file, Files.readAllBytes(file));
    }

    void save() throws IOException {
        Files.write(file, bytes);
    }

    /** The root record of the Joliet supplementary volume descriptor. */
    int jolietRootRecord() {
        for (int offset = PRIMARY_DESCRIPTOR; (bytes[offset] & 0xff) != 255; offset += SECTOR) {
            if (bytes[offset] == 2 && bytes[offset + 88] == '%' && bytes[offset + 89] == '/') {
                return offset + 156;
            }
        }
        throw new IllegalStateException("no Joliet descriptor");
    }

    /** The record of {@code path} ('/'-separated), starting at a root record. */
    int record(int rootRecord, boolean joliet, String path) {
        int current = rootRecord;
        for (String component : path.split("/")) {
            int found = -1;
            for (int record : records(current)) {
                if (identifier(record, joliet).equalsIgnoreCase(component)) {
                    found = record;
                }
            }
            if (found < 0) {
                throw new IllegalStateException("no " + component + " in " + path);
            }
            current = found;
        }
        return current;
    }

    /** Offsets of all records (with "." and "..") of the directory described by a record. */
    List<Integer> records(int directoryRecord) {
        List<Integer> records = new ArrayList<>();
        int start = extent(directoryRecord) * SECTOR;
        int end = start + dataLength(directoryRecord);
        int at = start;
        while (at < end) {
            int length = bytes[at] & 0xff;
            if (length == 0) {
                at = (at / SECTOR + 1) * SECTOR;
                continue;
            }
            records.add(at);
            at += length;
        }
        return records;
    }

    String identifier(int record, boolean joliet) {
        int length = bytes[record + 32] & 0xff;
        String raw = joliet
                ? new String(bytes, record + 33, length, StandardCharsets.UTF_16BE)
                : new String(bytes, record + 33, length, StandardCharsets.ISO_8859_1);
        return DirectoryReader.withoutVersion(raw);
    }

    /** Offset of the first SUSP entry with this signature in the record's own System Use field. */
    int suspEntry(int record, String signature) {
        int identifierLength = bytes[record + 32] & 0xff;
        int at = record + 33 + identifierLength + (identifierLength % 2 == 0 ? 1 : 0);
        int end = record + (bytes[record] & 0xff);
        while (at + 4 <= end && (bytes[at + 2] & 0xff) >= 4) {
            if (bytes[at] == signature.charAt(0) && bytes[at + 1] == signature.charAt(1)) {
                return at;
            }
            at += bytes[at + 2] & 0xff;
        }
        throw new IllegalStateException("no SUSP " + signature + " entry in record at " + record);
    }

    int extent(int record) {
        return (int) IsoImage.uint32(bytes, record + 2);
    }

    int dataLength(int record) {
        return (int) IsoImage.uint32(bytes, record + 10);
    }

    void setExtent(int record, long block) {
        putBothEndian(record + 2, block);
    }

    void setDataLength(int record, long length) {
        putBothEndian(record + 10, length);
    }

    /** ISO 9660 stores most numbers twice: little-endian, then big-endian. */
    void putBothEndian(int offset, long value) {
        for (int i = 0; i < 4; i++) {
            bytes[offset + i] = (byte) (value >>> (8 * i));
            bytes[offset + 7 - i] = (byte) (value >>> (8 * i));
        }
    }
}
