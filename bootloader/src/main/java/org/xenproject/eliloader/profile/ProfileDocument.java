package org.xenproject.eliloader.profile;

import java.util.Map;

/**
 * One profile file as written, before inheritance is applied.
 *
 * @param id the profile's id (the {@code id} key, else the file name without {@code .yaml})
 * @param origin where it came from, for messages: a file path or {@code jar:NAME}
 * @param data the top-level keys, in file order
 * @param lines the line (1-based) of each value, by path: {@code rounds}, {@code args.vnc},
 *     {@code boot-files[0].kernel}; empty when the document was not read from text
 */
public record ProfileDocument(String id, String origin, Map<String, Object> data, Map<String, Integer> lines) {

    public ProfileDocument(String id, String origin, Map<String, Object> data) {
        this(id, origin, data, Map.of());
    }

    public String parent() {
        Object parent = data.get("extends");
        return parent == null ? null : parent.toString();
    }

    /** The line of a path, else of its nearest enclosing path, else 0 (unknown). */
    public int line(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
        return 0;
    }

    /** {@code ORIGIN:LINE} of a path, for messages. */
    public String where(String path) {
        return ProfileException.location(origin, line(path));
    }
}
