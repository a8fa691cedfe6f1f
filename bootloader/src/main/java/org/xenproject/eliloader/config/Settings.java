package org.xenproject.eliloader.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;

/**
 * The host configuration, resolved once per run: option &gt; environment variable &gt; config
 * file &gt; built-in default. The config file is {@code key = value} lines with {@code #}
 * comments, the keys being {@link Setting#key()}.
 */
public final class Settings {
    public static final Path DEFAULT_CONFIG_FILE = Path.of("/etc/eliloader/eliloader.conf");
    public static final String CONFIG_FILE_VARIABLE = "ELILOADER_CONFIG";

    private final Map<Setting, String> values;

    private Settings(Map<Setting, String> values) {
        this.values = values;
    }

    /**
     * Resolves every setting.
     *
     * @param options settings given on the command line
     * @param environment the process environment
     * @param configFile the config file; a missing file is the normal case
     */
    public static Settings resolve(Map<Setting, String> options, Map<String, String> environment,
            Path configFile) {
        Map<Setting, String> fromFile = readConfigFile(configFile);
        Map<Setting, String> resolved = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            String value = options.get(s);
            if (value == null) {
                value = emptyToNull(environment.get(s.environmentVariable()));
            }
            if (value == null) {
                value = fromFile.get(s);
            }
            if (value == null) {
                value = s.defaultValue();
            }
            if (value != null) {
                resolved.put(s, value);
            }
        }
        return new Settings(resolved);
    }

    /** The config file named by {@code ELILOADER_CONFIG}, else the system one. */
    public static Path configFile(Map<String, String> environment) {
        String named = emptyToNull(environment.get(CONFIG_FILE_VARIABLE));
        return named == null ? DEFAULT_CONFIG_FILE : Path.of(named);
    }

    public Optional<String> get(Setting setting) {
        return Optional.ofNullable(values.get(setting));
    }

    public Optional<Path> path(Setting setting) {
        return get(setting).map(Path::of);
    }

    /** A setting that always has a default. */
    public String require(Setting setting) {
        return get(setting).orElseThrow(() -> new IllegalStateException(setting + " has no default"));
    }

    private static Map<Setting, String> readConfigFile(Path file) {
        Map<Setting, String> result = new EnumMap<>(Setting.class);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return result;
        } catch (IOException e) {
            throw new BootloaderException(ErrorCode.INTERNAL_ERROR,
                    "Cannot read the configuration file " + file + ": " + e.getMessage(), e);
        }
        int lineNumber = 0;
        for (String raw : lines) {
            lineNumber++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            Setting setting = eq < 0 ? null : Setting.forKey(line.substring(0, eq).strip());
            if (setting == null) {
                throw new BootloaderException(ErrorCode.INTERNAL_ERROR,
                        "Bad line in " + file + ":" + lineNumber + ": expected KEY = VALUE with a known key.");
            }
            result.put(setting, line.substring(eq + 1).strip());
        }
        return result;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
