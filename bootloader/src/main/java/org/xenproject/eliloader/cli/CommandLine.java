package org.xenproject.eliloader.cli;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.xenproject.eliloader.answer.OutputFormat;
import org.xenproject.eliloader.config.InstallKey;
import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.round.CallerRequest.Caller;

/**
 * The boot command line, in every spelling the three callers and pygrub use:
 * xenopsd {@code -q --vm UUID [PV-bootloader-args] DISK}, old xapi
 * {@code -q --default_args=A --extra_args=B --vm=UUID … DISK}, libxl {@code [--kernel=K]
 * [--ramdisk=R] [--args=A] [--runas=UID --quiet] --output=FILE --output-format=simple0
 * --output-directory=DIR … DISK}. Values may be given as {@code --opt=V} or {@code --opt V}.
 */
public final class CommandLine {
    /** pygrub options a caller may pass through PV-bootloader-args; kept for the hand-off to pygrub. */
    static final Set<String> PYGRUB_VALUE_OPTIONS = Set.of("kernel", "ramdisk", "entry", "offset");
    /** pygrub's inspection flags: pygrub's output is relayed and nothing is recorded. */
    static final Set<String> PYGRUB_FLAGS = Set.of("-n", "--not-really", "-l", "--list-entries", "--isconfig");
    static final Set<String> VALUE_OPTIONS = Set.of("vm", "args", "default_args", "extra_args", "output",
            "output-format", "output-directory", "runas", "domid");

    public String vmUuid;
    public String disk;
    public OutputFormat outputFormat;
    public String output = "-";
    public String outputDirectory;
    public boolean quiet;
    /** libxl's restricted mode ({@code --runas=UID}): the uid guest data is read as; null when not asked. */
    public Integer runAs;
    public boolean debug;
    public boolean help;
    public boolean version;
    /** The caller's kernel arguments ({@code --args}, {@code --default_args}, {@code --extra_args}) in order; null when none were given. */
    public String callerArgs;
    /** pygrub options (e.g. {@code --kernel=/boot/x}) to relay when handing over to pygrub. */
    public final List<String> pygrubOptions = new ArrayList<>();
    public final Map<Setting, String> settings = new EnumMap<>(Setting.class);
    /**
     * Install keys given as options under xl ({@code --install-repository=URL}, {@code --debian-release=R}, …:
     * the other-config key names, {@link InstallKey}), in order; empty for the other callers, whose VM record holds them.
     */
    public final Map<String, String> installKeys = new LinkedHashMap<>();
    /** A domain id given as {@code --domid=N}; null when not given. */
    public String domid;
    private boolean legacyXapi;

