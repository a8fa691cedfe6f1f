package org.xenproject.eliloader.round.pygrub;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * pygrub options as kept in {@code PV-bootloader-args} (which xenopsd splits on spaces and
 * passes to pygrub) or given on eliloader's own command line. Value options are
 * {@code --kernel}, {@code --ramdisk}, {@code --entry}, {@code --offset} and {@code --args}, written
 * {@code --name=V} or {@code --name V}; {@code -n}, {@code -l} and {@code --isconfig} are pygrub's
 * inspection flags. Options eliloader sets itself for a hand-off ({@code -q}, the output options,
 * {@code --runas}, {@code -i}) are dropped; anything else is kept as it is.
 */
public final class PygrubArgs {
    public static final Set<String> VALUE_OPTIONS = Set.of("kernel", "ramdisk", "entry", "offset", "args");
    /** pygrub flags that inspect instead of boot: a hand-off with them is a dry run. */
    public static final Set<String> INSPECTION_FLAGS = Set.of("-n", "-l", "--isconfig");
    private static final Set<String> DROPPED_VALUE_OPTIONS = Set.of("output", "output-format", "output-directory",
            "runas");
    private static final Set<String> DROPPED_FLAGS = Set.of("-q", "--quiet", "-i", "--interactive");

    /** One option: {@code name} is {@code kernel} etc. for a value option, else the token itself. */
    public record Option(String name, String value) {
        public boolean isValueOption() {
            return value != null;
        }
    }

    private final List<Option> options;

    private PygrubArgs(List<Option> options) {
        this.options = List.copyOf(options);
    }

    public static PygrubArgs empty() {
        return new PygrubArgs(List.of());
    }

    /** Parses a {@code PV-bootloader-args} value; as xenopsd does, it is split on spaces. */
    public static PygrubArgs parse(String text) {
        if (text == null || text.isBlank()) {
            return empty();
        }
        return parse(List.of(text.strip().split(" +")));
    }

    /** Parses argument tokens; a value option at the end without its value is dropped. */
    public static PygrubArgs parse(List<String> tokens) {
        List<Option> result = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (token.isEmpty() || DROPPED_FLAGS.contains(token)) {
                continue;
            }
            String canonicalFlag = canonicalFlag(token);
            if (canonicalFlag != null) {
                result.add(new Option(canonicalFlag, null));
                continue;
            }
            if (token.startsWith("--")) {
                int eq = token.indexOf('=');
                String name = eq < 0 ? token.substring(2) : token.substring(2, eq);
                if (VALUE_OPTIONS.contains(name) || DROPPED_VALUE_OPTIONS.contains(name)) {
                    String value;
                    if (eq >= 0) {
                        value = token.substring(eq + 1);
                    } else if (i + 1 < tokens.size()) {
                        value = tokens.get(++i);
                    } else {
                        continue;
                    }
                    if (VALUE_OPTIONS.contains(name)) {
                        result.add(new Option(name, value));
                    }
                    continue;
                }
            }
            result.add(new Option(token, null));
        }
        return new PygrubArgs(result);
    }

    private static String canonicalFlag(String token) {
        return switch (token) {
            case "-n", "--not-really" -> "-n";
            case "-l", "--list-entries" -> "-l";
            case "--isconfig" -> "--isconfig";
            default -> null;
        };
    }

    public List<Option> options() {
        return options;
    }

    public boolean isEmpty() {
        return options.isEmpty();
    }

    /** The value of a value option, or null. */
    public String value(String name) {
        String found = null;
        for (Option o : options) {
            if (name.equals(o.name()) && o.isValueOption()) {
                found = o.value();
            }
        }
        return found;
    }

    public boolean hasInspectionFlag() {
        return options.stream().anyMatch(o -> INSPECTION_FLAGS.contains(o.name()));
    }

    /** These options without the named ones. */
    public PygrubArgs without(Collection<String> names) {
        return new PygrubArgs(options.stream().filter(o -> !names.contains(o.name())).toList());
    }

    /** These options with {@code name} set to {@code value} (replacing earlier values), at the end. */
    public PygrubArgs with(String name, String value) {
        if (!VALUE_OPTIONS.contains(name)) {
            throw new IllegalArgumentException("not a pygrub value option: " + name);
        }
        List<Option> result = new ArrayList<>(without(List.of(name)).options);
        result.add(new Option(name, value));
        return new PygrubArgs(result);
    }

    /**
     * {@code base} overlaid with {@code over}: a value option in {@code over} replaces the same
     * option in {@code base}; repeated flags and plain tokens appear once.
     */
    public static PygrubArgs overlay(PygrubArgs base, PygrubArgs over) {
        List<Option> result = new ArrayList<>();
        for (Option o : base.options) {
            boolean replaced = o.isValueOption() && over.value(o.name()) != null;
            if (!replaced && !result.contains(o)) {
                result.add(o);
            }
        }
        for (Option o : over.options) {
            if (o.isValueOption()) {
                result.removeIf(r -> r.name().equals(o.name()));
            }
            if (!result.contains(o)) {
                result.add(o);
            }
        }
        return new PygrubArgs(result);
    }

    /** The form stored in {@code PV-bootloader-args}: {@code --kernel K --ramdisk R}, split on spaces by xenopsd. */
    public String toRecordValue() {
        List<String> parts = new ArrayList<>();
        for (Option o : options) {
            parts.add(o.isValueOption() ? "--" + o.name() + " " + o.value() : o.name());
        }
        return String.join(" ", parts);
    }

    /** Argument tokens for running pygrub: each value option as one {@code --name=V} token. */
    public List<String> toArguments() {
        List<String> parts = new ArrayList<>();
        for (Option o : options) {
            parts.add(o.isValueOption() ? "--" + o.name() + "=" + o.value() : o.name());
        }
        return parts;
    }

    @Override
    public String toString() {
        return toRecordValue();
    }
}
