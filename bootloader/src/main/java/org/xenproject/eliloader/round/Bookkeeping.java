package org.xenproject.eliloader.round;

import java.util.ArrayList;
import java.util.List;

import org.xenproject.eliloader.toolstack.RecordEdit;

/**
 * The record edits that end a round. Ordered so a kill between two edits still boots: the
 * bootloader is switched before the keys that tell eliloader what to do are removed.
 */
public final class Bookkeeping {
    public static final String PYGRUB = "pygrub";

    private Bookkeeping() {
    }

    public static List<RecordEdit> afterRound(int round, int totalRounds) {
        List<RecordEdit> edits = new ArrayList<>();
        if (round < totalRounds) {
            // XenAPI refuses to add an existing key: backends remove first
            edits.add(new RecordEdit.PutOtherConfig(InstallSettings.ROUND, Integer.toString(round + 1)));
            return edits;
        }
        edits.add(new RecordEdit.SetPvBootloader(PYGRUB));
        edits.add(new RecordEdit.RemoveOtherConfig(InstallSettings.ROUND));
        edits.add(new RecordEdit.RemoveOtherConfig(InstallSettings.DISTRO));
        return edits;
    }
}
