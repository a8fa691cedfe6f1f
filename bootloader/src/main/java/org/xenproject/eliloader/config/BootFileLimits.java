package org.xenproject.eliloader.config;

import java.util.Map;

import org.xenproject.eliloader.error.BootloaderException;

/**
 * Size limits of what is handed over, from the VM's platform map: 32 MiB for a kernel and
 * 128 MiB for an initrd, as in xenopsd, unless {@code platform:pv-kernel-max-size} or
 * {@code platform:pv-ramdisk-max-size} say otherwise. A bad value is an {@code INVALID_SOURCE}
 * error naming the key, written as the install keys' errors are.
 */
public record BootFileLimits(long kernel, long ramdisk) {
    public static final long DEFAULT_KERNEL = 32L << 20;
    public static final long DEFAULT_RAMDISK = 128L << 20;
    public static final String KERNEL_KEY = "pv-kernel-max-size";
    public static final String RAMDISK_KEY = "pv-ramdisk-max-size";

    public static BootFileLimits of(Map<String, String> platform) {
        return new BootFileLimits(parse(platform, KERNEL_KEY, DEFAULT_KERNEL),
                parse(platform, RAMDISK_KEY, DEFAULT_RAMDISK));
    }

    private static long parse(Map<String, String> platform, String key, long fallback) {
        String text = platform.getOrDefault(key, "");
        if (text.isBlank()) {
            return fallback;
        }
        Long value = Values.wholeNumber(text.strip(), 1, Long.MAX_VALUE);
        if (value == null) {
            throw BootloaderException.invalidSource("platform:" + key + " is " + Values.quote(text)
                    + "; it must be a positive number of bytes.");
        }
        return value;
    }
}
