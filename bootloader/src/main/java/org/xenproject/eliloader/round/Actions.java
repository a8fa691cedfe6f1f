package org.xenproject.eliloader.round;

import java.util.Map;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.profile.Profile;
import org.xenproject.eliloader.round.pygrub.AvoidUekEntries;
import org.xenproject.eliloader.round.pygrub.DomULoaderProbe;
import org.xenproject.eliloader.round.pygrub.PygrubHandoff;

/** The round actions by the names profiles use. Keep in step with {@link Profile#ACTIONS}. */
public final class Actions {
    private static final Map<String, RoundAction> BY_NAME = Map.of(FetchBootFiles.NAME, new FetchBootFiles(),
            BundledBootFiles.NAME, new BundledBootFiles(),
            PygrubHandoff.NAME, new PygrubHandoff(),
            DomULoaderProbe.NAME, new DomULoaderProbe(),
            AvoidUekEntries.NAME, new AvoidUekEntries(),
            RemoveUpdatesDisk.NAME, new RemoveUpdatesDisk(),
            BootFromFirstDisk.NAME, new BootFromFirstDisk());

    private Actions() {
    }

    public static RoundAction named(String name) {
        RoundAction action = BY_NAME.get(name);
        if (action == null) {
            if (Profile.ACTIONS.contains(name)) {
                // a name profiles may use whose code is not part of this build yet
                throw BootloaderException.internal("The round action \"" + name + "\" is not implemented in this build.", null);
            }
            throw new IllegalArgumentException("no round action " + name);
        }
        return action;
    }

    /** Whether this build implements an action (probe runs only those that fetch files). */
    public static boolean implemented(String name) {
        return BY_NAME.containsKey(name);
    }
}
