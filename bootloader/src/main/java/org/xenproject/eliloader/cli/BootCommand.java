package org.xenproject.eliloader.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.profile.Profile;
import org.xenproject.eliloader.profile.ProfileRegistry;
import org.xenproject.eliloader.profile.ProfileSelector;
import org.xenproject.eliloader.round.BootRequest;
import org.xenproject.eliloader.round.HandoverFiles;
import org.xenproject.eliloader.round.InstallContext;
import org.xenproject.eliloader.round.InstallRound;
import org.xenproject.eliloader.round.InstallSettings;
import org.xenproject.eliloader.source.InstallMethods;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.source.RetryPolicy;
import org.xenproject.eliloader.source.SourceFactory;
import org.xenproject.eliloader.source.SourceOptions;
import org.xenproject.eliloader.source.TreeFiles;
import org.xenproject.eliloader.toolstack.RecordEdit;
import org.xenproject.eliloader.toolstack.Toolstack;
import org.xenproject.eliloader.toolstack.ToolstackFactory;
import org.xenproject.eliloader.toolstack.VmRecord;

/**
 * One VM start: read the record, run the current round, write the answer, then record the
 * round. Files are ready before the answer is written and the record changes only after it,
 * so a failure or a kill at any point leaves a VM that boots the same round again.
 */
final class BootCommand {
    /** System property the launcher sets to the shipped {@code distro-profiles/} directory. */
    static final String SHIPPED_PROFILES_PROPERTY = ProfileRegistry.SHIPPED_PROFILES_PROPERTY;

    private final CommandLine commandLine;
    private final Settings settings;
    private final PrintStream stdout;
    private final PrintStream stderr;

    BootCommand(CommandLine commandLine, Map<String, String> environment, PrintStream stdout, PrintStream stderr) {
        this.commandLine = commandLine;
        this.settings = Settings.resolve(commandLine.settings, environment, Settings.configFile(environment));
        this.stdout = stdout;
        this.stderr = stderr;
    }

    void run() {
        if (commandLine.vmUuid == null || commandLine.vmUuid.isBlank()) {
            throw BootloaderException.usage("--vm=UUID is required.");
        }
        if (commandLine.disk == null) {
            throw BootloaderException.usage("The boot DISK argument is required.");
        }
        boolean keepInstalling = keepInstalling();
        HandoverFiles handover = new HandoverFiles(Path.of(settings.require(Setting.OUTPUT_DIRECTORY)));
        try (Toolstack toolstack = ToolstackFactory.open(settings)) {
            VmRecord vm = toolstack.readVm(commandLine.vmUuid);
            InstallSettings install = InstallSettings.of(vm);
            Repository repository = Repository.parse(install.repository());
            InstallMethods.check(repository, install.methods());
            SourceOptions sourceOptions = sourceOptions(install, vm, toolstack);
            // one tree per run: detection, layout choice and checksums share its metadata cache
            try (TreeFiles tree = new TreeFiles(SourceFactory.opener(repository, sourceOptions))) {
                runRound(toolstack, vm, install, repository, tree, handover, keepInstalling);
            }
        } finally {
            handover.discardAll();
        }
    }

    private void runRound(Toolstack toolstack, VmRecord vm, InstallSettings install, Repository repository,
            TreeFiles tree, HandoverFiles handover, boolean keepInstalling) {
        ProfileSelector.Selection selection = ProfileSelector.select(
                ProfileRegistry.forHost(settings.path(Setting.PROFILES_DIR)), install.distro(), install.chosenProfile(),
                tree, InstallContext.runValues(install));
        Profile profile = selection.profile();
        Log.info("VM " + vm.uuid() + " round " + install.round() + " profile " + profile.id() + " ("
                + selection.how() + ") from " + repository.masked());
        try (InstallContext context = new InstallContext(vm, install, profile, repository, tree, handover)
                .withHost(settings)) {
            String kernelArgs = commandLine.hasCallerArgs() ? commandLine.callerArgs : vm.pvArgs();
            context.setBootRequest(new BootRequest(commandLine.disk,
                    commandLine.outputFormat.name().toLowerCase(Locale.ROOT), kernelArgs,
                    commandLine.pygrubOptions, Path.of(settings.require(Setting.PYGRUB))));
            InstallRound.Result result = InstallRound.run(context, kernelArgs);
            byte[] answer = result.fromPygrub() ? result.pygrubAnswer().answer()
                    : commandLine.outputFormat.render(result.entry());
            writeAnswer(answer);
            if (result.fromPygrub()) {
                relayPygrubDiagnostics(result.pygrubAnswer().stderr());
            }
            if (keepInstalling) {
                Log.info("keep-installing: the VM stays in round " + install.round());
            } else {
                toolstack.apply(vm.uuid(), result.edits());
                tidy(toolstack, vm.uuid(), result.cleanup());
            }
            handover.handOver();
        }
    }

