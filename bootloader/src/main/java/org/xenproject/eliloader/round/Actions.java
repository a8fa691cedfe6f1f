package org.xenproject.eliloader.round;

import java.util.Map;

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
            // profiles are validated against Profile.ACTIONS, which ActionsTest keeps equal to these
            throw new IllegalArgumentException("no round action " + name);
        }
        return action;
    }

    /** The names of every action, for the test that keeps them in step with the profile model. */
    static java.util.Set<String> names() {
        return BY_NAME.keySet();
    }
}
