package org.xenproject.eliloader.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A distribution profile after inheritance: everything the program needs to know about one
 * family or version of installer. Built from YAML; see README "Profile format".
 */
public final class Profile {
    /** Keys a profile file may use; anything else is a mistake worth reporting. */
    public static final Set<String> KEYS = Set.of("id", "extends", "abstract", "description", "aliases",
            "arch-names", "requires", "variables", "boot-files", "cdrom-boot-files", "args", "vnc-password",
            "rounds");
    static final Set<String> ARG_KEYS = Set.of("repository", "cdrom", "vnc", "vnc-password", "always");
    /** The round actions the program implements; a profile names them in {@code rounds}. */
    public static final Set<String> ACTIONS = Set.of("fetch-boot-files", "pygrub-handoff", "domuloader-probe",
            "avoid-uek-entries", "remove-updates-disk", "boot-from-first-disk");
    /** The action that hands the boot over to pygrub; it must end its round. */
    static final String HANDOFF = "pygrub-handoff";

    /** A kernel and (optionally) an initrd, as paths in the tree; placeholders allowed. */
    public record BootFiles(String kernel, String ramdisk) { }

    /** A variable computed for each run; {@code value} is not used when the repository URL contains {@code unlessRepositoryContains}. */
    public record Variable(String value, String unlessRepositoryContains) { }

    /** Length rules of the installer's VNC password (0 = no rule). */
    public record PasswordRule(int minLength, int maxLength) { }

    private final String id;
    private final String origin;
    private final boolean isAbstract;
    private final String description;
    private final List<String> aliases;
    private final Map<String, String> archNames;
    private final List<String> requires;
    private final Map<String, Variable> variables;
    private final List<BootFiles> bootFiles;
    private final List<BootFiles> cdromBootFiles;
    private final Map<String, String> args;
    private final PasswordRule vncPassword;
    private final List<List<String>> rounds;

    private Profile(String id, String origin, Map<String, Object> data) {
        Fields f = new Fields(origin, data);
        this.id = id;
        this.origin = origin;
        this.isAbstract = f.bool("abstract");
        this.description = f.text("description", id);
        this.aliases = f.strings("aliases");
        this.archNames = f.stringMap("arch-names");
        this.requires = f.strings("requires");
        this.variables = new LinkedHashMap<>();
        f.map("variables").forEach((name, spec) -> variables.put(name, f.variable(name, spec)));
        this.bootFiles = f.bootFiles("boot-files");
        this.cdromBootFiles = data.containsKey("cdrom-boot-files") ? f.bootFiles("cdrom-boot-files") : bootFiles;
        this.args = f.stringMap("args");
        f.checkKeys("args", args.keySet(), ARG_KEYS);
        Map<String, String> rule = f.stringMap("vnc-password");
        f.checkKeys("vnc-password", rule.keySet(), Set.of("min-length", "max-length"));
        this.vncPassword = new PasswordRule(f.integer("vnc-password.min-length", rule.get("min-length")),
                f.integer("vnc-password.max-length", rule.get("max-length")));
        this.rounds = f.rounds();
    }

