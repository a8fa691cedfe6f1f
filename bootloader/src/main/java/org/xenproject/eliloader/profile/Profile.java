package org.xenproject.eliloader.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.xenproject.eliloader.config.InstallKey;

/**
 * A distribution profile after inheritance: everything the program needs to know about one
 * family or version of installer. Built from YAML; see README "Profile format", which documents
 * every key accepted here.
 */
public final class Profile {
    /** Keys a profile file may use; anything else is a mistake worth reporting. */
    public static final Set<String> KEYS = Set.of("id", "extends", "abstract", "description", "aliases",
            "default-for", "arch-names", "requires", "variables", "boot-files", "cdrom-boot-files", "bundled-files",
            "args", "vnc-password", "rounds", "cdrom", "detect", "checksums", "vendor-initrds", "updates-disk",
            "release", "unsupported", "expect-files");
    /** Keys that may be overridden for CD installs under {@code cdrom:}. */
    public static final Set<String> CDROM_KEYS = Set.of("requires", "variables", "boot-files", "bundled-files",
            "args", "vnc-password", "rounds", "checksums", "expect-files");
    static final Set<String> ARG_KEYS = Set.of("repository", "cdrom", "vnc", "vnc-password", "always");
    /** The round actions a profile may name in {@code rounds}. */
    public static final Set<String> ACTIONS = Set.of("fetch-boot-files", "bundled-boot-files", "pygrub-handoff",
            "domuloader-probe", "avoid-uek-entries", "remove-updates-disk", "boot-from-first-disk");
    /** Metadata kinds a {@code detect} rule can test. */
    public static final Set<String> DETECT_KINDS = Set.of("treeinfo", "discinfo", "suse-content", "suse-products",
            "disk-info", "file", "setting");
    /** The facts each metadata kind yields (TreeMetadata); suse-content's are its keys, any. */
    static final Map<String, Set<String>> FACTS = Map.of("treeinfo", Set.of("family", "version", "arch", "variant",
            "short"), "discinfo", Set.of("release", "arch"), "suse-products", Set.of("path", "name", "version"),
            "disk-info", Set.of("content"), "file", Set.of("content"));
    /** Kinds of published checksums a profile can name. */
    public static final Set<String> CHECKSUM_TYPES = Set.of("treeinfo", "suse-content", "sums");
    public static final Set<String> ALGORITHMS = Set.of("sha256", "sha1", "md5", "sha512");
    /** The VM's other-config keys a profile may require or a detection rule may test. */
    public static final Set<String> SETTINGS = InstallKey.profileKeys();
    /** Variables every profile can use without declaring them. */
    public static final Set<String> BUILTIN_VARIABLES = Set.of("repository", "repository-scheme", "repository-host",
            "repository-path", "repository-anaconda", "arch", "install-arch", "release", "vnc-password", "install-kernel",
            "install-ramdisk");
    /** The action that hands the boot over to pygrub; it must end its round. */
    static final String HANDOFF = "pygrub-handoff";

    /**
     * A kernel and (optionally) an initrd. Either paths in the tree (placeholders allowed), or
     * {@code treeinfo}: the name of a {@code .treeinfo} section whose {@code kernel}/{@code initrd}
     * keys give them. {@code arches} limits the entry to those installer arch names (empty: all).
     */
    public record BootFiles(String kernel, String ramdisk, String treeinfoSection, List<String> arches) {
        public BootFiles(String kernel, String ramdisk) {
            this(kernel, ramdisk, null, List.of());
        }

        public boolean fromTreeinfo() {
            return treeinfoSection != null;
        }

        public boolean suits(String arch) {
            return arches.isEmpty() || arches.contains(arch);
        }
    }

    /**
     * A variable computed for each run. {@code value} is its template; {@code byArch} gives a
     * template per installer arch name instead; it is empty when the repository URL contains
     * {@code unlessRepositoryContains}; {@code without} (a regular expression, or null) is
     * removed from the expanded value (e.g. an archive pocket: {@code focal-updates} → {@code focal}).
     */
    public record Variable(String value, String unlessRepositoryContains, Map<String, String> byArch,
            Pattern without) {
        public Variable(String value, String unlessRepositoryContains) {
            this(value, unlessRepositoryContains, Map.of(), null);
        }
    }

