package org.xenproject.eliloader.toolstack.xl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.xenproject.eliloader.config.InstallKey;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.round.Bookkeeping;
import org.xenproject.eliloader.toolstack.VmRecord;
import org.xenproject.eliloader.toolstack.local.LocalJsonStore;

/**
 * The install state of one VM under xl, as {@code eliloader xl status} shows it.
 *
 * @param name the VM's name
 * @param file its state file
 * @param exists whether the file exists (a VM without one starts at round 1)
 * @param installed whether the last round is done (every start is a pygrub hand-off)
 * @param round the round the next start boots (0 once installed)
 * @param profile the profile round 1 chose, for the later rounds; null when none is recorded
 * @param pvBootloaderArgs the pygrub options the rounds stored (SLES domUloader probe, EL entry)
 * @param configChange the xl config change a round asked for; null when none
 * @param problem why the state file cannot be read; null when it can
 */
public record XlState(String name, Path file, boolean exists, boolean installed, int round, String profile,
        String pvBootloaderArgs, String configChange, String problem) {

    /** The state of VM {@code name}; a file that cannot be read gives a state naming the problem. */
    public static XlState of(Path stateDir, String name) {
        Path file = XlToolstack.stateFile(stateDir, name);
        try {
            LocalJsonStore store = XlToolstack.readIfPresent(file);
            if (store == null) {
                return new XlState(name, file, false, false, 1, null, "", null, null);
            }
            VmRecord vm = store.readVm(name);
            boolean installed = Bookkeeping.PYGRUB.equals(vm.pvBootloader());
            int round = installed ? 0 : parseRound(vm.otherConfig(InstallKey.ROUND.key()).orElse("1"));
            return new XlState(name, file, true, installed, round, vm.otherConfig(InstallKey.PROFILE.key()).orElse(null),
                    vm.pvBootloaderArgs(), vm.otherConfig(XlToolstack.CONFIG_CHANGE_KEY).orElse(null), null);
        } catch (BootloaderException e) {
            return new XlState(name, file, true, false, 0, null, "", null, e.getMessage());
        }
    }

    /** Every VM with a state file in {@code stateDir}, by name; none when the directory does not exist. */
    public static List<XlState> all(Path stateDir) {
        if (!Files.isDirectory(stateDir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<XlState> states = new ArrayList<>();
        try (Stream<Path> files = Files.list(stateDir)) {
            for (Path file : files.sorted().toList()) {
                String fileName = file.getFileName().toString();
                if (!fileName.endsWith(".json")) {
                    continue; // lock files, temporary files
                }
                String name = fileName.substring(0, fileName.length() - ".json".length());
                if (XlIdentity.NAME.matcher(name).matches()) {
                    states.add(of(stateDir, name));
                }
            }
        } catch (IOException e) {
            throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "Cannot list the xl state directory " + stateDir
                    + ": " + e.getMessage());
        }
        return states;
    }

    /**
     * Starts VM {@code name}'s install over: its state file is removed under its lock, so the next
     * start is round 1. Returns whether there was a state to remove.
     */
    public static boolean reinstall(Path stateDir, String name) {
        Path file = XlToolstack.stateFile(stateDir, name);
        if (!Files.isDirectory(stateDir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (Files.isSymbolicLink(file)) {
            try {
                return Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "Cannot remove " + file + ": " + e.getMessage());
            }
        }
        return LocalJsonStore.remove(file);
    }

    /** What the next start does, in words. */
    public String state() {
        if (problem != null) {
            return "unreadable";
        }
        return installed ? "installed" : "installing";
    }

    private static int parseRound(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
