package org.xenproject.eliloader.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.profile.Profile;
import org.xenproject.eliloader.profile.ProfileRegistry;
import org.xenproject.eliloader.profile.ProfileSelector;
import org.xenproject.eliloader.round.Actions;
import org.xenproject.eliloader.round.BundledBootFiles;
import org.xenproject.eliloader.round.FetchBootFiles;
import org.xenproject.eliloader.round.FetchedFile;
import org.xenproject.eliloader.round.HandoverFiles;
import org.xenproject.eliloader.round.InstallContext;
import org.xenproject.eliloader.round.InstallSettings;
import org.xenproject.eliloader.round.KernelArgs;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.source.SourceFactory;
import org.xenproject.eliloader.source.SourceOptions;
import org.xenproject.eliloader.source.TreeFiles;
import org.xenproject.eliloader.toolstack.VmRecord;

/**
 * {@code eliloader probe --repository URL [--distro D] [--arch A] [--release R] …}: what an
 * install from this tree would do, touching no VM record — the profile and how it was chosen,
 * the metadata read, the kernel and initrd (really fetched into a scratch folder, verified
 * against the checksums the tree publishes, then deleted), the kernel arguments and the round plan.
 */
final class ProbeCommand {
    static final String USAGE = "usage: eliloader probe --repository URL [--distro D] [--arch A] [--release R]\n"
            + "                      [--round N] [--cdrom] [--vnc] [--vnc-password P] [--install-kernel K]\n"
            + "                      [--install-ramdisk R] [--install-args A] [--profiles-dir=DIR] [--ca-file=FILE]\n"
            + "                      [--guest-installer-dir=DIR]\n";
    private static final Set<String> VALUES = Set.of("repository", "distro", "arch", "release", "round",
            "vnc-password", "install-kernel", "install-ramdisk", "install-args", "proxy");
    /** The actions probe runs: they only fetch files into the scratch folder. */
    private static final Set<String> FETCHING = Set.of(FetchBootFiles.NAME, BundledBootFiles.NAME);

    private final PrintStream out;
    private final SubcommandOptions options;
    private final Settings settings;

    ProbeCommand(List<String> args, Map<String, String> environment, PrintStream out) {
        this.out = out;
        this.options = SubcommandOptions.parse("probe", args, VALUES, Set.of("cdrom", "vnc"));
        this.settings = Settings.resolve(options.settings, environment, Settings.configFile(environment));
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
        otherConfig.put(InstallSettings.REPOSITORY, cdrom ? "cdrom" : url);
        otherConfig.put(InstallSettings.DISTRO, options.values.getOrDefault("distro", ProfileSelector.AUTO));
        put(otherConfig, InstallSettings.ARCH, options.value("arch"));
        put(otherConfig, InstallSettings.RELEASE, options.value("release"));
        put(otherConfig, InstallSettings.ROUND, options.value("round"));
        put(otherConfig, InstallSettings.VNC_PASSWORD, options.value("vnc-password"));
        put(otherConfig, InstallSettings.KERNEL, options.value("install-kernel"));
        put(otherConfig, InstallSettings.RAMDISK, options.value("install-ramdisk"));
        put(otherConfig, InstallSettings.ARGS, options.value("install-args"));
        put(otherConfig, InstallSettings.PROXY, options.value("proxy"));
        if (options.flag("vnc")) {
            otherConfig.put(InstallSettings.VNC, "true");
        }
        VmRecord vm = new VmRecord("probe", "probe", "eliloader", "", "", otherConfig, Map.of(), List.of());
        InstallSettings install = InstallSettings.of(vm);
        Repository tree = Repository.parse(url);
        Repository repository = cdrom ? Repository.parse("cdrom") : tree;
        SourceOptions sourceOptions = new SourceOptions(SourceOptions.defaults().connectTimeout(),
                Duration.ofSeconds(Long.parseLong(settings.require(Setting.HTTP_TIMEOUT_SECONDS))), install.proxy(),
                settings.path(Setting.CA_FILE).orElse(null), null);
        Path scratch = scratchDirectory();
        try (TreeFiles files = new TreeFiles(() -> SourceFactory.open(tree, sourceOptions))) {
            ProfileSelector.Selection selection = ProfileSelector.select(
                    ProfileRegistry.forHost(settings.path(Setting.PROFILES_DIR)), install.distro(), files,
                    InstallContext.runValues(install));
            Profile profile = selection.profile().forInstall(cdrom);
            line("repository", tree.masked() + (cdrom ? " (as the CD of a cdrom install)" : ""));
            line("profile", profile.id() + " (" + profile.description() + ")");
            line("chosen", selection.how());
            line("arch", install.arch() + " (installer: " + profile.archName(install.arch()) + ")");
            HandoverFiles handover = new HandoverFiles(scratch);
            try (InstallContext context = new InstallContext(vm, install, profile, repository, files, handover)
                    .withHost(settings)) {
                List<List<String>> rounds = profile.rounds();
                int round = install.round();
                if (round > rounds.size()) {
                    throw BootloaderException.invalidSource("--round " + round + " but " + profile.id() + " has "
                            + rounds.size() + " round(s).");
                }
                for (String action : rounds.get(round - 1)) {
                    if (FETCHING.contains(action)) {
                        if (action.equals(FetchBootFiles.NAME)) {
                            line("layout", FetchBootFiles.choose(context).how());
                        }
                        Actions.named(action).run(context);
                    }
                }
                line("metadata read", files.found().isEmpty() ? "none" : String.join(", ", files.found()));
                List<String> absent = files.requested().stream().filter(p -> !files.found().contains(p)).toList();
                line("metadata absent", absent.isEmpty() ? "none" : String.join(", ", absent));
                files.unreadable().forEach((path, reason) -> line("metadata unreadable", path + ": " + reason));
                if (context.kernel() != null) {
                    file("kernel", context.kernel(), profile);
                    if (context.ramdisk() != null) {
                        file("initrd", context.ramdisk(), profile);
                    }
                    String args = KernelArgs.build(context, "");
                    String password = install.vncPassword();
                    line("kernel args", password == null ? args : args.replace(password, "********"));
                } else {
                    line("kernel", "none fetched in round " + round + " (its actions hand over to other code)");
                }
                for (int i = 0; i < rounds.size(); i++) {
                    line("round " + (i + 1), String.join(", ", rounds.get(i)) + (i + 1 == rounds.size()
                            ? "; then PV-bootloader=pygrub" : "; then install-round=" + (i + 2)));
                }
            }
        } finally {
            deleteTree(scratch);
        }
        out.flush();
        return 0;
    }

    private void file(String what, FetchedFile file, Profile profile) {
        StringBuilder text = new StringBuilder(file.source() == null ? "?" : file.source());
        text.append(" (").append(file.size()).append(" bytes, md5 ").append(file.md5()).append(")");
        text.append(file.verified() ? " verified: " + file.verification() : " not verified: no published checksum");
        FetchBootFiles.vendorInitrd(profile, file.md5()).ifPresent(name -> text.append("; vendor initrd ").append(name));
        line(what, text.toString());
    }

    private void line(String key, String value) {
        out.print(key + ": " + value + "\n");
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static Path scratchDirectory() {
        try {
            return Files.createTempDirectory("eliloader-probe.");
        } catch (IOException e) {
            throw BootloaderException.internal("Cannot create a scratch folder: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a scratch folder in /tmp
        }
    }
}
