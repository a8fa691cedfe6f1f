package org.xenproject.eliloader.round;

import java.nio.file.Path;
import java.util.List;

import org.xenproject.eliloader.answer.OutputFormat;

/**
 * What the caller (a toolstack, or a developer's {@code probe}) asked for, as far as the round
 * needs it.
 *
 * @param disk the boot disk the caller named (the installed disk in round 2, the CD in a CD
 *        install); null for {@code probe}, which has no VM disk, so actions that read it are skipped
 * @param outputFormat the caller's output format
 * @param kernelArgs the caller's kernel arguments, else the VM's {@code PV-args}; may be empty
 * @param pygrubOptions pygrub options from the caller's command line ({@code --kernel=K}, {@code --entry=N}, {@code -n}, …)
 * @param pygrub the host's pygrub
 */
public record CallerRequest(String disk, OutputFormat outputFormat, String kernelArgs, List<String> pygrubOptions,
        Path pygrub) {

    public CallerRequest {
        pygrubOptions = List.copyOf(pygrubOptions);
        kernelArgs = kernelArgs == null ? "" : kernelArgs;
    }

    /** Whether the caller named a boot disk (every toolstack does; {@code probe} does not). */
    public boolean hasDisk() {
        return disk != null;
    }
}