    /**
     * A file the tree must have before anything is fetched ({@code expect-files}), e.g. the
     * {@code Release} file of the suite {@code debian-release} names; {@code otherwise} is the
     * sentence of the {@code UNSUPPORTED_INSTALL_METHOD} error when it is missing. Both templates.
     */
    public record ExpectedFile(String path, String otherwise) { }

    /** Length rules of the installer's VNC password (0 = no rule). */
    /** Length rules of the installer's VNC password (0 = no rule). */
    public record PasswordRule(int minLength, int maxLength) { }

    /** One detection rule: for each metadata kind, the facts (regular expressions) that must all match. */
    public record DetectRule(Map<String, Map<String, Pattern>> conditions, String filePath) {
        /** How specific the rule is: the number of facts it tests. */
        public int weight() {
            return conditions.values().stream().mapToInt(Map::size).sum();
        }
    }

    /** Where the tree publishes checksums: {@code type}, and for {@code sums} the file and algorithm. */
    public record ChecksumSource(String type, String file, String algorithm) { }

    /** A vendor initrd recognised by MD5. */
    public record VendorInitrd(String md5, String name) { }

    /** How round actions find the additional updates disk: a VBD with these other-config pairs and/or userdevice. */
    public record UpdatesDisk(Map<String, String> otherConfig, String userdevice) {
        public boolean matches(org.xenproject.eliloader.toolstack.Vbd vbd) {
            if (userdevice != null && !userdevice.equals(vbd.userdevice())) {
                return false;
            }
            for (Map.Entry<String, String> e : otherConfig.entrySet()) {
                String value = vbd.otherConfig().get(e.getKey());
                if (value == null || !value.strip().equalsIgnoreCase(e.getValue().strip())) {
                    return false;
                }
            }
            return userdevice != null || !otherConfig.isEmpty();
        }

        /** The marker as messages name it: {@code other-config:KEY=VALUE} pairs and/or {@code userdevice N}. */
        public String describe() {
            List<String> parts = new ArrayList<>();
            new java.util.TreeMap<>(otherConfig).forEach((k, v) -> parts.add("other-config:" + k + "=" + v));
            if (userdevice != null) {
                parts.add("userdevice " + userdevice);
            }
            return String.join(" and ", parts);
        }
    }

    private final String id;
    private final String origin;
    private final Map<String, Object> data;
    private final boolean isAbstract;
    private final boolean cdromView;
    private final String description;
    private final List<String> aliases;
    private final List<String> defaultFor;
    private final Map<String, String> archNames;
    private final List<String> requires;
    private final Map<String, Variable> variables;
    private final List<BootFiles> bootFiles;
    private final List<BootFiles> bundledFiles;
    private final Map<String, String> args;
    private final PasswordRule vncPassword;
    private final RoundPlan rounds;
    private final List<DetectRule> detect;
    private final List<ChecksumSource> checksums;
    private final List<VendorInitrd> vendorInitrds;
    private final UpdatesDisk updatesDisk;
    private final Release release;
    private final String unsupported;
    private final List<ExpectedFile> expectFiles;
    private final boolean vncPasswordRequired;
    private Profile cdromVariant;

