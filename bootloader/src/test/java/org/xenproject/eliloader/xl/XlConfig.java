package org.xenproject.eliloader.xl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The xl configs of README's "Installing a PV guest with xl", read as xl reads them: {@code KEY =
 * VALUE} lines, a value a quoted string or a list of quoted strings ({@code xl.cfg(5)}).
 */
record XlConfig(String name, Map<String, Object> settings) {
    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    @SuppressWarnings("unchecked")
    List<String> bootloaderArgs() {
        return (List<String>) settings.getOrDefault("bootloader_args", List.of());
    }

    String value(String key) {
        return (String) settings.get(key);
    }

    /** Every config block (a fenced block with a {@code name =} line) of the README section titled {@code title}. */
    static List<XlConfig> fromReadme(Path readme, String title) {
        String text;
        try {
            text = Files.readString(readme);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = text.indexOf("\n## " + title + "\n");
        if (start < 0) {
            throw new AssertionError("README has no section " + title);
        }
        int end = text.indexOf("\n## ", start + 1);
        String section = text.substring(start, end < 0 ? text.length() : end);
        List<XlConfig> configs = new ArrayList<>();
        String[] blocks = section.split("```");
        for (int i = 1; i < blocks.length; i += 2) {
            XlConfig config = parse(blocks[i]);
            if (config.name() != null) {
                configs.add(config);
            }
        }
        return configs;
    }

    static XlConfig parse(String text) {
        Map<String, Object> settings = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (line.isBlank() || line.strip().startsWith("#") || eq < 0) {
                continue;
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (value.startsWith("[")) {
                List<String> items = new ArrayList<>();
                Matcher m = STRING.matcher(value);
                while (m.find()) {
                    items.add(unescape(m.group(1)));
                }
                settings.put(key, items);
            } else {
                Matcher m = STRING.matcher(value);
                settings.put(key, m.matches() ? unescape(m.group(1)) : value);
            }
        }
        return new XlConfig((String) settings.get("name"), settings);
    }

    private static String unescape(String s) {
        return s.replaceAll("\\\\(.)", "$1");
    }
}
