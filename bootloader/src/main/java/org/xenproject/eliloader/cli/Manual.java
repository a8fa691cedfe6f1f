package org.xenproject.eliloader.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.xenproject.eliloader.config.InstallKey;
import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;

/**
 * The one source of every help text: the boot options, the {@link Subcommand}s, the host settings
 * ({@link Setting}: option, variable, config key, default), the VM record's keys
 * ({@link InstallKey}), the exit statuses and the error codes ({@link ErrorCode}). It renders
 * {@code --help}, {@code eliloader help [COMMAND]} and the manual page {@code eliloader(8)}
 * ({@code eliloader help --man}, roff, installed by scripts/package). {@code ManualTest} checks it
 * against the parsers, so help and man page cannot drift from what the program accepts.
 *
 * <p>Loaded only for help, a version or a usage error: never on a VM start.
 */
final class Manual {
    /** One option: its spellings ({@code -q}, {@code --quiet}), its value's name (null: a flag) and what it does. */
    record Option(List<String> names, String value, String text) {
        String spelled() {
            return String.join(", ", names) + (value == null ? "" : "=" + value);
        }
    }

    static final String NAME = "eliloader";
    private static final String SUMMARY = "PV install bootloader for XenServer, XCP-ng and xl";

    /** The boot command's own options (the host settings come on top). */
    static final List<Option> BOOT_OPTIONS = List.of(
            new Option(List.of("-q", "--quiet"), null, "no progress lines on a terminal (the toolstacks pass it)"),
            new Option(List.of("--vm"), "UUID", "the VM whose install round to boot (required; under xl its NAME, by default the"
                    + " domain's name from xenstore)"),
            new Option(List.of("--output-format"), "simple|simple0|sxp",
                    "the answer's format; default simple, or sxp when --default_args or --extra_args is given"),
            new Option(List.of("--output"), "FILE|-", "write the answer to FILE; default - (standard output)"),
            new Option(List.of("--args"), "A", "kernel arguments in place of the VM's PV-args (libxl)"),
            new Option(List.of("--default_args"), "A", "old xapi's kernel arguments (its \\\" and \\\\ escapes undone)"),
            new Option(List.of("--extra_args"), "B", "old xapi's extra kernel arguments, after --default_args"),
            new Option(List.of("--runas"), "UID",
                    "libxl's restricted mode: the guest's disk is read as UID, and pygrub gets --runas=UID"),
            new Option(List.of("--domid"), "N", "under xl: the domain whose xenstore name names the VM"),
            new Option(List.of("--kernel"), "K", "pygrub option, kept for a hand-off to pygrub"),
            new Option(List.of("--ramdisk"), "R", "pygrub option, kept for a hand-off to pygrub"),
            new Option(List.of("--entry"), "N", "pygrub option, kept for a hand-off to pygrub"),
            new Option(List.of("--offset"), "BYTES", "pygrub option, kept for a hand-off to pygrub"),
            new Option(List.of("-n", "--not-really"), null, "pygrub inspection: pygrub's output relayed, nothing recorded"),
            new Option(List.of("-l", "--list-entries"), null, "pygrub inspection: pygrub's output relayed, nothing recorded"),
            new Option(List.of("--isconfig"), null, "pygrub inspection: pygrub's output relayed, nothing recorded"),
            new Option(List.of("--debug"), null, "Java stack trace before the error lines; the log echoed on stderr"),
            new Option(List.of("-h", "--help"), null, "show this help and exit"),
            new Option(List.of("--version"), null, "show the version and exit"));

    /** A host setting's value name and what it is for. */
    private record SettingDoc(String value, String text) {
    }

    private static final Map<Setting, SettingDoc> SETTINGS = new EnumMap<>(Setting.class);
    private static final Map<InstallKey, String> INSTALL_KEYS = new EnumMap<>(InstallKey.class);
    private static final Map<ErrorCode, String> ERRORS = new EnumMap<>(ErrorCode.class);