    private Profile(String id, String origin, Map<String, Object> data, ToIntFunction<String> lines, boolean cdromView) {
        Fields f = new Fields(origin, data, lines);
        this.id = id;
        this.origin = origin;
        this.data = data;
        this.cdromView = cdromView;
        f.checkKeys("", data.keySet(), KEYS);
        this.isAbstract = f.bool("abstract");
        this.description = f.text("description", id);
        this.aliases = f.strings("aliases");
        this.defaultFor = f.strings("default-for");
        this.archNames = f.stringMap("arch-names");
        this.requires = f.strings("requires");
        for (int i = 0; i < requires.size(); i++) {
            f.checkName("requires[" + i + "]", "requires", requires.get(i), SETTINGS);
        }
        this.variables = new LinkedHashMap<>();
        f.map("variables").forEach((name, spec) -> variables.put(name, f.variable(name, spec)));
        this.bootFiles = f.bootFiles("boot-files", true);
        this.bundledFiles = f.bootFiles("bundled-files", false);
        if (data.containsKey("cdrom-boot-files")) {
            f.bootFiles("cdrom-boot-files", true);
        }
        this.args = f.stringMap("args");
        f.checkKeys("args", args.keySet(), ARG_KEYS);
        Map<String, String> rule = f.stringMap("vnc-password");
        f.checkKeys("vnc-password", rule.keySet(), Set.of("min-length", "max-length", "required"));
        this.vncPassword = new PasswordRule(f.integer("vnc-password.min-length", rule.get("min-length")),
                f.integer("vnc-password.max-length", rule.get("max-length")));
        if (vncPassword.maxLength() > 0 && vncPassword.minLength() > vncPassword.maxLength()) {
            throw f.error("vnc-password.min-length", "vnc-password.min-length " + vncPassword.minLength()
                    + " is more than max-length " + vncPassword.maxLength() + ": no password could suit it");
        }
        this.rounds = RoundPlan.of(f.rounds());
        Map<String, Object> cdrom = f.map("cdrom");
        f.checkKeys("cdrom", cdrom.keySet(), CDROM_KEYS);
        this.detect = f.detect();
        this.checksums = f.checksums();
        this.vendorInitrds = f.vendorInitrds();
        this.updatesDisk = f.updatesDisk();
        this.release = f.release();
        this.expectFiles = f.expectFiles();
        this.vncPasswordRequired = f.flag("vnc-password.required", f.stringMap("vnc-password").get("required"));
        this.unsupported = data.get("unsupported") == null ? null : f.text("unsupported", "").strip();
        if (!cdrom.isEmpty() || data.containsKey("cdrom-boot-files")) {
            // checks the overrides now, so a mistake in them is reported for every install
            new Profile(id, origin, cdromData(data), p -> lines.applyAsInt(p.startsWith("cdrom") ? p : "cdrom." + p),
                    true);
        }
    }

    /** Builds a profile from merged (inherited) data; throws {@link ProfileException} naming the origin. */
    public static Profile of(String id, String origin, Map<String, Object> mergedData) {
        return new Profile(id, origin, mergedData, p -> 0, false);
    }

    /** Checks one document's own keys and values, reporting problems at their lines. */
    static Profile checked(ProfileDocument doc) {
        return new Profile(doc.id(), doc.origin(), doc.data(), doc::line, false);
    }

    /** The profile as a CD install sees it: the {@code cdrom:} overrides applied. */
    public Profile forInstall(boolean cdrom) {
        if (!cdrom || cdromView) {
            return this;
        }
        if (cdromVariant == null) {
            cdromVariant = new Profile(id, origin, cdromData(data), p -> 0, true);
        }
        return cdromVariant;
    }

    private static Map<String, Object> cdromData(Map<String, Object> data) {
        Map<String, Object> result = new LinkedHashMap<>(data);
        result.remove("cdrom");
        Object legacy = result.remove("cdrom-boot-files");
        if (legacy != null) {
            result.put("boot-files", legacy);
        }
        if (data.get("cdrom") instanceof Map<?, ?> overrides) {
            overrides.forEach((k, v) -> result.merge(String.valueOf(k), v, ProfileRegistry::mergeValue));
        }
        return result;
    }

    public String id() {
        return id;
    }

    public String origin() {
        return origin;
    }

    public boolean isAbstract() {
        return isAbstract;
    }

    public String description() {
        return description;
    }

    public List<String> aliases() {
        return aliases;
    }

    /** The aliases for which this profile is taken when the tree does not say which version it holds. */
    public List<String> defaultFor() {
        return defaultFor;
    }

    /** The installer's name for an {@code install-arch} value, or the value itself. */
    public String archName(String installArch) {
        return archNames.getOrDefault(installArch, installArch);
    }

    public Map<String, String> archNames() {
        return archNames;
    }

    public List<String> requires() {
        return requires;
    }

    public Map<String, Variable> variables() {
        return variables;
    }

    /** The layouts to try, in order, for a network install or (with {@code cdrom}) a CD install. */
    public List<BootFiles> bootFiles(boolean cdrom) {
        return forInstall(cdrom).bootFiles;
    }

    /** Kernel and initrd shipped on the host, relative to the guest-installer directory. */
    public List<BootFiles> bundledFiles() {
        return bundledFiles;
    }

    /** The argument template for a purpose ({@code repository}, {@code cdrom}, {@code vnc}, …). */
    public Optional<String> arg(String purpose) {
        return Optional.ofNullable(args.get(purpose)).filter(s -> !s.isBlank());
    }

