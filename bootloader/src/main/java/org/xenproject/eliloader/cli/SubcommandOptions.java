package org.xenproject.eliloader.cli;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.error.BootloaderException;

/**
 * The options of the developer subcommands ({@code profiles}, {@code probe}): their own
 * {@code --name VALUE} / {@code --name=VALUE} options and flags, every host setting, and
 * positional arguments.
 */
final class SubcommandOptions {
    final Map<String, String> values = new LinkedHashMap<>();
    final List<String> flags = new ArrayList<>();
    final List<String> positional = new ArrayList<>();
    final Map<Setting, String> settings = new EnumMap<>(Setting.class);
    boolean debug;

    static SubcommandOptions parse(String command, List<String> args, Set<String> valueOptions, Set<String> flagOptions) {
        SubcommandOptions o = new SubcommandOptions();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--debug")) {
                o.debug = true;
            } else if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
                if (flagOptions.contains(name) && eq < 0) {
                    o.flags.add(name);
                    continue;
                }
                Setting setting = Setting.forKey(name);
                if (!valueOptions.contains(name) && setting == null) {
                    throw BootloaderException.usage("Unknown option --" + name + " for " + command + ".");
                }
                String value;
                if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw BootloaderException.usage("Option --" + name + " needs a value.");
                }
                if (setting != null) {
                    o.settings.put(setting, value);
                } else {
                    o.values.put(name, value);
                }
            } else {
                o.positional.add(arg);
            }
        }
        return o;
    }

    String value(String name) {
        String v = values.get(name);
        return v == null || v.isBlank() ? null : v;
    }

    boolean flag(String name) {
        return flags.contains(name);
    }
}