    static {
        SETTINGS.put(Setting.VM_STORE, new SettingDoc("FILE", "a local JSON VM store instead of XenAPI"));
        SETTINGS.put(Setting.XAPI, new SettingDoc("SOCKET|URL",
                "the XenAPI endpoint; none given: /var/lib/xcp/xapi, then /var/xapi/xapi"));
        SETTINGS.put(Setting.XAPI_CREDENTIALS, new SettingDoc("FILE",
                "user and password, one a line, for a remote xapi (mode 600)"));
        SETTINGS.put(Setting.GUEST_INSTALLER_DIR, new SettingDoc("DIR", "bundled installer kernels, *.map files, overlays"));
        SETTINGS.put(Setting.PROFILES_DIR, new SettingDoc("DIR", "the site's profiles; a file replaces a shipped profile by id"));
        SETTINGS.put(Setting.PYGRUB, new SettingDoc("PATH", "the pygrub program for hand-offs and probes"));
        SETTINGS.put(Setting.KEEP_INSTALLING, new SettingDoc(null,
                "debug: answer, but record nothing; the VM repeats its round"));
        SETTINGS.put(Setting.CA_FILE, new SettingDoc("FILE", "PEM certificates trusted for https instead of the system's"));
        SETTINGS.put(Setting.FILE_ROOTS, new SettingDoc("DIR[:DIR...]",
                "the directories file:// trees may lie in; none by default (file:// refused), / never"));
        SETTINGS.put(Setting.CACHE_DIR, new SettingDoc("DIR", "the host-wide cache of fetched boot files"));
        SETTINGS.put(Setting.NO_CACHE, new SettingDoc(null, "fetch without the cache"));
        SETTINGS.put(Setting.CACHE_MAX_SIZE, new SettingDoc("MIB",
                "the most the cache keeps, MiB; the least recently used entries go first"));
        SETTINGS.put(Setting.SPEED_LIMIT, new SettingDoc("BYTES",
                "bytes a second below which a transfer counts as stalled (with speed-time)"));
        SETTINGS.put(Setting.SPEED_TIME_SECONDS, new SettingDoc("S",
                "seconds below speed-limit after which a fetch gives up, retries included"));
        SETTINGS.put(Setting.OUTPUT_DIRECTORY, new SettingDoc("DIR",
                "where the kernel and ramdisk are handed over (created if missing)"));
        SETTINGS.put(Setting.HTTP_TIMEOUT_SECONDS, new SettingDoc("S", "read timeout of every network scheme, seconds"));
        SETTINGS.put(Setting.CONNECT_TIMEOUT_SECONDS, new SettingDoc("S", "connect timeout, seconds"));
        SETTINGS.put(Setting.FETCH_TIMEOUT_SECONDS, new SettingDoc("S", "time one file may take, retries included, seconds"));
        SETTINGS.put(Setting.FETCH_RETRIES, new SettingDoc("N", "retries of a failed connection or transfer, per file"));
        SETTINGS.put(Setting.GUEST_READER_USER, new SettingDoc("USER", "the user guest disks and CDs are read as and "
                + "pygrub's --runas, unless libxl names one; default eliloader if that user exists; root: as root"));
        SETTINGS.put(Setting.GUEST_PROBE_TIMEOUT_SECONDS, new SettingDoc("S",
                "the most one round-2 action may spend reading the guest's disk with pygrub, seconds"));
        SETTINGS.put(Setting.XL_STATE_DIR, new SettingDoc("DIR", "under xl: the install state of each VM, one file a VM"));
        SETTINGS.put(Setting.XENSTORE_READ, new SettingDoc("PATH",
                "under xl: the program that reads a domain's name (xenstore-utils)"));

        INSTALL_KEYS.put(InstallKey.REPOSITORY, "the install tree: http(s)://, ftp://, nfs:SERVER:/PATH, nfs://, smb://, "
                + "cdrom or file:// (required)");
        INSTALL_KEYS.put(InstallKey.DISTRO, "a profile id, an alias (rhlike, sleslike, debianlike, pygrub) or auto; "
                + "default rhlike");
        INSTALL_KEYS.put(InstallKey.ARCH, "i386, x86_64 or amd64; default i386");
        INSTALL_KEYS.put(InstallKey.ROUND, "the current round, from 1; eliloader maintains it");
        INSTALL_KEYS.put(InstallKey.VNC, "true or 1: the installer's VNC");
        INSTALL_KEYS.put(InstallKey.VNC_PASSWORD, "the VNC password, checked against the installer's rules");
        INSTALL_KEYS.put(InstallKey.ARGS, "extra kernel arguments (kickstart, preseed, autoyast)");
        INSTALL_KEYS.put(InstallKey.KERNEL, "the kernel's path inside the tree (pygrub profile)");
        INSTALL_KEYS.put(InstallKey.RAMDISK, "the ramdisk's path inside the tree (pygrub profile)");
        INSTALL_KEYS.put(InstallKey.PROXY, "http://[USER[:PASSWORD]@]HOST[:PORT] for http and https");
        INSTALL_KEYS.put(InstallKey.RELEASE, "the release, e.g. bookworm, for debianlike network installs");
        INSTALL_KEYS.put(InstallKey.METHODS, "the template's allowed schemes, e.g. cdrom,nfs,http,ftp");
        INSTALL_KEYS.put(InstallKey.PROFILE, "the profile round 1 chose; eliloader maintains it");
        INSTALL_KEYS.put(InstallKey.CACHE, "false: this VM's boot files bypass the host-wide cache");
        INSTALL_KEYS.put(InstallKey.REPOSITORY_SECRET, "the uuid of the secret holding the repository's password");

        ERRORS.put(ErrorCode.UNSUPPORTED_INSTALL_METHOD, "the repository's scheme or the distribution is not supported");
        ERRORS.put(ErrorCode.INVALID_SOURCE, "the repository, its files or the install settings are wrong");
        ERRORS.put(ErrorCode.SUPPORT_PACKAGE_MISSING, "a file a package should have installed is missing");
        ERRORS.put(ErrorCode.LIMITS, "a kernel, initrd or decompressed stream is over its size limit");
        ERRORS.put(ErrorCode.INTERNAL_ERROR, "a bug or an unexpected condition of the host");
        ERRORS.put(ErrorCode.USAGE, "the command line could not be understood (exit status 2)");
    }