    public PasswordRule vncPassword() {
        return vncPassword;
    }

    /** The round plan: for each round, the actions in order. */
    public RoundPlan rounds() {
        return rounds;
    }

    public List<DetectRule> detect() {
        return detect;
    }

    /**
     * Whether {@code install-vnc} needs {@code install-vncpasswd} ({@code vnc-password.required}):
     * the installer stops to ask on the console when remote access is on without one.
     */
    public boolean vncPasswordRequired() {
        return vncPasswordRequired;
    }

    /** Files the tree must have before anything is fetched ({@code expect-files}). */
    public List<ExpectedFile> expectFiles() {
        return expectFiles;
    }

    /** The family and version range the profile is for ({@code release}), if it says. */
    public Optional<Release> release() {
        return Optional.ofNullable(release);
    }

    /**
     * Why this release cannot be installed as a PV guest and what to do instead
     * ({@code unsupported}); selecting such a profile is {@code UNSUPPORTED_INSTALL_METHOD}.
     */
    public Optional<String> unsupported() {
        return Optional.ofNullable(unsupported);
    }

    public List<ChecksumSource> checksums() {
        return checksums;
    }

    public List<VendorInitrd> vendorInitrds() {
        return vendorInitrds;
    }

    /** The updates disk that {@code remove-updates-disk} removes, when the profile names one. */
    public Optional<UpdatesDisk> updatesDisk() {
        return Optional.ofNullable(updatesDisk);
    }

    /**
     * The run's variables: the built-ins given, then the profile's own in file order (each may
     * use those before it).
     */
    public Map<String, String> variables(Map<String, String> builtins, String repositoryLocation) {
        Map<String, String> vars = new LinkedHashMap<>(builtins);
        String arch = vars.getOrDefault("arch", "");
        variables.forEach((name, variable) -> {
            boolean skip = variable.unlessRepositoryContains() != null && repositoryLocation != null
                    && repositoryLocation.contains(variable.unlessRepositoryContains());
            String template = variable.byArch().isEmpty() ? variable.value()
                    : variable.byArch().getOrDefault(arch, variable.value());
            String value = skip ? "" : Template.expand(template, vars, origin + " variables." + name);
            vars.put(name, variable.without() == null ? value : variable.without().matcher(value).replaceFirst(""));
        });
        return vars;
    }

    /** The raw merged data, for validation of templates. */
    Map<String, Object> data() {
        return data;
    }

    @Override
    public String toString() {
        return id;
    }

    /** Typed access to the raw YAML values, with errors naming the file, line and key. */
    private static final class Fields {
        private final String origin;
        private final Map<String, Object> data;
        private final ToIntFunction<String> lines;

        Fields(String origin, Map<String, Object> data, ToIntFunction<String> lines) {
            this.origin = origin;
            this.data = data;
            this.lines = lines;
        }

        void checkKeys(String where, Set<String> present, Set<String> allowed) {
            for (String key : present) {
                if (!allowed.contains(key)) {
                    String path = where.isEmpty() ? key : where + "." + key;
                    String hint = closest(key, allowed).map(c -> " (did you mean \"" + c + "\"?)").orElse("");
                    throw error(path, (where.isEmpty() ? "unknown key" : "unknown key in " + where) + " \"" + key
                            + "\"" + hint);
                }
            }
        }

        void checkName(String path, String where, String name, Set<String> known) {
            if (!known.contains(name)) {
                throw error(path, where + " names an unknown other-config key \"" + name + "\""
                        + closest(name, known).map(c -> " (did you mean \"" + c + "\"?)").orElse(""));
            }
        }

