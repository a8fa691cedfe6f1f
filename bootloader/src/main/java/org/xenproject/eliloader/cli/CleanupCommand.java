package org.xenproject.eliloader.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.round.RunDirectory;
import org.xenproject.eliloader.source.iso.GuestIsoSource;
import org.xenproject.eliloader.toolstack.local.LocalJsonStore;

/**
 * {@code eliloader cleanup [--output-directory=DIR]} removes what killed runs left in the output
 * directory: the private directories of runs whose process is gone, and the files they had given
 * their final names but never handed over. Every VM start does the same first; this is for a
 * boot script or an administrator. Files handed over to a caller are never touched. With a local
 * VM store ({@code --vm-store}), the temporary copies of it that killed runs left go too.
 */
final class CleanupCommand {
    private final PrintStream out;
    private final SubcommandOptions options;
    private final Settings settings;

    CleanupCommand(List<String> args, Map<String, String> environment, PrintStream out) {
        this.out = out;
        this.options = SubcommandOptions.parse("cleanup", args, Set.of(), Set.of());
        this.settings = Settings.resolve(options.settings, environment, Settings.configFile(environment));
    }

    int run() {
        if (!options.positional.isEmpty()) {
            throw BootloaderException.usage("cleanup takes no arguments.");
        }
        Path directory = settings.requirePath(Setting.OUTPUT_DIRECTORY);
        List<Path> removed = new java.util.ArrayList<>(RunDirectory.sweep(directory));
        // a local VM store's temporary copies left by killed runs
        settings.path(Setting.VM_STORE).ifPresent(store -> removed.addAll(LocalJsonStore.sweep(store)));
        // the socket directories of deprivileged CD readers whose run was killed
        removed.addAll(RunDirectory.sweepScratch(Path.of(System.getProperty("java.io.tmpdir")),
                GuestIsoSource.SCRATCH_PREFIX));
        for (Path path : removed) {
            out.print("removed " + path + "\n");
        }
        out.print(removed.size() + (removed.size() == 1 ? " leftover" : " leftovers") + " removed from " + directory
                + ".\n");
        out.flush();
        return 0;
    }
}