    public static CommandLine parse(List<String> argv) {
        CommandLine cl = new CommandLine();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (arg.isEmpty()) {
                continue; // old xenopsd passes "" in place of -q
            }
            if (arg.equals("--")) {
                positional.addAll(argv.subList(i + 1, argv.size()));
                break;
            }
            if (arg.equals("-q") || arg.equals("--quiet")) {
                cl.quiet = true;
            } else if (arg.equals("--debug")) {
                cl.debug = true;
            } else if (arg.equals("--keep-installing")) {
                cl.settings.put(Setting.KEEP_INSTALLING, "true");
            } else if (arg.equals("--no-cache")) {
                cl.settings.put(Setting.NO_CACHE, "true");
            } else if (arg.equals("-h") || arg.equals("--help")) {
                cl.help = true;
            } else if (arg.equals("--version")) {
                cl.version = true;
            } else if (PYGRUB_FLAGS.contains(arg)) {
                cl.pygrubOptions.add(arg);
            } else if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
                String value;
                boolean known = VALUE_OPTIONS.contains(name) || PYGRUB_VALUE_OPTIONS.contains(name)
                        || Setting.forKey(name) != null || InstallKey.forKey(name) != null;
                if (!known) {
                    throw BootloaderException.usage("Unknown option " + (eq < 0 ? arg : arg.substring(0, eq)) + ".");
                }
                if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < argv.size()) {
                    value = argv.get(++i);
                } else {
                    throw BootloaderException.usage("Option --" + name + " needs a value.");
                }
                cl.option(name, value);
            } else if (arg.startsWith("-") && arg.length() > 1) {
                throw BootloaderException.usage("Unknown option " + arg + ".");
            } else {
                positional.add(arg);
            }
        }
        if (!positional.isEmpty()) {
            cl.disk = positional.get(0); // more than one disk: the first is the boot disk
        }
        if (cl.outputFormat == null) {
            cl.outputFormat = cl.legacyXapi ? OutputFormat.SXP : OutputFormat.SIMPLE;
        }
        return cl;
    }

    private void option(String name, String value) {
        InstallKey installKey = InstallKey.forKey(name);
        if (installKey != null) {
            installKey(installKey, value);
            return;
        }
        Setting setting = Setting.forKey(name);
        if (setting != null) {
            settings.put(setting, value);
            if (setting == Setting.OUTPUT_DIRECTORY) {
                outputDirectory = value;
            }
            return;
        }
        switch (name) {
            case "vm" -> vmUuid = value;
            case "args" -> appendArgs(value);
            case "default_args", "extra_args" -> {
                legacyXapi = true;
                // xapi escapes '"' and '\' in these two; undo it so sxp output escapes exactly once
                appendArgs(unescape(value));
            }
            case "output" -> output = value;
            case "output-format" -> outputFormat = OutputFormat.parse(value);
            case "runas" -> runAs = parseRunAs(value);
            case "domid" -> domid = value;
            default -> pygrubOptions.add("--" + name + "=" + value);
        }
    }

    /** libxl's {@code --runas=UID}: a whole number, as pygrub insists; 0 means no restriction, as in pygrub. */
    private static Integer parseRunAs(String value) {
        String digits = value.strip();
        Long uid = digits.matches("[0-9]{1,10}") ? Long.valueOf(digits) : null;
        if (uid == null || uid > Integer.MAX_VALUE) {
            throw BootloaderException.usage("--runas is " + org.xenproject.eliloader.error.MessageText.quoted(value, 40)
                    + "; it must be a numeric user id.");
        }
        return uid == 0 ? null : uid.intValue();
    }

    /**
     * An install key as an xl option. The keys eliloader maintains itself are refused here: under
     * xl they live in the VM's state file ({@code eliloader xl status}); and there is no secret store.
     */
    private void installKey(InstallKey key, String value) {
        if (key == InstallKey.ROUND || key == InstallKey.PROFILE) {
            throw BootloaderException.usage("--" + key.key() + " is kept by eliloader itself (see eliloader xl status;"
                    + " eliloader xl reinstall NAME starts over), never given as an option.");
        }
        if (key == InstallKey.REPOSITORY_SECRET) {
            throw BootloaderException.usage("--" + key.key() + " names a XenAPI secret, and xl has none: give the user"
                    + " in --install-repository and the password in the URL.");
        }
        if (installKeys.put(key.key(), value) != null) {
            throw BootloaderException.usage("--" + key.key() + " is given twice.");
        }
    }

    /** Whether this is an xl start: the install settings are on the command line (see {@code toolstack.xl}). */
    public boolean isXl() {
        return !installKeys.isEmpty();
    }

    private void appendArgs(String value) {
        if (value.isBlank()) {
            return;
        }
        callerArgs = callerArgs == null ? value.strip() : callerArgs + " " + value.strip();
    }

    /**
     * Which caller this command line is, for the kernel-argument rule ({@link Caller}): xapi's
     * {@code --default_args}/{@code --extra_args} mark the old xapi, libxl always names
     * {@code --output-format=simple0}, and xenopsd's call has neither (simple, its only format).
     */
    public Caller caller() {
        if (legacyXapi) {
            return Caller.OLD_XAPI;
        }
        return switch (outputFormat) {
            case SIMPLE -> Caller.XENOPSD;
            case SIMPLE0 -> Caller.LIBXL;
            case SXP -> Caller.ANSWER_IS_COMMAND_LINE;
        };
    }

    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\')) {
                out.append(s.charAt(++i));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Whether the caller passed any kernel arguments itself (else the record's PV args are used). */
    public boolean hasCallerArgs() {
        return callerArgs != null;
    }

    /** The boot command's synopsis (for a usage error); the full help is {@code Manual.help()}. */
    public static String usage() {
        return Manual.bootSynopsis();
    }
}
