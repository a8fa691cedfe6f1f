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
        int status = Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
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