    /** The never-latch debug switch: {@code --keep-installing}, or the setting of the same name. */
    private boolean keepInstalling() {
        if (commandLine.keepInstalling) {
            return true;
        }
        String value = settings.require(Setting.KEEP_INSTALLING).strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off", "" -> false;
            default -> throw BootloaderException.usage("keep-installing must be true or false, not \"" + value
                    + "\" (--keep-installing, " + Setting.KEEP_INSTALLING.environmentVariable() + " or the config file).");
        };
    }

    /** pygrub's stderr on success (which config file it parsed), passed on as pygrub would have printed it. */
    private void relayPygrubDiagnostics(byte[] diagnostics) {
        if (diagnostics.length > 0) {
            stderr.write(diagnostics, 0, diagnostics.length);
            stderr.flush();
        }
    }

    /** Edits after the switch to pygrub: the round boots even when they fail (see Bookkeeping). */
    private static void tidy(Toolstack toolstack, String vmUuid, List<RecordEdit> edits) {
        if (edits.isEmpty()) {
            return;
        }
        try {
            toolstack.apply(vmUuid, edits);
        } catch (RuntimeException e) {
            Log.info("VM " + vmUuid + " switched to pygrub, but tidying its record failed: " + e.getMessage());
        }
    }

    private SourceOptions sourceOptions(InstallSettings install, VmRecord vm, Toolstack toolstack) {
        SourceOptions defaults = SourceOptions.defaults();
        Duration connect = Duration.ofSeconds(seconds(Setting.CONNECT_TIMEOUT_SECONDS, 1));
        Duration read = Duration.ofSeconds(seconds(Setting.HTTP_TIMEOUT_SECONDS, 1));
        Duration overall = Duration.ofSeconds(seconds(Setting.FETCH_TIMEOUT_SECONDS, 1));
        RetryPolicy defaultRetry = defaults.retry();
        RetryPolicy retry = new RetryPolicy((int) seconds(Setting.FETCH_RETRIES, 0), defaultRetry.firstBackoff(),
                defaultRetry.maxBackoff());
        // the repository password: a secret named by uuid, looked up only if a source needs it
        String secretUuid = vm.otherConfig(SourceOptions.SECRET_KEY).map(String::strip).filter(s -> !s.isEmpty())
                .orElse(null);
        Supplier<String> secret = secretUuid == null ? () -> null : () -> toolstack.secretValue(secretUuid);
        return defaults.withTimeouts(connect, read, overall).withRetry(retry).withProxy(install.proxy())
                .withCaFile(settings.path(Setting.CA_FILE).orElse(null)).withBootDisk(Path.of(commandLine.disk))
                .withSecret(secret);
    }

    /** A whole-number setting, at least {@code min}. */
    private long seconds(Setting setting, long min) {
        String text = settings.require(setting).strip();
        try {
            long value = Long.parseLong(text);
            if (value >= min && value <= 86_400) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "The setting " + setting.key() + " (--"
                + setting.key() + ", " + setting.environmentVariable() + ") is \"" + text + "\"; it must be a whole"
                + " number from " + min + " to 86400.");
    }

    private void writeAnswer(byte[] answer) {
        if ("-".equals(commandLine.output)) {
            stdout.write(answer, 0, answer.length);
            stdout.flush();
            if (stdout.checkError()) {
                throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "Cannot write the answer to standard output.");
            }
            return;
        }
        try {
            Files.write(Path.of(commandLine.output), answer);
        } catch (IOException e) {
            throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "Cannot write the answer to "
                    + commandLine.output + ": " + e.getMessage(), e);
        }
    }
}
