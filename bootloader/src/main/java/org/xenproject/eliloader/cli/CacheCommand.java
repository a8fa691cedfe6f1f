package org.xenproject.eliloader.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.xenproject.eliloader.cache.BootFileCache;
import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;

/**
 * {@code eliloader cache list} shows the host-wide cache's entries (most recently used first:
 * size, last use, where from, password masked); {@code eliloader cache clear} removes every
 * entry no start is using at that moment.
 */
final class CacheCommand {
    private final PrintStream out;
    private final SubcommandOptions options;
    private final Settings settings;

    CacheCommand(List<String> args, Map<String, String> environment, PrintStream out) {
        this.out = out;
        this.options = SubcommandOptions.parse("cache", args, Set.of(), Set.of());
        this.settings = Settings.resolve(options.settings, environment, Settings.configFile(environment));
    }

    int run() {
        if (options.positional.size() != 1) {
            throw BootloaderException.usage("cache needs one command: list or clear.");
        }
        Path dir = settings.requirePath(Setting.CACHE_DIR);
        String command = options.positional.get(0);
        if (!command.equals("list") && !command.equals("clear")) {
            throw BootloaderException.usage("Unknown cache command \"" + command + "\" (list or clear).");
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            out.println(command.equals("list") ? "The cache " + dir + " is empty (it does not exist)."
                    : "Nothing to clear: " + dir + " does not exist.");
            return 0;
        }
        try {
            BootFileCache cache = BootFileCache.open(dir, settings.bytes(Setting.CACHE_MAX_SIZE));
            if (command.equals("list")) {
                long total = 0;
                List<BootFileCache.Entry> entries = cache.list();
                for (BootFileCache.Entry e : entries) {
                    // the description comes from a file: no control characters reach the terminal
                    out.printf("%12d  %s  %s%n", e.size(), Instant.ofEpochMilli(e.usedMillis()),
                            e.source().replaceAll("\\p{Cntrl}", "?"));
                    total += e.size();
                }
                out.printf("%d entries, %d bytes, at most %d bytes (cache-max-size)%n", entries.size(), total,
                        settings.bytes(Setting.CACHE_MAX_SIZE));
            } else {
                int[] result = cache.clear();
                out.println("Removed " + result[0] + " entries" + (result[1] == 0 ? "" : "; " + result[1]
                        + " in use by a start were left"));
            }
            return 0;
        } catch (IOException e) {
            throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "Cannot use the cache " + dir + ": "
                    + e.getMessage(), e);
        }
    }
}
