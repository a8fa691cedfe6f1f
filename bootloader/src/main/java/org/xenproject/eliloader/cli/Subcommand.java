package org.xenproject.eliloader.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.xenproject.eliloader.cli.Manual.Option;

/**
 * The one registry of subcommands ({@code eliloader COMMAND …}): {@link Main} dispatches through
 * it, and {@code --help}, {@code eliloader help}, the man page and the bash completion are made from
 * it. A new subcommand is one constant here: its synopsis, its description, the options it accepts
 * (the same names its parser accepts: {@code ManualTest} compares them) and how it runs.
 *
 * <p>Never loaded on a VM start: {@link Main} consults it only when the first argument is a word
 * (the toolstacks' first argument is an option, or empty).
 */
enum Subcommand {
    HELP("help", "show the help of eliloader or of a command, or the manual page", List.of("[COMMAND]", "--man",
            "--bash-completion", "--config-file"),
            "Shows the help of eliloader or of one COMMAND on standard output; with --man, the manual page "
                    + "eliloader(8) in roff; with --bash-completion, the bash completion script; with --config-file, the "
                    + "commented default configuration file (all three are what the package installs).",
            List.of(new Option(List.of("--man"), null, "print the manual page eliloader(8), roff source"),
                    new Option(List.of("--bash-completion"), null, "print the bash completion script"),
                    new Option(List.of("--config-file"), null, "print the commented default eliloader.conf")),
            false) {
        @Override
        int run(List<String> args, Map<String, String> environment, PrintStream out) {
            return Manual.helpCommand(args, out);
        }

        @Override
        Set<String> parserFlags() {
            return Manual.HELP_FLAGS;
        }
    },
    PROFILES("profiles", "list the distribution profiles, or check profile files",
            List.of("list [--json]", "validate [FILE...]"),
            "list: every profile this host knows (from the jar, the shipped folder and the profiles directory; "
                    + "a later file with the same id replaces an earlier one), with its aliases (* = the default of "
                    + "an alias), where it comes from and its description. validate: checks profile files (all "
                    + "known ones without FILE) and prints FILE:LINE: problem, one a line; exit status 1 if any.",
            List.of(new Option(List.of("--json"), null, "list: one JSON object instead of the table")),
            true) {
        @Override
        int run(List<String> args, Map<String, String> environment, PrintStream out) {
            return new ProfilesCommand(args, environment, out).run();
        }

        @Override
        Set<String> parserFlags() {
            return ProfilesCommand.FLAGS;
        }

        @Override
        Set<String> parserValues() {
            return ProfilesCommand.VALUES;
        }
    },
    PROBE("probe", "show what an install from a tree would do, touching no VM record",
            List.of("--repository URL [--distro D] [--arch A] [--release R] [--round N] [--cdrom] [--vnc] "
                    + "[--vnc-password P] [--install-kernel K] [--install-ramdisk R] [--install-args A] [--proxy URL] [--json]"),
            "What an install from the tree at URL would do, touching no VM record: the profile and how it was "
                    + "chosen, the metadata read, the kernel and initrd (fetched into a scratch folder, verified, "
                    + "deleted) with size and MD5, the kernel arguments (password masked), the record edits of the "
                    + "round and the round plan. The same pipeline as a VM start: every host setting means the same.",
            List.of(new Option(List.of("--repository"), "URL", "the install tree, as other-config:install-repository"),
                    new Option(List.of("--distro"), "D", "as install-distro (default: auto)"),
                    new Option(List.of("--arch"), "A", "as install-arch (default: i386)"),
                    new Option(List.of("--release"), "R", "as debian-release"),
                    new Option(List.of("--round"), "N", "as install-round (default: 1)"),
                    new Option(List.of("--cdrom"), null, "read the tree as the CD of a cdrom install"),
                    new Option(List.of("--vnc"), null, "as install-vnc=true"),
                    new Option(List.of("--vnc-password"), "P", "as install-vncpasswd"),
                    new Option(List.of("--install-kernel"), "K", "as install-kernel (pygrub profile)"),
                    new Option(List.of("--install-ramdisk"), "R", "as install-ramdisk (pygrub profile)"),
                    new Option(List.of("--install-args"), "A", "as install-args"),
                    new Option(List.of("--proxy"), "URL", "as install-proxy"),
                    new Option(List.of("--json"), null, "one JSON object instead of the \"key: value\" lines")),
            true) {
        @Override
        int run(List<String> args, Map<String, String> environment, PrintStream out) {
            return new ProbeCommand(args, environment, out).run();
        }

        @Override
        Set<String> parserFlags() {
            return ProbeCommand.FLAGS;
        }

        @Override
        Set<String> parserValues() {
            return ProbeCommand.VALUES;
        }
    },
    CLEANUP("cleanup", "remove what killed runs left in the output directory", List.of("[--output-directory=DIR]"),
            "Removes the private directories of runs whose process is gone and the files they had given their "
                    + "final names but never handed over. Every VM start does the same first; this is for a boot "
                    + "script or an administrator. Files handed over to a caller are never touched.",
            List.of(), true) {
        @Override
        int run(List<String> args, Map<String, String> environment, PrintStream out) {
            return new CleanupCommand(args, environment, out).run();
        }
    },
    CACHE("cache", "list or clear the host-wide cache of boot files", List.of("list", "clear"),
            "list: the cache's entries, most recently used first (size, last use, where from, password masked). "
                    + "clear: removes every entry no start is using at that moment. The cache is --cache-dir.",
            List.of(), true) {
        @Override
        int run(List<String> args, Map<String, String> environment, PrintStream out) {
            return new CacheCommand(args, environment, out).run();
        }
    },
    /**
     * Internal, hidden from help and completion: the deprivileged child that reads a guest disk
     * given as standard input (see {@code org.xenproject.eliloader.guest}).
     */
    GUEST_READ(org.xenproject.eliloader.guest.GuestReader.SUBCOMMAND, "internal: read guest data given as standard input",
            List.of("partitions DISK-NAME"), "Internal: run by eliloader itself as an unprivileged user.", List.of(),
            false) {
        @Override
        int run(List<String> args, Map<String, String> environment, PrintStream out) {
            return GuestReadCommand.run(args, out);
        }

        @Override
        boolean hidden() {
            return true;
        }
    },
    XL("xl", "show or reset the install state of VMs started by xl", List.of("status [NAME] [--json]", "reinstall NAME"),
            "Under xl no VM record exists: eliloader keeps each VM's install state (round, chosen profile, pygrub "
                    + "arguments found in round 2, installed) in a file of the xl state directory (--xl-state-dir). "
                    + "status: every VM's state, or one VM's (NAME is the xl domain name, or the --vm=NAME of its "
                    + "bootloader_args), with the xl config change a round asked for. reinstall: forgets NAME's state, "
                    + "so its next start is install round 1 again.",
            List.of(new Option(List.of("--json"), null, "status: one JSON object instead of the text")),
            true) {
        @Override
        int run(List<String> args, Map<String, String> environment, PrintStream out) {
            return new XlCommand(args, environment, out).run();
        }

        @Override
        Set<String> parserFlags() {
            return XlCommand.FLAGS;
        }
    };

