package org.xenproject.eliloader.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;

/**
 * The host configuration, resolved and checked once per run: option &gt; environment variable
 * &gt; config file &gt; built-in default. The config file is {@code key = value} lines with
 * {@code #} comments, the keys being {@link Setting#key()}.
 *
 * <p>This is the one place values are parsed: every value is checked against its setting's
 * {@link Setting.Kind} when the settings are resolved, so a bad number, flag or path is a
 * {@code USAGE} error with the same sentence wherever it was written, before anything is done.
 */
public final class Settings {
    public static final Path DEFAULT_CONFIG_FILE = Path.of("/etc/eliloader/eliloader.conf");
    public static final String CONFIG_FILE_VARIABLE = "ELILOADER_CONFIG";

    private final Map<Setting, String> values;
    private final Map<Setting, Object> parsed;

    private Settings(Map<Setting, String> values, Map<Setting, Object> parsed) {
        this.values = values;
        this.parsed = parsed;
    }

    /**
     * Resolves and checks every setting.
     *
     * @param options settings given on the command line
     * @param environment the process environment
     * @param configFile the config file; a missing file is the normal case
     */
    public static Settings resolve(Map<Setting, String> options, Map<String, String> environment,
            Path configFile) {
        Map<Setting, String> fromFile = readConfigFile(configFile);
        Map<Setting, String> resolved = new EnumMap<>(Setting.class);
        Map<Setting, Object> parsed = new EnumMap<>(Setting.class);
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
                parsed.put(s, parse(s, value));
            }
        }
        return new Settings(resolved, parsed);
    }

    /** The built-in defaults only (tests, and code that runs before a command line is read). */
    public static Settings defaults() {
        return resolve(Map.of(), Map.of(), Path.of("/nonexistent/eliloader.conf"));
    }

    /** The config file named by {@code ELILOADER_CONFIG}, else the system one. */
    public static Path configFile(Map<String, String> environment) {
        String named = emptyToNull(environment.get(CONFIG_FILE_VARIABLE));
        return named == null ? DEFAULT_CONFIG_FILE : Path.of(named);
    }

    /** The value as written (after precedence), for text settings and messages. */
    public Optional<String> get(Setting setting) {
        return Optional.ofNullable(values.get(setting));
    }

    /** A setting that always has a default, as text. */
    public String require(Setting setting) {
        return get(setting).orElseThrow(() -> new IllegalStateException(setting + " has no default"));
    }

    /** A {@link Setting.Kind#PATH} setting; empty when it has no value and no default. */
    public Optional<Path> path(Setting setting) {
        return Optional.ofNullable((Path) typed(setting, Setting.Kind.PATH));
    }

    /** A {@link Setting.Kind#PATH} setting that always has a default. */
    public Path requirePath(Setting setting) {
        return path(setting).orElseThrow(() -> new IllegalStateException(setting + " has no default"));
    }

    /** A {@link Setting.Kind#SECONDS} setting. */
    public Duration duration(Setting setting) {
        return (Duration) required(setting, Setting.Kind.SECONDS);
    }

    /** A {@link Setting.Kind#COUNT} setting. */
    public int count(Setting setting) {
        return (Integer) required(setting, Setting.Kind.COUNT);
    }

    /** A {@link Setting.Kind#RATE} setting, in bytes per second. */
    public long rate(Setting setting) {
        return (Long) required(setting, Setting.Kind.RATE);
    }

    /** A {@link Setting.Kind#MEBIBYTES} setting, in bytes. */
    public long bytes(Setting setting) {
        return (Long) required(setting, Setting.Kind.MEBIBYTES);
    }

    /** A {@link Setting.Kind#FLAG} setting. */
    public boolean flag(Setting setting) {
        return (Boolean) required(setting, Setting.Kind.FLAG);
    }

    private Object required(Setting setting, Setting.Kind kind) {
        Object value = typed(setting, kind);
        if (value == null) {
            throw new IllegalStateException(setting + " has no default");
        }
        return value;
    }

    private Object typed(Setting setting, Setting.Kind kind) {
        if (setting.kind() != kind) {
            throw new IllegalArgumentException(setting + " is a " + setting.kind() + " setting, not " + kind);
        }
        return parsed.get(setting);
    }

    /** Parses one value by its setting's kind; a bad value is a USAGE error naming every spelling. */
    static Object parse(Setting setting, String text) {
        String value = text.strip();
        switch (setting.kind()) {
            case TEXT:
                return text;
            case PATH:
                if (!value.isEmpty() && value.indexOf('\0') < 0) {
                    try {
                        return Path.of(value);
                    } catch (InvalidPathException e) {
                        // reported below
                    }
                }
                break;
            case SECONDS:
                Long seconds = Values.wholeNumber(value, 1, 86_400);
                if (seconds != null) {
                    return Duration.ofSeconds(seconds);
                }
                break;
            case COUNT:
                Long count = Values.wholeNumber(value, 0, 100);
                if (count != null) {
                    return count.intValue();
                }
                break;
            case RATE:
                Long rate = Values.wholeNumber(value, 0, 1_000_000_000L);
                if (rate != null) {
                    return rate;
                }
                break;
            case MEBIBYTES:
                Long mebibytes = Values.wholeNumber(value, 0, 1L << 20);
                if (mebibytes != null) {
                    return mebibytes << 20;
                }
                break;
            case FLAG:
                Boolean flag = Values.flag(value);
                if (flag != null) {
                    return flag;
                }
                break;
            default:
                throw new IllegalStateException(setting.kind().toString());
        }
        throw BootloaderException.usage("The setting " + setting.key() + " (" + setting.spellings() + ") is "
                + Values.quote(text) + "; it must be " + setting.kind().expected() + ".");
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
                throw BootloaderException.usage(
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
