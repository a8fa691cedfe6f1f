package org.xenproject.eliloader.round;

import java.nio.file.Path;
import java.util.List;

/**
 * What the caller asked for, as far as actions that run pygrub need it.
 *
 * @param disk the boot disk the caller named (the installed disk in round 2, the CD in a CD install)
 * @param outputFormat the caller's output format in pygrub's spelling: {@code simple}, {@code simple0} or {@code sxp}
 * @param kernelArgs the caller's kernel arguments, else the VM's {@code PV-args}; may be empty
 * @param pygrubOptions pygrub options from the caller's command line ({@code --kernel=K}, {@code --entry=N}, {@code -n}, …)
 * @param pygrub the host's pygrub
 */
public record BootRequest(String disk, String outputFormat, String kernelArgs, List<String> pygrubOptions,
        Path pygrub) {

    public BootRequest {
        pygrubOptions = List.copyOf(pygrubOptions);
        kernelArgs = kernelArgs == null ? "" : kernelArgs;
    }
}
