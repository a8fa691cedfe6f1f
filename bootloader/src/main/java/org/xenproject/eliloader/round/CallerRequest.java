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
 * @param kernelArgs the VM's part of the kernel arguments, as {@link Caller#vmArgs} chose it for
 *        this caller (never the record's {@code PV-args} for xenopsd, which adds them itself); may be empty
 * @param pygrubOptions pygrub options from the caller's command line ({@code --kernel=K}, {@code --entry=N}, {@code -n}, …)
 * @param pygrub the host's pygrub
 * @param runAs libxl's restricted mode ({@code --runas=UID}): the uid guest data must be read as; null when not asked
 */
public record CallerRequest(String disk, OutputFormat outputFormat, String kernelArgs, List<String> pygrubOptions,
        Path pygrub, Integer runAs) {

    public CallerRequest {
        pygrubOptions = List.copyOf(pygrubOptions);
        kernelArgs = kernelArgs == null ? "" : kernelArgs;
    }

    /** A caller that asks for no particular uid. */
    public CallerRequest(String disk, OutputFormat outputFormat, String kernelArgs, List<String> pygrubOptions,
            Path pygrub) {
        this(disk, outputFormat, kernelArgs, pygrubOptions, pygrub, null);
    }

    /** Whether the caller named a boot disk (every toolstack does; {@code probe} does not). */
    public boolean hasDisk() {
        return disk != null;
    }

    /**
     * Who runs the bootloader, as far as the guest's kernel command line is concerned: each caller
     * composes it differently from our answer, so each gets its own rule for the VM's arguments
     * that go into the answer (and into {@code --args} of a hand-off to pygrub, whose answer is
     * relayed in their place). The installer's own arguments (the profile's, VNC,
     * {@code install-args}) are in the answer for every caller: no caller adds them.
     *
     * <p>The one place the rule lives; {@code cli.CommandLine#caller()} recognises the caller.
     */
    public enum Caller {
        /**
         * xenopsd (XenServer 7+, XCP-ng): {@code -q --vm UUID [PV-bootloader-args] DISK}, answer
         * in the simple format. xenopsd builds the guest's command line itself: in
         * {@code ocaml/xenopsd/lib/bootloader.ml} ({@code extract}) {@code kernel_args =
         * Printf.sprintf "%s %s %s" result.kernel_args legacy_args extra_args}, where xapi fills
         * {@code legacy_args} with the VM's {@code PV-legacy-args} and {@code extra_args} with its
         * {@code PV-args} ({@code ocaml/xapi/helpers.ml}). So the answer carries no {@code PV-args}:
         * only {@code --args} that arrived on our command line (through {@code PV-bootloader-args}),
         * which xenopsd does not add.
         */
        XENOPSD,
        /**
         * xapi before 2013 (XenServer up to 6.1): {@code -q --default_args=LEGACY --extra_args=PV
         * --vm=UUID [PV-bootloader-args] DISK}, answer in sxp. Its {@code ocaml/xapi/bootloader.ml}
         * ({@code bootloader_args}) passes {@code PV-legacy-args} as {@code --default_args} and
         * {@code PV-args} as {@code --extra_args}, and {@code vmops.ml} builds the domain with the
         * answer's {@code args} as they are: the answer carries these two, and the record's
         * {@code PV-args} are not read again (they are what {@code --extra_args} holds).
         */
        OLD_XAPI,
        /**
         * libxl ({@code xl}, {@code bootloader="eliloader"}): {@code [--args=CMDLINE] …
         * --output-format=simple0 … DISK}. {@code tools/libs/light/libxl_bootloader.c} passes the
         * config's {@code cmdline} as {@code --args=} and replaces it by the answer's {@code args}
         * ({@code bl->cmdline = …rhs}), which becomes the guest's command line: the answer carries
         * {@code --args}; without it, the VM record's {@code PV-args} (xl keeps none of its own).
         */
        LIBXL,
        /**
         * Anything else that takes the answer's {@code args} as the whole command line (pygrub's own
         * sxp format without xapi's options, as xend used it; {@code probe}): the caller's
         * {@code --args}, else the record's {@code PV-args}.
         */
        ANSWER_IS_COMMAND_LINE;

        /**
         * The VM's part of the answer's kernel arguments: what goes before the installer's.
         *
         * @param callerArgs kernel arguments given on our command line ({@code --args},
         *        {@code --default_args}, {@code --extra_args}, in order), null when none were
         * @param pvArgs the VM record's {@code PV-args}
         */
        public String vmArgs(String callerArgs, String pvArgs) {
            String given = callerArgs == null ? "" : callerArgs;
            return switch (this) {
                case XENOPSD, OLD_XAPI -> given;
                case LIBXL, ANSWER_IS_COMMAND_LINE -> callerArgs != null ? given : (pvArgs == null ? "" : pvArgs);
            };
        }
    }
}
