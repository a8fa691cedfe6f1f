package org.xenproject.eliloader.install;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.xenproject.eliloader.config.InstallSettings;
import org.xenproject.eliloader.config.BootFileLimits;
import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.guest.GuestUser;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.profile.Profile;
import org.xenproject.eliloader.profile.ProfileRegistry;
import org.xenproject.eliloader.profile.ProfileSelector;
import org.xenproject.eliloader.round.CallerRequest;
import org.xenproject.eliloader.round.HandoverFiles;
import org.xenproject.eliloader.round.InstallContext;
import org.xenproject.eliloader.round.InstallRound;
import org.xenproject.eliloader.round.PygrubAnswer;
import org.xenproject.eliloader.round.pygrub.Pygrub;
import org.xenproject.eliloader.round.pygrub.PygrubHandoff;
import org.xenproject.eliloader.source.InstallMethods;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.source.RetryPolicy;
import org.xenproject.eliloader.source.SourceFactory;
import org.xenproject.eliloader.source.SourceOptions;
import org.xenproject.eliloader.source.TreeFiles;
import org.xenproject.eliloader.source.file.FileSource;

/**
 * The install pipeline, the same under every entry point ({@code boot} for the toolstacks,
 * {@code probe} for developers): install settings → repository → source options → the tree
 * (one per-run cache of its metadata) → profile selection → the current round's actions →
 * the answer in the caller's format, with the record edits that end the round.
 *
 * <p>The installer reads the VM record but never writes it: the plan says what to write, and the
 * entry point writes it after the answer is out (or, for {@code probe}, prints it).
 */
public final class Installer {
    private Installer() {
    }

    /** Runs the request's round and returns its plan; on failure every file it made is removed. */
    public static BootPlan plan(InstallRequest request) {
        InstallSettings install = request.install();
        Settings host = request.host();
        Repository repository = Repository.parse(install.repository());
        InstallMethods.check(repository, install.methods());
        Repository treeRepository = request.treeOverride() == null ? repository : request.treeOverride();
        SourceOptions options = sourceOptions(request);
        HandoverFiles handover = new HandoverFiles(host.requirePath(Setting.OUTPUT_DIRECTORY));
        // one tree per run: detection, layout choice and checksums share its metadata cache
        try (TreeFiles tree = new TreeFiles(SourceFactory.opener(treeRepository, options))) {
            ProfileSelector.Selection selection = ProfileSelector.select(
                    ProfileRegistry.forHost(host.path(Setting.PROFILES_DIR)), install.distro(),
                    install.chosenProfile(), tree, InstallContext.runValues(install));
            Profile profile = selection.profile().forInstall(install.isCdrom());
            Log.info("VM " + request.vm().uuid() + " round " + install.round() + " profile " + profile.id() + " ("
                    + selection.how() + ") from " + treeRepository.masked());
            InstallContext context = new InstallContext(request.vm(), install, profile, repository, tree, handover,
                    host, request.caller());
            InstallRound.Outcome outcome = InstallRound.run(context);
            PygrubAnswer pygrub = outcome.pygrubAnswer();
            byte[] answer = pygrub != null ? pygrub.answer()
                    : outcome.entry() != null ? request.caller().outputFormat().render(outcome.entry()) : null;
            BootPlan.Report report = new BootPlan.Report(profile, selection.how(), install.round(),
                    outcome.produced().layout(), outcome.produced().kernel(), outcome.produced().ramdisk(),
                    outcome.entry() == null ? null : outcome.entry().args(), outcome.skipped(), tree.found(),
                    tree.requested(), Map.of());
            return new BootPlan(answer, pygrub == null ? new byte[0] : pygrub.stderr(), outcome.edits(),
                    outcome.cleanup(), handover, report);
        } catch (RuntimeException | Error e) {
            handover.discardAll();
            throw e;
        }
    }

    /**
     * A start after the last round where no toolstack switched the VM to pygrub for us (xl, whose
     * config keeps {@code bootloader="eliloader"}): the boot is handed over to pygrub with the
     * {@code PV-bootloader-args} the rounds stored and the caller's kernel arguments; nothing is
     * fetched and nothing is recorded.
     */
    public static BootPlan handOffInstalled(InstallRequest request) {
        HandoverFiles handover = new HandoverFiles(request.host().requirePath(Setting.OUTPUT_DIRECTORY));
        try {
            Log.info("VM " + request.vm().uuid() + " is installed: pygrub " + request.vm().pvBootloaderArgs());
            Pygrub guestReader = Pygrub.forRequest(request.caller(), request.host(),
                    BootFileLimits.of(request.vm().platform()), Pygrub.deadline(request.host()));
            PygrubAnswer pygrub = PygrubHandoff.handOff(request.caller(), request.vm().pvBootloaderArgs(),
                    request.caller().kernelArgs(), handover, guestReader);
            BootPlan.Report report = new BootPlan.Report(null, "installed", 0, null, null, null, null, List.of(),
                    List.of(), List.of(), Map.of());
            return new BootPlan(pygrub.answer(), pygrub.stderr(), List.of(), List.of(), handover, report);
        } catch (RuntimeException | Error e) {
            handover.discardAll();
            throw e;
        }
    }

    /** How sources connect, from the host settings: the one place every timeout reaches every scheme. */
    static SourceOptions sourceOptions(InstallRequest request) {
        Settings host = request.host();
        CallerRequest caller = request.caller();
        SourceOptions defaults = SourceOptions.defaults();
        RetryPolicy retry = new RetryPolicy(host.count(Setting.FETCH_RETRIES), defaults.retry().firstBackoff(),
                defaults.retry().maxBackoff()).withLowSpeed(host.rate(Setting.SPEED_LIMIT),
                host.duration(Setting.SPEED_TIME_SECONDS));
        return defaults.withTimeouts(host.duration(Setting.CONNECT_TIMEOUT_SECONDS),
                        host.duration(Setting.HTTP_TIMEOUT_SECONDS), host.duration(Setting.FETCH_TIMEOUT_SECONDS))
                .withRetry(retry).withProxy(request.install().proxy()).withCaFile(host.path(Setting.CA_FILE).orElse(null))
                .withBootDisk(caller.hasDisk() ? Path.of(caller.disk()) : null)
                .withSecret(request.repositorySecret())
                .withGuestReader(new GuestReaderLookup(caller.runAs(), host))
                .withFileRoots(FileSource.roots(host.get(Setting.FILE_ROOTS).orElse("")));
    }

    /**
     * Who reads the VM's CD, looked up only when a CD is opened: network installs never read
     * {@code /etc/passwd} for it (a class, not a lambda: no bootstrap on every VM start).
     */
    private static final class GuestReaderLookup implements java.util.function.Supplier<GuestUser> {
        private final Integer runAs;
        private final Settings host;

        GuestReaderLookup(Integer runAs, Settings host) {
            this.runAs = runAs;
            this.host = host;
        }

        @Override
        public GuestUser get() {
            return GuestUser.resolve(runAs, host).orElse(null);
        }
    }
}