    /** Builds a profile from merged (inherited) data; throws {@link ProfileException} naming the origin. */
    public static Profile of(String id, String origin, Map<String, Object> mergedData) {
        return new Profile(id, origin, mergedData);
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

    /** The installer's name for an {@code install-arch} value, or the value itself. */
    public String archName(String installArch) {
        return archNames.getOrDefault(installArch, installArch);
    }

    public List<String> requires() {
        return requires;
    }

    public Map<String, Variable> variables() {
        return variables;
    }

    public List<BootFiles> bootFiles(boolean cdrom) {
        return cdrom ? cdromBootFiles : bootFiles;
    }

    /** The argument template for a purpose ({@code repository}, {@code cdrom}, {@code vnc}, …). */
    public Optional<String> arg(String purpose) {
        return Optional.ofNullable(args.get(purpose)).filter(s -> !s.isBlank());
    }

    public PasswordRule vncPassword() {
        return vncPassword;
    }

    /** The round plan: for each round, the actions in order. */
    public List<List<String>> rounds() {
        return rounds;
    }

    @Override
    public String toString() {
        return id;
    }

    /** Typed access to the raw YAML values, with errors naming the file and key. */
    private static final class Fields {
        private final String origin;
        private final Map<String, Object> data;

        Fields(String origin, Map<String, Object> data) {
            this.origin = origin;
            this.data = data;
            checkKeys("profile", data.keySet(), KEYS);
        }

        void checkKeys(String where, Set<String> present, Set<String> allowed) {
            for (String key : present) {
                if (!allowed.contains(key)) {
                    throw error(where + " has an unknown key \"" + key + "\" (known: " + new java.util.TreeSet<>(allowed) + ")");
                }
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
            throw error(key + " must be true or false");
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
                throw error(key + " must be a list");
            }
            return list.stream().map(String::valueOf).toList();
        }

        Map<String, Object> map(String key) {
            Object v = data.get(key);
            if (v == null) {
                return Map.of();
            }
            if (!(v instanceof Map<?, ?> m)) {
                throw error(key + " must be a mapping");
            }
            Map<String, Object> result = new LinkedHashMap<>();
            m.forEach((k, val) -> result.put(String.valueOf(k), val));
            return result;
        }

        Map<String, String> stringMap(String key) {
            Map<String, String> result = new LinkedHashMap<>();
            map(key).forEach((k, v) -> {
                if (v instanceof Map<?, ?> || v instanceof List<?>) {
                    throw error(key + "." + k + " must be a plain value");
                }
                result.put(k, v == null ? "" : v.toString());
            });
            return result;
        }

        int integer(String key, String value) {
            if (value == null || value.isEmpty()) {
                return 0;
            }
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw error(key + " must be a number, not \"" + value + "\"");
            }
        }

        Variable variable(String name, Object spec) {
            if (spec instanceof Map<?, ?> m) {
                for (Object k : m.keySet()) {
                    if (!"value".equals(k) && !"unless-repository-contains".equals(k)) {
                        throw error("variables." + name + " has an unknown key \"" + k + "\"");
                    }
                }
                Object value = m.get("value");
                Object unless = m.get("unless-repository-contains");
                return new Variable(value == null ? "" : value.toString(), unless == null ? null : unless.toString());
            }
            return new Variable(spec == null ? "" : spec.toString(), null);
        }

        List<BootFiles> bootFiles(String key) {
            Object v = data.get(key);
            if (v == null) {
                return List.of();
            }
            if (!(v instanceof List<?> list)) {
                throw error(key + " must be a list of {kernel, ramdisk}");
            }
            List<BootFiles> result = new ArrayList<>();
            for (Object item : list) {
                if (!(item instanceof Map<?, ?> m) || !(m.get("kernel") instanceof String kernel)) {
                    throw error(key + ": each entry needs a kernel path");
                }
                for (Object k : m.keySet()) {
                    if (!"kernel".equals(k) && !"ramdisk".equals(k)) {
                        throw error(key + " entry has an unknown key \"" + k + "\"");
                    }
                }
                Object ramdisk = m.get("ramdisk");
                result.add(new BootFiles(kernel, ramdisk == null ? null : ramdisk.toString()));
            }
            return List.copyOf(result);
        }

        List<List<String>> rounds() {
            Object v = data.get("rounds");
            if (v == null) {
                return List.of();
            }
            if (!(v instanceof List<?> list)) {
                throw error("rounds must be a list of rounds, each a list of actions");
            }
            List<List<String>> result = new ArrayList<>();
            for (Object round : list) {
                if (!(round instanceof List<?> actions)) {
                    throw error("rounds: each round must be a list of actions");
                }
                List<String> names = actions.stream().map(String::valueOf).toList();
                for (String action : names) {
                    if (!ACTIONS.contains(action)) {
                        throw error("rounds: unknown action \"" + action + "\" (known: " + new java.util.TreeSet<>(ACTIONS) + ")");
                    }
                }
                if (names.contains(HANDOFF) && !names.get(names.size() - 1).equals(HANDOFF)) {
                    throw error("rounds: " + HANDOFF + " hands the boot over and must be the last action of its round");
                }
                result.add(names);
            }
            return List.copyOf(result);
        }

        ProfileException error(String message) {
            return new ProfileException(origin + ": " + message);
        }
    }
}