    /** How xl gives the install keys, for --help and the man page. */
    static final String XL_FORM = "Under xl (bootloader = \"eliloader\"), where no VM record exists, the install keys are "
            + "options of bootloader_args with the same names (--install-repository=URL, --install-distro=D, "
            + "--install-arch=A, --debian-release=R, --install-vnc=true, ...; not install-round and install-profile, "
            + "which eliloader keeps); the VM is --vm=NAME, else the domain's name in xenstore; its round, profile and "
            + "pygrub arguments are kept in a state file of --xl-state-dir, and once installed every start is a pygrub "
            + "hand-off (eliloader xl status, eliloader xl reinstall NAME).";

    /** Variables read besides the host settings': name and meaning. */
    static final List<String[]> OTHER_VARIABLES = List.of(
            new String[] {Settings.CONFIG_FILE_VARIABLE, "another configuration file instead of "
                    + Settings.DEFAULT_CONFIG_FILE},
            new String[] {"ELILOADER_SYSLOG", "0: the log is not sent to syslog"});

    static final List<String[]> EXIT_STATUSES = List.of(
            new String[] {"0", "success: the answer is written (profiles validate: no problem found)"},
            new String[] {"1", "failure: stderr ends with RuntimeError: CODE and one sentence "
                    + "(profiles validate: problems found)"},
            new String[] {"2", "usage error (RuntimeError: USAGE)"},
            new String[] {"other", "a hand-off to pygrub that failed ends with pygrub's exit status"});

