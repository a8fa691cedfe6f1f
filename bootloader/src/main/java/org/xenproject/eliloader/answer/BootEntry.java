package org.xenproject.eliloader.answer;

import java.nio.file.Path;

/**
 * What the caller boots: a kernel, an optional initrd (both files handed over in the output
 * directory) and the kernel command line.
 */
public record BootEntry(Path kernel, Path ramdisk, String args) {
}
