package org.xenproject.eliloader.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.xenproject.eliloader.answer.OutputFormat;
import org.xenproject.eliloader.config.InstallKey;
import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.Secrets;
import org.xenproject.eliloader.install.BootPlan;
import org.xenproject.eliloader.install.InstallRequest;
import org.xenproject.eliloader.install.Installer;
import org.xenproject.eliloader.profile.Profile;
import org.xenproject.eliloader.profile.ProfileSelector;
import org.xenproject.eliloader.profile.RoundPlan;
import org.xenproject.eliloader.round.CallerRequest;
import org.xenproject.eliloader.round.FetchBootFiles;
import org.xenproject.eliloader.round.FetchedFile;
import org.xenproject.eliloader.round.RunDirectory;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.toolstack.RecordEdit;

/**
 * {@code eliloader probe --repository URL [--distro D] [--arch A] [--release R] …}: what an
 * install from this tree would do, touching no VM record. It is the {@link Installer} with a
 * scratch folder as the output directory, no boot disk (actions that read one are skipped) and
 * its record edits printed instead of applied: the profile and how it was chosen, the metadata
 * read, the kernel and initrd (really fetched, verified against the checksums the tree
 * publishes, then deleted), the kernel arguments and the round plan.
 */
final class ProbeCommand {
    /** probe's options, by the install key each one sets. */
    private static final Map<String, InstallKey> KEYS = Map.of("distro", InstallKey.DISTRO, "arch", InstallKey.ARCH,
            "release", InstallKey.RELEASE, "round", InstallKey.ROUND, "vnc-password", InstallKey.VNC_PASSWORD,
            "install-kernel", InstallKey.KERNEL, "install-ramdisk", InstallKey.RAMDISK, "install-args",
            InstallKey.ARGS, "proxy", InstallKey.PROXY);
    /** probe's flags. */
    static final Set<String> FLAGS = Set.of("cdrom", "vnc", "json");
    /** probe's options that take a value. */
    static final Set<String> VALUES = Set.copyOf(Stream.concat(KEYS.keySet().stream(),
            Stream.of("repository")).toList());

    private final PrintStream out;
    private final SubcommandOptions options;
    private final Map<String, String> environment;

    ProbeCommand(List<String> args, Map<String, String> environment, PrintStream out) {
        this.out = out;
        this.options = SubcommandOptions.parse("probe", args, VALUES, FLAGS);
        this.environment = environment;
    }

    int run() {
        String url = options.value("repository");
        if (url == null) {
            throw BootloaderException.usage("probe needs --repository URL.");
        }
        if (!options.positional.isEmpty()) {
            throw BootloaderException.usage("probe takes no positional arguments.");
        }
        boolean cdrom = options.flag("cdrom");
        Map<String, String> otherConfig = new LinkedHashMap<>();
        otherConfig.put(InstallKey.REPOSITORY.key(), cdrom ? "cdrom" : url);
        otherConfig.put(InstallKey.DISTRO.key(), ProfileSelector.AUTO);
        KEYS.forEach((option, key) -> {
            String value = options.value(option);
            if (value != null) {
                otherConfig.put(key.key(), value);
            }
        });
        if (options.flag("vnc")) {
            otherConfig.put(InstallKey.VNC.key(), "true");
        }
        Repository tree = Repository.parse(url);
        Path scratch = scratchDirectory();
        try {
            Map<Setting, String> given = new EnumMap<>(options.settings);
            given.put(Setting.OUTPUT_DIRECTORY, scratch.toString());
            Settings settings = Settings.resolve(given, environment, Settings.configFile(environment));
            CallerRequest caller = new CallerRequest(null, OutputFormat.SIMPLE, "", List.of(),
                    settings.requirePath(Setting.PYGRUB));
            try (BootPlan plan = Installer.plan(InstallRequest.forProbe(otherConfig, settings, caller, tree))) {
                if (options.flag("json")) {
                    printJson(plan, tree, cdrom, otherConfig.get(InstallKey.VNC_PASSWORD.key()),
                            otherConfig.get(InstallKey.ARCH.key()));
                } else {
                    print(plan, tree, cdrom, otherConfig.get(InstallKey.VNC_PASSWORD.key()),
                            otherConfig.get(InstallKey.ARCH.key()));
                }
            }
        } finally {
            deleteTree(scratch);
        }
        out.flush();
        return 0;
    }