    private Manual() {
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = Manual.class.getResourceAsStream("/org/xenproject/eliloader/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // no version then
        }
        return p.getProperty("version", "unknown");
    }

    static SettingDocView setting(Setting s) {
        SettingDoc doc = SETTINGS.get(s);
        // a setting added without a line here still shows (ManualTest fails until it has one)
        String value = doc != null ? doc.value() : s.kind() == Setting.Kind.FLAG ? null
                : s.kind().name();
        return new SettingDocView(value, doc != null ? doc.text() : s.kind().expected(), doc != null);
    }

    /** What help and the man page say of a setting. */
    record SettingDocView(String value, String text, boolean documented) {
    }

    static String installKey(InstallKey k) {
        return INSTALL_KEYS.getOrDefault(k, "");
    }

    static String error(ErrorCode c) {
        return ERRORS.getOrDefault(c, "");
    }

    /** The option a host setting has on the command line. */
    static Option settingOption(Setting s) {
        return new Option(List.of("--" + s.key()), setting(s).value(), setting(s).text());
    }

    // ----- text help -------------------------------------------------------------------------

    static String bootSynopsis() {
        return "usage: eliloader [-q] --vm=UUID [--output-format=simple|simple0|sxp] [--output=FILE|-]\n"
                + "                 [--output-directory=DIR] [--args=A] [--default_args=A] [--extra_args=B]\n"
                + "                 [HOST SETTINGS] [--keep-installing] [--debug] DISK\n"
                + "       eliloader [--args=A] --output=FILE --output-format=simple0 --output-directory=DIR\n"
                + "                 --install-repository=URL [--install-KEY=VALUE...] [--vm=NAME] DISK   (xl)\n"
                + "       eliloader COMMAND [ARGS]   (" + String.join(", ", commandNames()) + ")\n"
                + "       eliloader --help | --version | help [COMMAND]\n";
    }

    static List<String> commandNames() {
        List<String> names = new ArrayList<>();
        for (Subcommand c : Subcommand.shown()) {
            names.add(c.commandName());
        }
        return names;
    }

    static String usage(Subcommand c) {
        StringBuilder b = new StringBuilder();
        String lead = "eliloader " + c.commandName();
        for (int i = 0; i < c.synopsis().size(); i++) {
            wrap(b, (i == 0 ? "usage: " : "       ") + lead, c.synopsis().get(i), " ".repeat(8 + lead.length()));
        }
        return b.toString();
    }

    /** {@code eliloader --help}. */
    static String help() {
        StringBuilder b = new StringBuilder(bootSynopsis()).append('\n');
        wrap(b, "", "Boots the install round of a PV VM as the toolstack's bootloader (run by xenopsd, xapi or "
                + "libxl in place of pygrub): reads the VM's install-* keys, fetches the installer's kernel and "
                + "initrd, answers with them and their kernel arguments, and records the round.");
        b.append("\nOptions:\n");
        BOOT_OPTIONS.forEach(o -> item(b, o.spelled(), o.text()));
        b.append("\nHost settings [variable, key in ").append(Settings.DEFAULT_CONFIG_FILE)
                .append("]:\n  (option > variable > file > default)\n");
        for (Setting s : Setting.values()) {
            item(b, settingOption(s).spelled(), setting(s).text() + " [" + s.environmentVariable() + ", "
                    + s.key() + (s.defaultValue() == null ? "" : "; default " + s.defaultValue()) + "]");
        }
        b.append("\nCommands:\n");
        for (Subcommand c : Subcommand.shown()) {
            item(b, c.commandName(), c.summary());
        }
        b.append("\nExit status:\n");
        EXIT_STATUSES.forEach(e -> item(b, e[0], e[1]));
        b.append("\nError codes (stderr's last two lines: RuntimeError: CODE, then one sentence):\n");
        for (ErrorCode c : ErrorCode.values()) {
            item(b, c.name(), error(c));
        }
        List<String> keys = new ArrayList<>();
        for (InstallKey k : InstallKey.values()) {
            keys.add(k.key());
        }
        b.append('\n');
        wrap(b, "", "The VM record's keys (other-config): " + String.join(", ", keys)
                + ". More in eliloader(8), or: eliloader help --man | man -l -");
        b.append('\n');
        wrap(b, "", XL_FORM);
        return b.toString();
    }

