package org.xenproject.eliloader.round;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.toolstack.VmRecord;

/**
 * Size limits of what is handed over: 32 MiB for a kernel and 128 MiB for an initrd, as in
 * xenopsd, unless the VM's platform map says otherwise.
 */
public record Limits(long kernel, long ramdisk) {
    public static final long DEFAULT_KERNEL = 32L << 20;
    public static final long DEFAULT_RAMDISK = 128L << 20;
    public static final String KERNEL_KEY = "pv-kernel-max-size";
    public static final String RAMDISK_KEY = "pv-ramdisk-max-size";

    public static Limits of(VmRecord vm) {
        return new Limits(parse(vm, KERNEL_KEY, DEFAULT_KERNEL), parse(vm, RAMDISK_KEY, DEFAULT_RAMDISK));
    }

    private static long parse(VmRecord vm, String key, long fallback) {
        String text = vm.platform(key).map(String::strip).orElse("");
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw BootloaderException.invalidSource("platform:" + key + " is \"" + text
                + "\"; it must be a positive number of bytes.");
    }
}
