package org.xenproject.eliloader.source.nfs;

import java.io.ByteArrayOutputStream;

/** Hex strings for byte-level assertions; spaces and newlines are ignored. */
final class Hex {
    private Hex() {
    }

    static byte[] bytes(String hex) {
        String clean = hex.replaceAll("\\s+", "");
        if (clean.length() % 2 != 0) {
            throw new IllegalArgumentException("odd number of hex digits: " + hex);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < clean.length(); i += 2) {
            out.write(Integer.parseInt(clean.substring(i, i + 2), 16));
        }
        return out.toByteArray();
    }

    static String of(byte[] data, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            if (i > 0 && i % 4 == 0) {
                b.append(' ');
            }
            b.append(String.format("%02x", data[i] & 0xff));
        }
        return b.toString();
    }

    static String of(XdrWriter w) {
        return of(w.buffer(), w.length());
    }

    /** Normalises a hex string to the grouping {@link #of} produces. */
    static String norm(String hex) {
        byte[] b = bytes(hex);
        return of(b, b.length);
    }
}