    /** {@code eliloader help COMMAND}, {@code eliloader COMMAND --help}. */
    static String help(Subcommand c) {
        StringBuilder b = new StringBuilder(usage(c)).append('\n');
        wrap(b, "", c.description());
        b.append("\nOptions:\n");
        c.options().forEach(o -> item(b, o.spelled(), o.text()));
        Subcommand.COMMON.forEach(o -> item(b, o.spelled(), o.text()));
        if (c.takesHostSettings()) {
            List<String> names = new ArrayList<>();
            for (Setting s : Setting.values()) {
                names.add("--" + s.key());
            }
            item(b, "host settings", "as for a VM start (eliloader --help): " + String.join(" ", names));
        }
        return b.toString();
    }

    private static final int WIDTH = 80;
    private static final int COLUMN = 28;

    private static void item(StringBuilder b, String left, String text) {
        String lead = "  " + left;
        if (lead.length() + 2 > COLUMN) {
            b.append(lead).append('\n');
            lead = "";
        }
        // a non-blank first part gets one space before the text, a blank one none
        wrap(b, lead.isEmpty() ? " ".repeat(COLUMN) : String.format("%-" + (COLUMN - 1) + "s", lead), text,
                " ".repeat(COLUMN));
    }

    private static void wrap(StringBuilder b, String first, String text) {
        wrap(b, first, text, "");
    }

    private static void wrap(StringBuilder b, String first, String text, String indent) {
        StringBuilder line = new StringBuilder(first);
        boolean empty = first.isBlank();
        for (String word : text.split(" ")) {
            if (!empty && line.length() + 1 + word.length() > WIDTH - 1) {
                b.append(line.toString().stripTrailing()).append('\n');
                line = new StringBuilder(indent);
                empty = true;
            }
            if (!empty) {
                line.append(' ');
            }
            line.append(word);
            empty = false;
        }
        b.append(line.toString().stripTrailing()).append('\n');
    }

    // ----- eliloader(8) ------------------------------------------------------------------------