    /** Options every subcommand accepts besides its own (and the host settings, where it takes them). */
    static final List<Option> COMMON = List.of(new Option(List.of("--debug"), null, "print stack traces and the log"),
            new Option(List.of("-h", "--help"), null, "show this help"));

    private final String name;
    private final String summary;
    private final List<String> synopsis;
    private final String description;
    private final List<Option> options;
    private final boolean hostSettings;

    Subcommand(String name, String summary, List<String> synopsis, String description, List<Option> options,
            boolean hostSettings) {
        this.name = name;
        this.summary = summary;
        this.synopsis = synopsis;
        this.description = description;
        this.options = options;
        this.hostSettings = hostSettings;
    }

    abstract int run(List<String> args, Map<String, String> environment, PrintStream out);

    /** Internal commands are left out of help, the man page and completion. */
    boolean hidden() {
        return false;
    }

    /** The commands a user is told about. */
    static List<Subcommand> shown() {
        return java.util.Arrays.stream(values()).filter(c -> !c.hidden()).toList();
    }

    /** The flags the command's parser accepts (names without dashes); ManualTest compares them with {@link #options()}. */
    Set<String> parserFlags() {
        return Set.of();
    }

    /** The options with a value the command's parser accepts, host settings apart. */
    Set<String> parserValues() {
        return Set.of();
    }

    String commandName() {
        return name;
    }

    /** The command's forms, each after {@code eliloader NAME } (one line each before wrapping). */
    List<String> synopsis() {
        return synopsis;
    }

    String description() {
        return description;
    }

    /** The command's own options (not {@link #COMMON}, not the host settings). */
    List<Option> options() {
        return options;
    }

    /** Whether every host setting ({@code --KEY=VALUE}) is accepted too. */
    boolean takesHostSettings() {
        return hostSettings;
    }

    /** One line for command lists. */
    String summary() {
        return summary;
    }

    /** Option names without dashes, as the command's {@link SubcommandOptions} set: flags or value options. */
    Set<String> names(boolean flags) {
        return Set.copyOf(options.stream().filter(o -> (o.value() == null) == flags)
                .map(o -> o.names().get(o.names().size() - 1).substring(2)).toList());
    }

    static Subcommand forName(String name) {
        for (Subcommand c : values()) {
            if (c.name.equals(name)) {
                return c;
            }
        }
        return null;
    }
}