        boolean bool(String key) {
            Object v = data.get(key);
            if (v == null) {
                return false;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            throw error(key, key + " must be true or false");
        }

        String text(String key, String fallback) {
            Object v = data.get(key);
            return v == null ? fallback : v.toString();
        }

        List<String> strings(String key) {
            Object v = data.get(key);
            if (v == null) {
                return List.of();
            }
            if (!(v instanceof List<?> list)) {
                throw error(key, key + " must be a list");
            }
            return list.stream().map(String::valueOf).toList();
        }

        Map<String, Object> map(String key) {
            return map(key, data.get(key));
        }

        Map<String, Object> map(String path, Object v) {
            if (v == null) {
                return Map.of();
            }
            if (!(v instanceof Map<?, ?> m)) {
                throw error(path, path + " must be a mapping");
            }
            Map<String, Object> result = new LinkedHashMap<>();
            m.forEach((k, val) -> result.put(String.valueOf(k), val));
            return result;
        }

        Map<String, String> stringMap(String key) {
            return stringMap(key, data.get(key));
        }

        Map<String, String> stringMap(String path, Object value) {
            Map<String, String> result = new LinkedHashMap<>();
            map(path, value).forEach((k, v) -> {
                if (v instanceof Map<?, ?> || v instanceof List<?>) {
                    throw error(path + "." + k, path + "." + k + " must be a plain value");
                }
                result.put(k, v == null ? "" : v.toString());
            });
            return result;
        }

        boolean flag(String key, String value) {
            if (value == null || value.isEmpty() || value.equals("false")) {
                return false;
            }
            if (value.equals("true")) {
                return true;
            }
            throw error(key, key + " must be true or false, not \"" + value + "\"");
        }

        int integer(String key, String value) {
            if (value == null || value.isEmpty()) {
                return 0;
            }
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw error(key, key + " must be a number, not \"" + value + "\"");
            }
        }

        Variable variable(String name, Object spec) {
            String path = "variables." + name;
            if (spec instanceof Map<?, ?>) {
                Map<String, Object> m = map(path, spec);
                checkKeys(path, m.keySet(), Set.of("value", "unless-repository-contains", "by-arch", "without"));
                Object value = m.get("value");
                Object unless = m.get("unless-repository-contains");
                Pattern without = null;
                if (m.get("without") != null) {
                    try {
                        without = Pattern.compile(m.get("without").toString());
                    } catch (PatternSyntaxException e) {
                        throw error(path + ".without", path + ".without is not a valid regular expression: "
                                + e.getDescription());
                    }
                }
                return new Variable(value == null ? "" : value.toString(), unless == null ? null : unless.toString(),
                        stringMap(path + ".by-arch", m.get("by-arch")), without);
            }
            if (spec instanceof List<?>) {
                throw error(path, path + " must be a text or a mapping");
            }
            return new Variable(spec == null ? "" : spec.toString(), null);
        }

        List<BootFiles> bootFiles(String key, boolean treeinfoAllowed) {
            Object v = data.get(key);
            if (v == null) {
                return List.of();
            }
            if (!(v instanceof List<?> list)) {
                throw error(key, key + " must be a list of {kernel, ramdisk}");
            }
            List<BootFiles> result = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String path = key + "[" + i + "]";
                Map<String, Object> m = map(path, list.get(i));
                checkKeys(path, m.keySet(), treeinfoAllowed ? Set.of("kernel", "ramdisk", "treeinfo", "arch")
                        : Set.of("kernel", "ramdisk", "arch"));
                List<String> arches = m.get("arch") == null ? List.of()
                        : m.get("arch") instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                        : List.of(m.get("arch").toString());
                Object section = m.get("treeinfo");
                if (section != null) {
                    if (m.containsKey("kernel") || m.containsKey("ramdisk")) {
                        throw error(path, path + ": give either treeinfo or kernel/ramdisk, not both");
                    }
                    result.add(new BootFiles(null, null, section.toString(), arches));
                    continue;
                }
                if (!(m.get("kernel") instanceof String kernel) || kernel.isBlank()) {
                    throw error(path, path + " needs a kernel path" + (treeinfoAllowed ? " or a treeinfo section" : ""));
                }
                Object ramdisk = m.get("ramdisk");
                result.add(new BootFiles(kernel, ramdisk == null ? null : ramdisk.toString(), null, arches));
            }
            return List.copyOf(result);
        }