    /** The manual page eliloader(8), roff with the man macros. */
    static String man() {
        StringBuilder m = new StringBuilder();
        m.append(".\\\" Generated by \"eliloader help --man\" from the program's own option tables; do not edit.\n");
        m.append(".TH ELILOADER 8 \"\" \"eliloader ").append(roff(version())).append("\" \"System Administration\"\n");
        m.append(".SH NAME\neliloader \\- ").append(roff(SUMMARY)).append('\n');
        m.append(".SH SYNOPSIS\n");
        for (String line : bootSynopsis().split("\n")) {
            String text = line.replaceFirst("^usage: ", "").strip();
            m.append(".br\n").append(roff(text)).append('\n');
        }
        m.append(".SH DESCRIPTION\n");
        m.append(roff("At every start of a PV VM that is being installed, the toolstack (xenopsd, the old xapi, or "
                + "libxl with bootloader=\"eliloader\") runs eliloader instead of pygrub. It reads the install "
                + "settings from the VM record, picks the distribution's profile, fetches the installer's kernel "
                + "and initrd into the output directory (patching the initrd when a map file names it), builds the "
                + "installer's kernel arguments and writes the answer in the format the caller asked for. Then it "
                + "records the round: after the last one the VM's PV-bootloader becomes pygrub.")).append('\n');
        m.append(".PP\n").append(roff("Answers: simple is \"kernel PATH\", \"ramdisk PATH\" and \"args TEXT\" "
                + "lines; simple0 the same items each ended by a NUL; sxp is "
                + "linux (kernel PATH)(ramdisk PATH)(args \"TEXT\").")).append('\n');
        m.append(".SH OPTIONS\n");
        BOOT_OPTIONS.forEach(o -> manItem(m, o));
        m.append(".SH HOST SETTINGS\n");
        m.append(roff("Every host setting is an option, an environment variable and a key of the configuration file ("
                + Settings.DEFAULT_CONFIG_FILE + ", \"key = value\" lines, # comments). Precedence: option, then "
                + "variable, then file, then default.")).append('\n');
        for (Setting s : Setting.values()) {
            Option o = settingOption(s);
            m.append(".TP\n.BR ").append(roff(o.names().get(0)));
            if (o.value() != null) {
                m.append(" =\\fI").append(roff(o.value())).append("\\fR");
            }
            m.append('\n').append(roff(o.text())).append(".\n.br\n");
            m.append("Variable \\fB").append(roff(s.environmentVariable())).append("\\fR, key \\fB")
                    .append(roff(s.key())).append("\\fR, default ")
                    .append(s.defaultValue() == null ? "none" : "\\fB" + roff(s.defaultValue()) + "\\fR").append(".\n");
        }
        m.append(".SH COMMANDS\n");
        for (Subcommand c : Subcommand.shown()) {
            m.append(".SS ").append(c.commandName()).append('\n');
            for (String form : c.synopsis()) {
                m.append(".br\n\\fBeliloader ").append(c.commandName()).append("\\fR ").append(roff(form)).append('\n');
            }
            m.append(".PP\n").append(roff(c.description())).append('\n');
            c.options().forEach(o -> manItem(m, o));
            if (c.takesHostSettings()) {
                m.append(".PP\n").append(roff("Host settings are accepted as for a VM start.")).append('\n');
            }
        }
        m.append(".SH THE VM RECORD\n");
        m.append(roff("eliloader reads these keys of the VM's other-config and maintains install-round and "
                + "install-profile; after the last round it removes them with install-distro and sets "
                + "PV-bootloader to pygrub.")).append('\n');
        for (InstallKey k : InstallKey.values()) {
            m.append(".TP\n.B ").append(roff(k.key())).append('\n').append(roff(installKey(k))).append('\n');
        }
        m.append(".SS Under xl\n").append(roff(XL_FORM)).append('\n');
        m.append(".SH ENVIRONMENT\n");
        for (Setting s : Setting.values()) {
            m.append(".TP\n.B ").append(roff(s.environmentVariable())).append('\n')
                    .append(roff("as --" + s.key())).append('\n');
        }
        for (String[] v : OTHER_VARIABLES) {
            m.append(".TP\n.B ").append(roff(v[0])).append('\n').append(roff(v[1])).append('\n');
        }
        m.append(".SH FILES\n");
        String[][] files = {
            {Settings.DEFAULT_CONFIG_FILE.toString(), "host settings"},
            {"/etc/eliloader/profiles.d/", "the site's distribution profiles (*.yaml)"},
            {"/usr/share/eliloader/distro-profiles/", "the shipped distribution profiles"},
            {"/var/cache/eliloader/", "the cache directory"},
            {"/var/run/xend/boot/", "the default output directory"},
            {"/var/lib/eliloader/xl/", "under xl: the install state of each VM (NAME.json)"},
        };
        for (String[] f : files) {
            m.append(".TP\n.I ").append(roff(f[0])).append('\n').append(roff(f[1])).append('\n');
        }
        m.append(".SH EXIT STATUS\n");
        for (String[] e : EXIT_STATUSES) {
            m.append(".TP\n.B ").append(roff(e[0])).append('\n').append(roff(e[1])).append('\n');
        }
        m.append(".SH DIAGNOSTICS\n");
        m.append(roff("On failure the last two lines on standard error are \"RuntimeError: CODE\" and one sentence; "
                + "xenopsd keeps them and xapi shows them as BOOTLOADER_FAILED. The log goes to syslog "
                + "(logger -t eliloader). Codes:")).append('\n');
        for (ErrorCode c : ErrorCode.values()) {
            m.append(".TP\n.B ").append(roff(c.name())).append('\n').append(roff(error(c))).append('\n');
        }
        m.append(".SH SEE ALSO\n.BR pygrub (1),\n.BR xl.cfg (5),\n.BR xe (1)\n");
        return m.toString();
    }