    private void print(BootPlan plan, Repository tree, boolean cdrom, String password, String arch) {
        BootPlan.Report report = plan.report();
        Profile profile = report.profile();
        String installArch = arch == null ? "i386" : arch.strip();
        line("repository", tree.masked() + (cdrom ? " (as the CD of a cdrom install)" : ""));
        if (!List.of("direct", "local").contains(report.connection())) {
            line("connection", report.connection()); // a proxy is set: whether this scheme uses it
        }
        line("profile", profile.id() + " (" + profile.description() + ")");
        line("chosen", report.chosen());
        line("arch", installArch + " (installer: " + profile.archName(installArch) + ")");
        if (report.layout() != null) {
            line("layout", report.layout());
        }
        line("metadata read", report.metadataFound().isEmpty() ? "none" : String.join(", ", report.metadataFound()));
        List<String> absent = report.metadataRequested().stream().filter(p -> !report.metadataFound().contains(p))
                .toList();
        line("metadata absent", absent.isEmpty() ? "none" : String.join(", ", absent));
        report.metadataUnreadable().forEach((path, reason) -> line("metadata unreadable", path + ": " + reason));
        if (report.kernel() != null) {
            file("kernel", report.kernel(), profile);
            if (report.ramdisk() != null) {
                file("initrd", report.ramdisk(), profile);
            }
            String args = report.kernelArgs();
            line("kernel args", args); // the VNC password masked by line()
        } else {
            line("kernel", "none fetched in round " + report.round() + " (its actions hand over to other code)");
        }
        line("record edits", describe(plan.edits()));
        if (!plan.cleanup().isEmpty()) {
            line("then, tidying", describe(plan.cleanup()));
        }
        RoundPlan rounds = profile.rounds();
        for (RoundPlan.Round round : rounds.rounds()) {
            line("round " + round.number(), String.join(", ", round.actions()) + (rounds.isLast(round.number())
                    ? "; then PV-bootloader=pygrub" : "; then install-round=" + (round.number() + 1)));
        }
    }

    /** The same facts as {@link #print} as one JSON object (snake_case keys), for scripts. */
    private void printJson(BootPlan plan, Repository tree, boolean cdrom, String password, String arch) {
        BootPlan.Report report = plan.report();
        Profile profile = report.profile();
        String installArch = arch == null ? "i386" : arch.strip();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("repository", tree.masked());
        json.put("cdrom", cdrom);
        Map<String, Object> chosenProfile = new LinkedHashMap<>();
        chosenProfile.put("id", profile.id());
        chosenProfile.put("description", profile.description());
        json.put("profile", chosenProfile);
        json.put("connection", report.connection());
        json.put("chosen", report.chosen());
        json.put("round", report.round());
        json.put("arch", installArch);
        json.put("installer_arch", profile.archName(installArch));
        json.put("layout", report.layout());
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("read", report.metadataFound());
        metadata.put("absent", report.metadataRequested().stream().filter(p -> !report.metadataFound().contains(p))
                .toList());
        metadata.put("unreadable", report.metadataUnreadable());
        json.put("metadata", metadata);
        json.put("kernel", report.kernel() == null ? null : fileJson(report.kernel(), profile));
        json.put("initrd", report.ramdisk() == null ? null : fileJson(report.ramdisk(), profile));
        String args = report.kernel() == null ? null : report.kernelArgs();
        json.put("kernel_args", args == null || password == null || password.isEmpty() ? args
                : args.replace(password, "********"));
        json.put("record_edits", plan.edits().stream().map(RecordEdit::describe).toList());
        json.put("tidying", plan.cleanup().stream().map(RecordEdit::describe).toList());
        List<Map<String, Object>> rounds = new java.util.ArrayList<>();
        RoundPlan plans = profile.rounds();
        for (RoundPlan.Round round : plans.rounds()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("number", round.number());
            r.put("actions", round.actions());
            r.put("then", plans.isLast(round.number()) ? "PV-bootloader=pygrub" : "install-round=" + (round.number() + 1));
            rounds.add(r);
        }
        json.put("rounds", rounds);
        out.print(Json.object(json));
    }

    private static Map<String, Object> fileJson(FetchedFile file, Profile profile) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("source", file.source());
        f.put("size", file.size());
        f.put("md5", file.md5());
        f.put("verified", file.verified());
        f.put("verification", file.verified() ? file.verification() : null);
        f.put("vendor_initrd", FetchBootFiles.vendorInitrd(profile, file.md5()).orElse(null));
        return f;
    }

    /** The edits a VM start would apply, in their order; a probe applies none. */
    private static String describe(List<RecordEdit> edits) {
        return edits.isEmpty() ? "none" : String.join(", ", edits.stream().map(RecordEdit::describe).toList());
    }

    private void file(String what, FetchedFile file, Profile profile) {
        StringBuilder text = new StringBuilder(file.source() == null ? "?" : file.source());
        text.append(" (").append(file.size()).append(" bytes, md5 ").append(file.md5()).append(")");
        text.append(file.verified() ? " verified: " + file.verification() : " not verified: no published checksum");
        FetchBootFiles.vendorInitrd(profile, file.md5()).ifPresent(name -> text.append("; vendor initrd ").append(name));
        line(what, text.toString());
    }

    private void line(String key, String value) {
        out.print(key + ": " + Secrets.mask(value) + "\n");
    }

    private static Path scratchDirectory() {
        try {
            // named by the run, so the next probe removes one a killed probe left
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            RunDirectory.sweepScratch(tmp, "eliloader-probe.");
            return Files.createTempDirectory(tmp, "eliloader-probe." + RunDirectory.self() + ".");
        } catch (IOException e) {
            throw BootloaderException.internal("Cannot create a scratch folder: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a scratch folder in /tmp
        }
    }
}
