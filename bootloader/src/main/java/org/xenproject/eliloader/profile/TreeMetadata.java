package org.xenproject.eliloader.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.xenproject.eliloader.source.TreeFiles;

/**
 * The metadata files distributions put at the top of their trees, read into facts that profiles'
 * {@code detect} rules test. Each kind has fixed file names; the files come through the run's
 * {@link TreeFiles} cache.
 */
public final class TreeMetadata {
    /** Anaconda's tree description: {@code .treeinfo}, or {@code treeinfo} on some mirrors. */
    public static final List<String> TREEINFO = List.of(".treeinfo", "treeinfo");
    public static final String DISCINFO = ".discinfo";
    public static final String SUSE_CONTENT = "content";
    public static final String SUSE_PRODUCTS = "media.1/products";
    public static final String DISK_INFO = ".disk/info";

    private TreeMetadata() {
    }

    /** A metadata file that was found: where, and the facts read from it. */
    public record Found(String path, Map<String, String> facts) { }

    /** The facts of one kind (not {@code file} or {@code setting}), or empty when the tree lacks the file. */
    public static Optional<Found> read(String kind, TreeFiles tree) {
        return switch (kind) {
            case "treeinfo" -> tree.first(TREEINFO).map(e -> new Found(e.getKey(), treeinfoFacts(Ini.parse(e.getValue()))));
            case "discinfo" -> tree.text(DISCINFO).map(t -> new Found(DISCINFO, discinfoFacts(t)));
            case "suse-content" -> tree.text(SUSE_CONTENT).map(t -> new Found(SUSE_CONTENT, suseContentFacts(t)));
            case "suse-products" -> tree.text(SUSE_PRODUCTS).map(t -> new Found(SUSE_PRODUCTS, suseProductsFacts(t)));
            case "disk-info" -> tree.text(DISK_INFO).map(t -> new Found(DISK_INFO, Map.of("content", t.strip())));
            default -> throw new IllegalArgumentException("no metadata kind " + kind);
        };
    }

    /** The parsed {@code .treeinfo} (or {@code treeinfo}), if the tree has one. */
    public static Optional<Ini> treeinfo(TreeFiles tree) {
        return tree.first(TREEINFO).map(e -> Ini.parse(e.getValue()));
    }

    /**
     * {@code family}, {@code version}, {@code arch}, {@code variant} from either treeinfo style
     * ([general] of old trees, [release]/[tree] of productmd ones), plus every {@code SECTION.KEY}.
     */
    static Map<String, String> treeinfoFacts(Ini ini) {
        Map<String, String> facts = new LinkedHashMap<>();
        putFirst(facts, "family", ini.get("general", "family"), ini.get("release", "name"));
        putFirst(facts, "version", ini.get("general", "version"), ini.get("release", "version"));
        putFirst(facts, "arch", ini.get("general", "arch"), ini.get("tree", "arch"));
        putFirst(facts, "variant", ini.get("general", "variant"), ini.get("tree", "variants"));
        putFirst(facts, "short", ini.get("release", "short"));
        ini.sections().forEach((section, keys) -> keys.forEach((k, v) -> facts.putIfAbsent(section + "." + k, v)));
        return facts;
    }

    /** Line 1 a timestamp, line 2 the release name, line 3 the arch. */
    static Map<String, String> discinfoFacts(String text) {
        String[] lines = text.split("\r?\n");
        Map<String, String> facts = new LinkedHashMap<>();
        if (lines.length > 1) {
            facts.put("release", lines[1].strip());
        }
        if (lines.length > 2) {
            facts.put("arch", lines[2].strip());
        }
        return facts;
    }

    /** {@code KEY value} lines; facts are the keys in lower case ({@code label}, {@code version}, {@code distro}, …). */
    static Map<String, String> suseContentFacts(String text) {
        Map<String, String> facts = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            String[] kv = line.strip().split("\\s+", 2);
            if (kv.length == 2 && !kv[0].equals("HASH") && !kv[0].equals("META") && !kv[0].equals("KEY")) {
                facts.putIfAbsent(kv[0].toLowerCase(Locale.ROOT), kv[1].strip());
            }
        }
        return facts;
    }

    /** The first product: {@code PATH NAME VERSION}. */
    static Map<String, String> suseProductsFacts(String text) {
        Map<String, String> facts = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length >= 2) {
                facts.put("path", parts[0]);
                facts.put("name", parts[1]);
                if (parts.length >= 3) {
                    facts.put("version", parts[2]);
                }
                break;
            }
        }
        return facts;
    }

    /** SUSE {@code content} checksum lines: {@code HASH SHA256 HEX  PATH}, as path → (algorithm, hex). */
    public static Map<String, String[]> suseContentHashes(String text) {
        Map<String, String[]> result = new LinkedHashMap<>();
        for (String line : text.split("\r?\n")) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length == 4 && parts[0].equals("HASH")) {
                result.putIfAbsent(parts[3], new String[] {parts[1].toLowerCase(Locale.ROOT), parts[2].toLowerCase(Locale.ROOT)});
            }
        }
        return result;
    }

    private static void putFirst(Map<String, String> facts, String key, String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                facts.put(key, v);
                return;
            }
        }
    }

    /** A small INI reader for {@code .treeinfo}: sections, {@code key = value}, {@code #}/{@code ;} comments. */
    public static final class Ini {
        private final Map<String, Map<String, String>> sections;

        private Ini(Map<String, Map<String, String>> sections) {
            this.sections = sections;
        }

        public static Ini parse(String text) {
            Map<String, Map<String, String>> sections = new LinkedHashMap<>();
            Map<String, String> current = null;
            for (String raw : text.split("\r?\n")) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                    continue;
                }
                if (line.startsWith("[") && line.endsWith("]")) {
                    current = sections.computeIfAbsent(line.substring(1, line.length() - 1).strip(), k -> new LinkedHashMap<>());
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq > 0 && current != null) {
                    current.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
            return new Ini(sections);
        }

        public String get(String section, String key) {
            Map<String, String> s = sections.get(section);
            return s == null ? null : s.get(key);
        }

        public Map<String, String> section(String name) {
            return sections.getOrDefault(name, Map.of());
        }

        public Map<String, Map<String, String>> sections() {
            return sections;
        }

        public List<String> sectionNames() {
            return new ArrayList<>(sections.keySet());
        }
    }
}