    private static void manItem(StringBuilder m, Option o) {
        m.append(".TP\n");
        List<String> parts = new ArrayList<>();
        for (String name : o.names()) {
            parts.add("\\fB" + roff(name) + "\\fR" + (o.value() == null ? "" : "=\\fI" + roff(o.value()) + "\\fR"));
        }
        m.append(String.join(", ", parts)).append('\n').append(roff(o.text())).append('\n');
    }

    /** Text safe as roff: backslashes escaped, dashes as minus signs, no control line by accident. */
    static String roff(String text) {
        String s = text.replace("\\", "\\e").replace("-", "\\-");
        return s.startsWith(".") || s.startsWith("'") ? "\\&" + s : s;
    }

    /** The commented default {@code /etc/eliloader/eliloader.conf} the package installs: every key, commented out at its default. */
    static String configFile() {
        StringBuilder b = new StringBuilder();
        b.append("# ").append(Settings.DEFAULT_CONFIG_FILE).append(": the host settings of eliloader(8).\n");
        b.append("# \"key = value\" lines, \"#\" comments. An option (--key=VALUE) or an environment variable\n");
        b.append("# (ELILOADER_...) given to a run wins over this file; ELILOADER_CONFIG names another file.\n");
        b.append("# Every key is shown commented out, at its default.\n");
        for (Setting s : Setting.values()) {
            b.append("\n");
            wrap(b, "#", setting(s).text() + " (--" + s.key() + ", " + s.environmentVariable() + ")", "# ");
            b.append("#").append(s.key()).append(" =")
                    .append(s.defaultValue() == null ? "" : " " + s.defaultValue()).append('\n');
        }
        return b.toString();
    }

    // ----- eliloader help --------------------------------------------------------------------

    /** The flags of {@code eliloader help}. */
    static final Set<String> HELP_FLAGS = Set.of("man", "bash-completion", "config-file");

    static int helpCommand(List<String> args, PrintStream out) {
        List<String> words = new ArrayList<>();
        boolean man = false;
        boolean completion = false;
        boolean configFile = false;
        for (String arg : args) {
            if (arg.equals("--bash-completion")) {
                completion = true;
            } else if (arg.equals("--config-file")) {
                configFile = true;
            } else if (arg.startsWith("--") && HELP_FLAGS.contains(arg.substring(2))) {
                man = true;
            } else if (arg.equals("-h") || arg.equals("--help")) {
                words.add("help");
            } else if (arg.equals("--debug")) {
                continue; // accepted by every command (Subcommand.COMMON)
            } else if (arg.startsWith("-")) {
                throw BootloaderException.usage("Unknown option " + arg + " for help.");
            } else {
                words.add(arg);
            }
        }
        int generated = (man ? 1 : 0) + (completion ? 1 : 0) + (configFile ? 1 : 0);
        if (generated > 0) {
            if (!words.isEmpty() || generated > 1) {
                throw BootloaderException.usage("help --man, --bash-completion and --config-file take nothing else.");
            }
            out.print(man ? man() : completion ? Completion.bash() : configFile());
        } else if (words.isEmpty()) {
            out.print(help());
        } else if (words.size() > 1) {
            throw BootloaderException.usage("help takes one command.");
        } else {
            Subcommand c = Subcommand.forName(words.get(0));
            if (c == null) {
                throw BootloaderException.usage("No command \"" + words.get(0) + "\" (commands: "
                        + String.join(", ", commandNames()) + ").");
            }
            out.print(help(c));
        }
        out.flush();
        return 0;
    }
}
