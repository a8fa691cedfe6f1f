package org.xenproject.eliloader.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /** Metadata kinds that may state a family and version, in the order they are believed. */
    static final List<String> STATING_KINDS = List.of("treeinfo", "suse-products", "suse-content", "discinfo",
            "disk-info");
    private static final Pattern NAME_THEN_VERSION = Pattern.compile("^(.*?\\S)[\\s_-]+v?(\\d+(?:\\.\\d+)*)");

    /**
     * The family and version a metadata file states about its tree, when it states both:
     * {@code .treeinfo} {@code family}/{@code version} (or productmd's {@code [release]}),
     * {@code media.1/products} name and version, SUSE {@code content} ({@code PRODUCT}/{@code NAME}
     * with {@code VERSION}, else {@code LABEL}, else the {@code DISTRO cpe:/o:VENDOR:PRODUCT:VERSION,NAME}
     * of {@code CONTENTSTYLE 11}), {@code .discinfo}'s release line, {@code .disk/info}.
     */
    public static Optional<Release.Stated> stated(String kind, Found found) {
        Map<String, String> f = found.facts();
        String where = found.path();
        return switch (kind) {
            case "treeinfo" -> pair(f.get("family"), f.get("version"), where);
            case "suse-products" -> pair(f.get("name"), f.get("version"), where);
            case "suse-content" -> pair(f.get("product"), f.get("version"), where)
                    .or(() -> pair(f.get("name"), f.get("version"), where))
                    .or(() -> split(f.get("label"), where))
                    .or(() -> cpe(f.get("distro"), where));
            case "discinfo" -> split(f.get("release"), where);
            case "disk-info" -> split(f.get("content"), where);
            default -> Optional.empty();
        };
    }

    private static Optional<Release.Stated> pair(String family, String version, String where) {
        if (family == null || family.isBlank() || version == null || version.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new Release.Stated(oneLine(family), oneLine(version), where));
    }

    /** {@code NAME VERSION …}, e.g. {@code Ubuntu-Server 22.04.3 LTS "Jammy Jellyfish"}. */
    private static Optional<Release.Stated> split(String text, String where) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = NAME_THEN_VERSION.matcher(oneLine(text));
        return m.find() ? pair(m.group(1), m.group(2), where) : Optional.empty();
    }

    /** {@code cpe:/o:suse:sles:12:sp5,SUSE Linux Enterprise Server 12 SP5}: the name after the comma, else the CPE. */
    private static Optional<Release.Stated> cpe(String distro, String where) {
        if (distro == null) {
            return Optional.empty();
        }
        int comma = distro.indexOf(',');
        if (comma >= 0) {
            Optional<Release.Stated> named = split(distro.substring(comma + 1), where);
            if (named.isPresent()) {
                return named;
            }
        }
        String[] parts = (comma >= 0 ? distro.substring(0, comma) : distro).strip().split(":");
        // cpe:/o:VENDOR:PRODUCT:VERSION[:UPDATE]
        return parts.length >= 5 ? pair(parts[2] + ":" + parts[3], parts[4], where) : Optional.empty();
    }

    private static String oneLine(String text) {
        String line = text.strip();
        int newline = line.indexOf('\n');
        line = newline < 0 ? line : line.substring(0, newline).strip();
        return line.length() > 80 ? line.substring(0, 80) : line;
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