        List<List<String>> rounds() {
            Object v = data.get("rounds");
            if (v == null) {
                return List.of();
            }
            if (!(v instanceof List<?> list)) {
                throw error("rounds", "rounds must be a list of rounds, each a list of actions");
            }
            List<List<String>> result = new ArrayList<>();
            for (int r = 0; r < list.size(); r++) {
                if (!(list.get(r) instanceof List<?> actions) || actions.isEmpty()) {
                    throw error("rounds[" + r + "]", "round " + (r + 1) + " must be a non-empty list of actions");
                }
                List<String> names = actions.stream().map(String::valueOf).toList();
                for (int a = 0; a < names.size(); a++) {
                    if (!ACTIONS.contains(names.get(a))) {
                        throw error("rounds[" + r + "][" + a + "]", "unknown action \"" + names.get(a) + "\""
                                + closest(names.get(a), ACTIONS).map(c -> " (did you mean \"" + c + "\"?)").orElse(""));
                    }
                }
                if (names.contains(HANDOFF) && !names.get(names.size() - 1).equals(HANDOFF)) {
                    throw error("rounds[" + r + "]", "rounds: " + HANDOFF
                            + " hands the boot over and must be the last action of its round");
                }
                result.add(names);
            }
            return List.copyOf(result);
        }

