package org.xenproject.eliloader.round;

import java.util.List;
import java.util.Map;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.profile.Profile.UpdatesDisk;
import org.xenproject.eliloader.toolstack.RecordEdit;
import org.xenproject.eliloader.toolstack.Vbd;

/**
 * RHEL 4.1 / 4.4 round 2: the template gave the installer an additional disk with updated
 * drivers; once installed, the VM must lose it. The disk is the VBD whose other-config has
 * {@value #MARKER} = {@code true} (case and spaces around the value ignored); it is unplugged if
 * attached and destroyed (the VDI behind it is kept); a profile's {@code updates-disk} key may name
 * other other-config pairs or a userdevice instead, and messages name the marker in use. No other
 * VBD is touched. Running again after it is gone does nothing, so a round interrupted half-way
 * can be repeated. A marker on userdevice 0, the installed system's disk,
 * is refused.
 */
public final class RemoveUpdatesDisk implements RoundAction {
    public static final String NAME = "remove-updates-disk";
    /** The VBD other-config key that marks the updates disk. */
    public static final String MARKER = "install-updates-disk";

    /** The conventional marker, for profiles that name none. */
    static final UpdatesDisk CONVENTIONAL = new UpdatesDisk(Map.of(MARKER, "true"), null);

    @Override
    public Produced run(InstallContext context, Produced soFar) {
        // the profile may name its own marker (updates-disk:); else the conventional one
        UpdatesDisk updatesDisk = context.profile().updatesDisk().orElse(CONVENTIONAL);
        List<Vbd> marked = context.vm().vbds().stream().filter(updatesDisk::matches).toList();
        if (marked.isEmpty()) {
            Log.info("no VBD has " + updatesDisk.describe() + "; nothing to remove");
            return Produced.NOTHING;
        }
        for (Vbd vbd : marked) {
            if ("0".equals(vbd.userdevice())) {
                throw BootloaderException.invalidSource("VBD " + vbd.uuid() + " at userdevice 0 is marked as the"
                        + " updates disk (" + updatesDisk.describe() + "), but userdevice 0 holds the installed system;"
                        + " it was not removed.");
            }
        }
        List<RecordEdit> edits = new java.util.ArrayList<>();
        for (Vbd vbd : marked) {
            Log.info("removing the updates disk: VBD " + vbd.uuid() + " at userdevice " + vbd.userdevice());
            edits.add(new RecordEdit.DestroyVbd(vbd.uuid()));
        }
        return Produced.edits(edits);
    }
}
