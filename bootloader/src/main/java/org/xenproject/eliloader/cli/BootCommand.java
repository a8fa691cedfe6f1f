package org.xenproject.eliloader.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.xenproject.eliloader.answer.OutputFormat;
import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.install.BootPlan;
import org.xenproject.eliloader.install.InstallRequest;
import org.xenproject.eliloader.install.Installer;
import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.profile.ProfileRegistry;
import org.xenproject.eliloader.round.CallerRequest;
import org.xenproject.eliloader.round.Progress;
import org.xenproject.eliloader.round.RunDirectory;
import org.xenproject.eliloader.toolstack.RecordEdit;
import org.xenproject.eliloader.toolstack.Toolstack;
import org.xenproject.eliloader.toolstack.ToolstackFactory;
import org.xenproject.eliloader.toolstack.VmRecord;
import org.xenproject.eliloader.toolstack.xl.XlToolstack;

/**
 * One VM start: read the record, let the {@link Installer} plan the current round, write the
 * answer, then record the round. Files are ready before the answer is written and the record
 * changes only after it, so a failure or a kill at any point leaves a VM that boots the same
 * round again.
 */
final class BootCommand {
    /** System property the launcher sets to the shipped {@code distro-profiles/} directory. */
    static final String SHIPPED_PROFILES_PROPERTY = ProfileRegistry.SHIPPED_PROFILES_PROPERTY;

    private final CommandLine commandLine;
    private final Settings settings;
    private final PrintStream stdout;
    private final PrintStream stderr;
    private final Map<String, String> environment;

    BootCommand(CommandLine commandLine, Map<String, String> environment, PrintStream stdout, PrintStream stderr) {
        this.commandLine = commandLine;
        this.settings = Settings.resolve(commandLine.settings, environment, Settings.configFile(environment));
        this.stdout = stdout;
        this.stderr = stderr;
        this.environment = environment;
    }

    void run() {
        if (!commandLine.isXl() && (commandLine.vmUuid == null || commandLine.vmUuid.isBlank())) {
            throw BootloaderException.usage("--vm=UUID is required.");
        }
        if (commandLine.disk == null) {
            throw BootloaderException.usage("The boot DISK argument is required.");
        }
        if (!commandLine.quiet) {
            // a person at a terminal (xenopsd and xapi pass -q; libxl passes --quiet when restricted)
            Progress.enableOnTerminal(stderr, environment, commandLine.outputFormat == OutputFormat.SIMPLE0);
        }
        boolean keepInstalling = settings.flag(Setting.KEEP_INSTALLING);
        // what killed runs left in the shared output directory (see RunDirectory)
        RunDirectory.sweep(settings.requirePath(Setting.OUTPUT_DIRECTORY));
        XlToolstack xl = commandLine.isXl() ? XlStart.open(commandLine, settings, stderr) : null;
        try (Toolstack toolstack = xl != null ? xl : ToolstackFactory.open(settings)) {
            VmRecord vm = toolstack.readVm(xl != null ? xl.name() : commandLine.vmUuid);
            String kernelArgs = commandLine.caller().vmArgs(commandLine.callerArgs, vm.pvArgs());
            CallerRequest caller = new CallerRequest(commandLine.disk, commandLine.outputFormat, kernelArgs,
                    commandLine.pygrubOptions, settings.requirePath(Setting.PYGRUB), commandLine.runAs);
            InstallRequest request = InstallRequest.forVm(vm, settings, caller, toolstack::secretValue);
            boolean installed = xl != null && xl.installed();
            if (installed) {
                xl.checkInstalledBootDisk();
            }
            try (BootPlan plan = installed ? Installer.handOffInstalled(request) : Installer.plan(request)) {
                writeAnswer(plan.answer());
                relayPygrubDiagnostics(plan.diagnostics());
                if (keepInstalling) {
                    Log.info("keep-installing: the VM stays in round " + plan.report().round());
                } else {
                    toolstack.apply(vm.uuid(), plan.edits());
                    tidy(toolstack, vm.uuid(), plan.cleanup());
                }
                plan.handOver();
            }
        }
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
