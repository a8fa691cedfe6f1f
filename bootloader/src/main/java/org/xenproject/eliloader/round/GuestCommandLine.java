package org.xenproject.eliloader.round;

import java.nio.charset.StandardCharsets;

import org.xenproject.eliloader.error.BootloaderException;

/**
 * The size Xen gives a PV guest's command line: {@code MAX_GUEST_CMDLINE} (1024 bytes, the
 * terminating NUL included) in {@code xen/include/public/xen.h}, the size of
 * {@code start_info.cmd_line}. The domain builder copies at most that and cuts the rest, so a
 * longer line would boot an installer without its last arguments (often the kickstart or
 * preseed of {@code install-args}): it is refused with {@code LIMITS} instead.
 */
public final class GuestCommandLine {
    /** {@code MAX_GUEST_CMDLINE}, the terminating NUL included. */
    public static final int MAX_GUEST_CMDLINE = 1024;

    private GuestCommandLine() {
    }

    /** Refuses kernel arguments the guest would not get whole. */
    public static String check(String args) {
        int bytes = args.getBytes(StandardCharsets.UTF_8).length;
        if (bytes + 1 > MAX_GUEST_CMDLINE) {
            throw BootloaderException.limits("The installer's kernel command line would be " + bytes
                    + " bytes, but Xen gives a PV guest at most " + (MAX_GUEST_CMDLINE - 1)
                    + " (MAX_GUEST_CMDLINE); shorten other-config:install-args or the VM's PV-args.");
        }
        return args;
    }
}
