package org.xenproject.eliloader.round;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.toolstack.RecordEdit;
import org.xenproject.eliloader.toolstack.Vbd;

/**
 * CD installs, round 1: the VM boots the installer from the CD, and its next boot must come
 * from the disk the system is installed on, userdevice 0. Sets {@code bootable} true there and
 * false on every other VBD (only those whose value changes are edited). Does nothing when
 * {@code install-repository} is not {@code cdrom}, so a profile can name it in round 1 for
 * both kinds of install.
 */
public final class BootFromFirstDisk implements RoundAction {
    public static final String NAME = "boot-from-first-disk";
    static final String FIRST = "0";

    @Override
    public Produced run(InstallContext context, Produced soFar) {
        if (!context.settings().isCdrom()) {
            return Produced.NOTHING;
        }
        Vbd first = context.vm().vbds().stream().filter(v -> FIRST.equals(v.userdevice())).findFirst()
                .orElseThrow(() -> BootloaderException.invalidSource("The VM " + context.vm().uuid()
                        + " has no disk at userdevice 0 to boot the installed system from."));
        if (first.isCd()) {
            throw BootloaderException.invalidSource("Userdevice 0 of VM " + context.vm().uuid()
                    + " is a CD drive; the system must be installed on a disk at userdevice 0.");
        }
        java.util.List<RecordEdit> edits = new java.util.ArrayList<>();
        for (Vbd vbd : context.vm().vbds()) {
            boolean wanted = vbd == first;
            if (vbd.bootable() != wanted) {
                Log.info("VBD " + vbd.uuid() + " (userdevice " + vbd.userdevice() + ") bootable=" + wanted);
                edits.add(new RecordEdit.SetVbdBootable(vbd.uuid(), wanted));
            }
        }
        return Produced.edits(edits);
    }
}
