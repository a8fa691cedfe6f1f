package org.xenproject.eliloader.source;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a scheme tells about the version of a file without its bytes: http's {@code etag},
 * {@code last-modified} and {@code length}; ftp's {@code mdtm} and {@code size}; smb, nfs and
 * file's {@code size} and {@code mtime}. Two versions with equal validators are taken to be the
 * same file. {@link #NONE} means the scheme told nothing: such a file is never taken from a cache.
 * Names and values are single-line text (they are stored in cache entries).
 */
public record Validators(Map<String, String> values) {
    public static final Validators NONE = new Validators(Map.of());

    public Validators {
        TreeMap<String, String> copy = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k != null && v != null && !v.isEmpty()) {
                if (!k.matches("[a-z][a-z0-9-]*") || v.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                    throw new IllegalArgumentException("bad validator " + k);
                }
                copy.put(k, v);
            }
        });
        values = Collections.unmodifiableMap(copy);
    }

    /** Validators from name, value pairs; null values are left out. */
    public static Validators of(String... namesAndValues) {
        TreeMap<String, String> map = new TreeMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                map.put(namesAndValues[i], namesAndValues[i + 1]);
            }
        }
        return new Validators(map);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public String get(String name) {
        return values.get(name);
    }
}
