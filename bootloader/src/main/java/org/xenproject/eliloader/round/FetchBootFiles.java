package org.xenproject.eliloader.round;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.profile.Profile.BootFiles;

/**
 * Copies the installer kernel and initrd from the tree into the output directory. A profile may
 * list several layouts; the first whose kernel exists wins (asked only when there is a choice).
 */
public final class FetchBootFiles implements RoundAction {
    public static final String NAME = "fetch-boot-files";

    @Override
    public void run(InstallContext context) {
        BootFiles chosen = choose(context);
        String kernelPath = context.expand(chosen.kernel());
        context.setKernel(BoundedCopy.fetch(context.source(), kernelPath, "kernel", context.limits().kernel(),
                context.handover().create("boot_kernel.")));
        if (chosen.ramdisk() != null) {
            String ramdiskPath = context.expand(chosen.ramdisk());
            context.setRamdisk(BoundedCopy.fetch(context.source(), ramdiskPath, "initrd",
                    context.limits().ramdisk(), context.handover().create("boot_ramdisk.")));
        }
    }

    private static BootFiles choose(InstallContext context) {
        List<BootFiles> layouts = context.profile().bootFiles(context.settings().isCdrom());
        if (layouts.isEmpty()) {
            throw BootloaderException.invalidSource("The profile " + context.profile().id()
                    + " names no installer kernel for this kind of repository.");
        }
        if (layouts.size() == 1) {
            return layouts.get(0);
        }
        List<String> tried = new ArrayList<>();
        for (BootFiles layout : layouts) {
            String kernel = context.expand(layout.kernel());
            try {
                if (context.source().exists(kernel)) {
                    return layout;
                }
            } catch (IOException e) {
                throw BootloaderException.invalidSource("Cannot read " + context.source().describe(kernel)
                        + ": " + e.getMessage(), e);
            }
            tried.add(context.source().describe(kernel));
        }
        throw BootloaderException.invalidSource("The repository has no installer kernel; tried " + String.join(", ", tried) + ".");
    }
}
