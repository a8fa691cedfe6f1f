package org.xenproject.eliloader.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.xenproject.eliloader.cli.Main;

/** Runs the program in-process, as a caller would, and keeps what it printed. */
public record Run(int status, byte[] stdoutBytes, String stderr) {

    public String stdout() {
        return new String(stdoutBytes, StandardCharsets.UTF_8);
    }

    /** Runs with an environment holding only {@code environment} (no config file is read). */
    public static Run of(Map<String, String> environment, List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = new HashMap<>(environment);
        env.putIfAbsent("ELILOADER_CONFIG", "/nonexistent/eliloader.conf");
        env.putIfAbsent("ELILOADER_SYSLOG", "0");
        // a run's own cache unless the test names one: runs never share cached files by accident,
        // and nothing reaches the host's /var/cache/eliloader
        java.nio.file.Path cache = null;
        if (!env.containsKey("ELILOADER_CACHE_DIR")) {
            try {
                cache = java.nio.file.Files.createTempDirectory("eliloader-run-cache-");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            env.put("ELILOADER_CACHE_DIR", cache.toString());
        }
        int status;
        try {
            status = Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            if (cache != null) {
                deleteTree(cache);
            }
        }
        return new Run(status, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    private static void deleteTree(java.nio.file.Path root) {
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(root)) {
            for (java.nio.file.Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        } catch (java.io.IOException ignored) {
            // a temporary directory
        }
    }

    public static Run of(List<String> args) {
        return of(Map.of(), args);
    }

    /**
     * The items of an answer in the simple format on stdout, by name ({@code kernel}, {@code
     * ramdisk}, {@code args}), in order; a line without a space is a name with an empty value.
     */
    public Map<String, String> answer() {
        Map<String, String> items = new LinkedHashMap<>();
        for (String line : stdout().split("\n")) {
            int space = line.indexOf(' ');
            items.put(space < 0 ? line : line.substring(0, space), space < 0 ? "" : line.substring(space + 1));
        }
        return items;
    }

    /** The error code from {@code RuntimeError: CODE}, or null. */
    public String errorCode() {
        for (String line : stderr.split("\n")) {
            if (line.startsWith("RuntimeError: ")) {
                return line.substring("RuntimeError: ".length());
            }
        }
        return null;
    }
}
