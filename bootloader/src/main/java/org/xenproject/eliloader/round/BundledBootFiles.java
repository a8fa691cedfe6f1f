package org.xenproject.eliloader.round;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.profile.Profile.BootFiles;
import org.xenproject.eliloader.source.file.FileSource;

/**
 * Boots an installer kernel and initrd shipped on the host rather than taken from the tree, for
 * distributions whose trees have no Xen-capable installer (RHEL 4.1, 4.4). The profile's
 * {@code bundled-files} name them relative to the guest-installer directory (setting
 * {@code guest-installer-dir}); a missing file means the support package is not installed.
 */
public final class BundledBootFiles implements RoundAction {
    public static final String NAME = "bundled-boot-files";

    @Override
    public Produced run(InstallContext context, Produced soFar) {
        Path dir = context.host().requirePath(Setting.GUEST_INSTALLER_DIR);
        BootFiles files = choose(context);
        String kernel = context.expand(files.kernel());
        String ramdisk = files.ramdisk() == null ? null : context.expand(files.ramdisk());
        for (String file : ramdisk == null ? List.of(kernel) : List.of(kernel, ramdisk)) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw BootloaderException.supportPackageMissing("The " + context.profile().id() + " installer file "
                        + dir.resolve(file) + " is missing; install the guest-installer support package or set"
                        + " guest-installer-dir.");
            }
        }
        FileSource bundled = new FileSource(dir);
        FetchedFile fetchedKernel = BoundedCopy.fetch(bundled, kernel, "bundled kernel", context.limits().kernel(),
                context.handover().create("boot_kernel."));
        FetchedFile fetchedRamdisk = ramdisk == null ? null : BoundedCopy.fetch(bundled, ramdisk, "bundled initrd",
                context.limits().ramdisk(), context.handover().create("boot_ramdisk."));
        return Produced.files(fetchedKernel, fetchedRamdisk, null);
    }

    /** The bundled layout for this run's arch. */
    public static BootFiles choose(InstallContext context) {
        String arch = context.expand("${arch}");
        return context.profile().bundledFiles().stream().filter(b -> b.suits(arch)).findFirst()
                .orElseThrow(() -> BootloaderException.unsupportedInstallMethod("The " + context.profile().id()
                        + " profile has no bundled installer for " + arch + "."));
    }
}
