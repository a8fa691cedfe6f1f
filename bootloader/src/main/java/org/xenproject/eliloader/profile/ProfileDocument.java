package org.xenproject.eliloader.profile;

import java.util.Map;

/**
 * One profile file as written, before inheritance is applied.
 *
 * @param id the profile's id (the {@code id} key, else the file name without {@code .yaml})
 * @param origin where it came from, for messages: a file path or {@code jar:NAME}
 * @param data the top-level keys, in file order
 */
public record ProfileDocument(String id, String origin, Map<String, Object> data) {

    public String parent() {
        Object parent = data.get("extends");
        return parent == null ? null : parent.toString();
    }
}
