package org.xenproject.eliloader.round.pygrub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.xenproject.eliloader.answer.OutputFormat;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.round.CallerRequest;
import org.xenproject.eliloader.round.Produced;
import org.xenproject.eliloader.round.HandoverFiles;
import org.xenproject.eliloader.round.InstallContext;
import org.xenproject.eliloader.round.KernelArgs;
import org.xenproject.eliloader.round.PygrubAnswer;
import org.xenproject.eliloader.round.RoundAction;

/**
 * Hands this boot over to pygrub: runs
 * {@code pygrub -q --output-format=F --output-directory=W [PV-bootloader-args] [--args=A] -- DISK}
 * and relays its answer, so the caller gets what pygrub would have given it. Must be the last
 * action of its round.
 *
 * <p>The {@code PV-bootloader-args} are the ones this round leaves in the record (an earlier
 * action may just have chosen them) over the pygrub options on the caller's command line; the
 * kernel arguments are the caller's, else the VM's {@code PV-args}.
 *
 * <p>pygrub writes its files into {@code W}, a private directory inside the output directory:
 * the output directory is shared by every VM start on the host, so only a private directory
 * tells which files are this run's. On success the files pygrub names are moved next to it,
 * into the output directory proper, and the answer's paths are changed to match (nothing else
 * in it changes); anything else pygrub left there, such as the empty {@code boot_*} files of a
 * failed run, is deleted with {@code W}. pygrub writes the answer to its stdout, and eliloader
 * writes it to the caller's {@code --output} (pygrub would open that file without creating or
 * truncating it), so the record is changed only once the answer is out.
 *
 * <p>pygrub runs as {@link Pygrub#forRound} says (the guest user, limits, deadline), and the
 * files it extracts are held to the VM's boot-file limits before anything is handed over.
 *
 * <p>With pygrub's inspection flags ({@code -n}, {@code -l}, {@code --isconfig}) on the command
 * line, pygrub's output is relayed as it is and the round records nothing.
 */
public final class PygrubHandoff implements RoundAction {
    public static final String NAME = "pygrub-handoff";
    static final String WORK_PREFIX = ".eliloader-pygrub.";

    @Override
    public boolean readsBootDisk() {
        return true;
    }

    @Override
    public Produced run(InstallContext context, Produced soFar) {
        return Produced.pygrub(handOff(context.caller(), context.pvBootloaderArgs(soFar), kernelArgs(context),
                context.handover(), Pygrub.forRound(context, Pygrub.deadline(context))));
    }

    /**
     * The hand-off itself, for a round's action and for a start with no round left (an installed
     * VM under xl): {@code pvBootloaderArgs} over the caller's pygrub options, {@code kernelArgs}
     * as pygrub's {@code --args}; {@code pygrub} as {@link Pygrub#forRound} or
     * {@link Pygrub#forRequest} made it (the guest user, limits, deadline).
     */
    public static PygrubAnswer handOff(CallerRequest request, String pvBootloaderArgs, String kernelArgs,
            HandoverFiles handover, Pygrub pygrub) {
        PygrubArgs options = PygrubArgs.overlay(PygrubArgs.parse(request.pygrubOptions()),
                PygrubArgs.parse(pvBootloaderArgs));
        boolean inspection = options.hasInspectionFlag();
        Path work = workDirectory(handover.runDirectory());
        try {
            List<String> args = new ArrayList<>();
            args.add("-q");
            args.add("--output-format=" + request.outputFormat().pygrubName());
            args.add("--output-directory=" + work);
            args.addAll(options.toArguments());
            if (!kernelArgs.isBlank()) {
                args.add("--args=" + kernelArgs);
            }
            args.add("--");
            args.add(request.disk());
            Pygrub.Outcome outcome = pygrub.run(args, work);
            if (!outcome.succeeded()) {
                throw PygrubFailure.of("pygrub could not boot " + request.disk(), outcome);
            }
            // whoever extracted them, files over the VM's limits are never handed over
            pygrub.checkExtracted(work);
            byte[] answer = inspection ? outcome.stdout()
                    : takeOver(outcome.stdout(), work, handover, request.outputFormat());
            return new PygrubAnswer(answer, outcome.stderr(), inspection);
        } finally {
            Trees.deleteQuietly(work);
        }
    }

    /**
     * What pygrub appends to the menu entry's arguments. Round 1 is always the installer's (no
     * system is installed yet): pygrub reads the installer medium (a pygrub-style CD install), and
     * the installer gets its arguments as a fetched installer would — the profile's CD argument,
     * VNC, {@code install-args} — which the original appended to the CD menu's kernel (XSO-338).
     * Later rounds boot the installed system: only the VM's part (by the caller's rule).
     */
    static String kernelArgs(InstallContext context) {
        String vmArgs = context.caller().kernelArgs();
        return context.settings().round() == 1 ? KernelArgs.build(context, vmArgs) : vmArgs;
    }

    private static Path workDirectory(Path outputDirectory) {
        try {
            return Files.createTempDirectory(outputDirectory, WORK_PREFIX).toAbsolutePath().normalize();
        } catch (IOException e) {
            throw BootloaderException.internal("Cannot create a directory for pygrub in " + outputDirectory + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Moves the files pygrub wrote into the output directory and rewrites their paths in the
     * answer. Answers are handled as bytes (ISO-8859-1 maps each byte to one char and back).
     */
    static byte[] takeOver(byte[] answer, Path work, HandoverFiles handover, OutputFormat format) {
        String text = new String(answer, StandardCharsets.ISO_8859_1);
        boolean kernelSeen = false;
        for (Path made : listing(work)) {
            String name = made.getFileName().toString();
            String role = name.startsWith("boot_kernel.") ? "kernel" : name.startsWith("boot_ramdisk.") ? "ramdisk" : null;
            if (role == null) {
                continue;
            }
            String token = token(format, role, work.resolve(name).toString());
            int at = text.indexOf(token);
            if (at < 0) {
                continue; // not part of the answer: deleted with the work directory
            }
            Path target = handover.create("boot_" + role + ".");
            try {
                Files.move(made, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw BootloaderException.internal("Cannot move pygrub's " + role + " into " + handover.directory()
                        + ": " + e.getMessage(), e);
            }
            target = handover.publish(target);
            text = text.substring(0, at) + token(format, role, target.toString()) + text.substring(at + token.length());
            kernelSeen |= role.equals("kernel");
        }
        if (!kernelSeen) {
            Log.info("pygrub's answer: " + PygrubMessages.oneLine(answer));
            throw BootloaderException.internal("pygrub succeeded, but its answer names no kernel file it wrote.", null);
        }
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** How pygrub writes {@code role path} in the format (see pygrub's format_simple / format_sxp). */
    private static String token(OutputFormat format, String role, String path) {
        String latin1 = new String(path.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        return switch (format) {
            case SIMPLE -> role + " " + latin1 + "\n";
            case SIMPLE0 -> role + " " + latin1 + "\0";
            case SXP -> "(" + role + " " + new String(PygrubMessages.pythonRepr(path).getBytes(StandardCharsets.UTF_8),
                    StandardCharsets.ISO_8859_1) + ")";
        };
    }

    private static List<Path> listing(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.sorted().toList();
        } catch (IOException e) {
            throw BootloaderException.internal("Cannot list pygrub's files in " + dir + ": " + e.getMessage(), e);
        }
    }
}
