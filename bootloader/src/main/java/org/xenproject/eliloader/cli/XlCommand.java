package org.xenproject.eliloader.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.Secrets;
import org.xenproject.eliloader.toolstack.xl.XlIdentity;
import org.xenproject.eliloader.toolstack.xl.XlState;

/**
 * {@code eliloader xl status [NAME] [--json]} shows the install state eliloader keeps for VMs
 * started by xl (all of them without NAME); {@code eliloader xl reinstall NAME} removes a VM's
 * state, so that its next start is round 1 again. The state directory is {@code --xl-state-dir}.
 */
final class XlCommand {
    static final Set<String> FLAGS = Set.of("json");
    private final PrintStream out;
    private final SubcommandOptions options;
    private final Settings settings;

    XlCommand(List<String> args, Map<String, String> environment, PrintStream out) {
        this.out = out;
        this.options = SubcommandOptions.parse("xl", args, Set.of(), FLAGS);
        this.settings = Settings.resolve(options.settings, environment, Settings.configFile(environment));
    }

    int run() {
        List<String> words = options.positional;
        if (words.isEmpty()) {
            throw BootloaderException.usage("xl needs a command: status [NAME] or reinstall NAME.");
        }
        Path stateDir = settings.requirePath(Setting.XL_STATE_DIR);
        switch (words.get(0)) {
            case "status" -> {
                if (words.size() > 2) {
                    throw BootloaderException.usage("xl status takes at most one NAME.");
                }
                List<XlState> states = words.size() == 2
                        ? List.of(XlState.of(stateDir, XlIdentity.checkedOption(words.get(1))))
                        : XlState.all(stateDir);
                if (options.flag("json")) {
                    json(stateDir, states);
                } else if (words.size() == 2) {
                    one(states.get(0));
                } else {
                    table(stateDir, states);
                }
            }
            case "reinstall" -> {
                if (words.size() != 2) {
                    throw BootloaderException.usage("xl reinstall needs the VM's NAME.");
                }
                String name = XlIdentity.checkedOption(words.get(1));
                boolean removed = XlState.reinstall(stateDir, name);
                out.print(removed ? name + ": install state removed; its next start is round 1.\n"
                        : name + ": no install state; its next start is round 1.\n");
            }
            default -> throw BootloaderException.usage("Unknown xl command " + words.get(0)
                    + ": use status [NAME] or reinstall NAME.");
        }
        out.flush();
        return 0;
    }

    private void one(XlState s) {
        out.print("name: " + s.name() + "\n");
        out.print("state: " + s.state() + (s.exists() ? "" : " (nothing recorded yet)") + "\n");
        if (s.problem() != null) {
            out.print("problem: " + Secrets.mask(s.problem()) + "\n");
        } else {
            out.print("next start: " + nextStart(s) + "\n");
            out.print("profile: " + (s.profile() == null ? "-" : s.profile()) + "\n");
            out.print("pv-bootloader-args: " + s.pvBootloaderArgs() + "\n");
            if (s.configChange() != null) {
                out.print("config change: " + s.configChange() + "\n");
            }
        }
        out.print("state file: " + s.file() + "\n");
    }

    private void table(Path stateDir, List<XlState> states) {
        if (states.isEmpty()) {
            out.print("No VM has an install state in " + stateDir + ".\n");
            return;
        }
        int width = Math.max(4, states.stream().mapToInt(s -> s.name().length()).max().orElse(4));
        String format = "%-" + width + "s  %-10s  %-5s  %-12s  %s\n";
        out.print(String.format(format, "NAME", "STATE", "ROUND", "PROFILE", "PV-BOOTLOADER-ARGS"));
        // (a row without pygrub arguments ends at its profile: no trailing blanks)
        List<String> notes = new ArrayList<>();
        for (XlState s : states) {
            out.print(String.format(format, s.name(), s.state(), s.installed() || s.problem() != null ? "-" : s.round(),
                    s.profile() == null ? "-" : s.profile(), s.pvBootloaderArgs()).stripTrailing() + "\n");
            if (s.problem() != null) {
                notes.add(s.name() + ": " + Secrets.mask(s.problem()));
            } else if (s.configChange() != null) {
                notes.add(s.name() + ": " + s.configChange());
            }
        }
        notes.forEach(n -> out.print(n + "\n"));
    }

    private void json(Path stateDir, List<XlState> states) {
        List<Map<String, Object>> vms = new ArrayList<>();
        for (XlState s : states) {
            Map<String, Object> vm = new LinkedHashMap<>();
            vm.put("name", s.name());
            vm.put("state", s.state());
            vm.put("round", s.installed() || s.problem() != null ? null : s.round());
            vm.put("profile", s.profile());
            vm.put("pv_bootloader_args", s.pvBootloaderArgs());
            vm.put("config_change", s.configChange());
            vm.put("problem", s.problem() == null ? null : Secrets.mask(s.problem()));
            vm.put("state_file", s.file().toString());
            vms.add(vm);
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("state_dir", stateDir.toString());
        document.put("vms", vms);
        out.print(Json.object(document));
    }

    private static String nextStart(XlState s) {
        return s.installed() ? "pygrub hand-off" + (s.pvBootloaderArgs().isBlank() ? "" : " with " + s.pvBootloaderArgs())
                : "install round " + s.round();
    }
}