        List<DetectRule> detect() {
            Object v = data.get("detect");
            if (v == null) {
                return List.of();
            }
            if (!(v instanceof List<?> list)) {
                throw error("detect", "detect must be a list of rules");
            }
            List<DetectRule> rules = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String path = "detect[" + i + "]";
                Map<String, Object> rule = map(path, list.get(i));
                if (rule.isEmpty()) {
                    throw error(path, path + " tests nothing");
                }
                checkKeys(path, rule.keySet(), DETECT_KINDS);
                Map<String, Map<String, Pattern>> conditions = new LinkedHashMap<>();
                String filePath = null;
                for (Map.Entry<String, Object> kind : rule.entrySet()) {
                    String kindPath = path + "." + kind.getKey();
                    Map<String, String> facts = new LinkedHashMap<>(stringMap(kindPath, kind.getValue()));
                    if (kind.getKey().equals("setting")) {
                        for (String key : facts.keySet()) {
                            checkName(kindPath + "." + key, kindPath, key, SETTINGS);
                        }
                    }
                    if (kind.getKey().equals("file")) {
                        filePath = facts.remove("path");
                        if (filePath == null || filePath.isBlank()) {
                            throw error(kindPath, kindPath + " needs a path");
                        }
                    }
                    if (facts.isEmpty()) {
                        throw error(kindPath, kindPath + " tests no fact");
                    }
                    Set<String> known = FACTS.get(kind.getKey());
                    for (String fact : facts.keySet()) {
                        boolean treeinfoKey = kind.getKey().equals("treeinfo") && fact.indexOf('.') > 0;
                        if (known != null && !known.contains(fact) && !treeinfoKey) {
                            throw error(kindPath + "." + fact, kindPath + " tests the unknown fact \"" + fact
                                    + "\"; " + kind.getKey() + " has " + new java.util.TreeSet<>(known)
                                    + (kind.getKey().equals("treeinfo") ? " and SECTION.KEY" : ""));
                        }
                    }
                    Map<String, Pattern> patterns = new LinkedHashMap<>();
                    facts.forEach((fact, regex) -> {
                        try {
                            patterns.put(fact, Pattern.compile(regex));
                        } catch (PatternSyntaxException e) {
                            throw error(kindPath + "." + fact, kindPath + "." + fact + " is not a valid regular expression: "
                                    + e.getDescription());
                        }
                    });
                    conditions.put(kind.getKey(), patterns);
                }
                rules.add(new DetectRule(conditions, filePath));
            }
            return List.copyOf(rules);
        }

        List<ChecksumSource> checksums() {
            Object v = data.get("checksums");
            if (v == null) {
                return List.of();
            }
            if (!(v instanceof List<?> list)) {
                throw error("checksums", "checksums must be a list");
            }
            List<ChecksumSource> result = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String path = "checksums[" + i + "]";
                Map<String, String> m = stringMap(path, list.get(i));
                checkKeys(path, m.keySet(), Set.of("type", "file", "algorithm"));
                String type = m.get("type");
                if (type == null || !CHECKSUM_TYPES.contains(type)) {
                    throw error(path, path + ": type must be one of " + new TreeSet<>(CHECKSUM_TYPES));
                }
                String file = m.get("file");
                String algorithm = m.get("algorithm");
                if (type.equals("sums")) {
                    if (file == null || file.isBlank() || algorithm == null || !ALGORITHMS.contains(algorithm)) {
                        throw error(path, path + ": type sums needs a file and an algorithm (one of "
                                + new TreeSet<>(ALGORITHMS) + ")");
                    }
                } else if (file != null || algorithm != null) {
                    throw error(path, path + ": type " + type + " takes no file or algorithm");
                }
                result.add(new ChecksumSource(type, file, algorithm));
            }
            return List.copyOf(result);
        }

        List<VendorInitrd> vendorInitrds() {
            Object v = data.get("vendor-initrds");
            if (v == null) {
                return List.of();
            }
            if (!(v instanceof List<?> list)) {
                throw error("vendor-initrds", "vendor-initrds must be a list of {md5, name}");
            }
            List<VendorInitrd> result = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String path = "vendor-initrds[" + i + "]";
                Map<String, String> m = stringMap(path, list.get(i));
                checkKeys(path, m.keySet(), Set.of("md5", "name"));
                String md5 = m.getOrDefault("md5", "").toLowerCase(java.util.Locale.ROOT);
                if (!md5.matches("[0-9a-f]{32}") || m.getOrDefault("name", "").isBlank()) {
                    throw error(path, path + " needs an md5 of 32 hex digits and a name");
                }
                result.add(new VendorInitrd(md5, m.get("name")));
            }
            return List.copyOf(result);
        }

        UpdatesDisk updatesDisk() {
            Object v = data.get("updates-disk");
            if (v == null) {
                return null;
            }
            Map<String, Object> m = map("updates-disk", v);
            checkKeys("updates-disk", m.keySet(), Set.of("other-config", "userdevice"));
            Map<String, String> otherConfig = stringMap("updates-disk.other-config", m.get("other-config"));
            Object userdevice = m.get("userdevice");
            if (otherConfig.isEmpty() && userdevice == null) {
                throw error("updates-disk", "updates-disk needs other-config pairs or a userdevice");
            }
            return new UpdatesDisk(Map.copyOf(otherConfig), userdevice == null ? null : userdevice.toString());
        }

        List<ExpectedFile> expectFiles() {
            Object v = data.get("expect-files");
            if (v == null) {
                return List.of();
            }
            if (!(v instanceof List<?> list)) {
                throw error("expect-files", "expect-files must be a list of {path, otherwise}");
            }
            List<ExpectedFile> result = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String path = "expect-files[" + i + "]";
                Map<String, String> entry = stringMap(path, list.get(i));
                checkKeys(path, entry.keySet(), Set.of("path", "otherwise"));
                if (entry.get("path") == null || entry.get("path").isBlank() || entry.get("otherwise") == null
                        || entry.get("otherwise").isBlank()) {
                    throw error(path, path + " needs a path and an otherwise sentence");
                }
                result.add(new ExpectedFile(entry.get("path"), entry.get("otherwise").strip()));
            }
            return List.copyOf(result);
        }

        Release release() {
            Map<String, String> spec = stringMap("release");
            if (spec.isEmpty()) {
                return null;
            }
            checkKeys("release", spec.keySet(), Set.of("family", "versions", "rebuild-of"));
            String family = spec.get("family");
            String versions = spec.get("versions");
            if (family == null || family.isBlank() || versions == null || versions.isBlank()) {
                throw error("release", "release needs a family (regular expression) and versions (V, V-W or V+)");
            }
            Pattern pattern;
            try {
                pattern = Pattern.compile(family);
            } catch (PatternSyntaxException e) {
                throw error("release.family", "release.family is not a valid regular expression: " + e.getDescription());
            }
            String rebuildOf = spec.get("rebuild-of");
            if (rebuildOf != null && rebuildOf.isBlank()) {
                throw error("release.rebuild-of", "release.rebuild-of names the family this one rebuilds, as its trees state it");
            }
            return Release.of(pattern, versions, rebuildOf == null ? null : rebuildOf.strip()).orElseThrow(() -> error("release.versions",
                    "release.versions must be V, V-W (V not above W) or V+ with dotted numbers, not \"" + versions + "\""));
        }

        ProfileException error(String path, String message) {
            return ProfileException.at(origin, lines.applyAsInt(path), message).at(path);
        }
    }

    /** The known name nearest to a misspelt one (at most two edits away). */
    static Optional<String> closest(String name, Set<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : new TreeSet<>(known)) {
            int d = distance(name, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
