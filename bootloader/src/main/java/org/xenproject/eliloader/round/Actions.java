package org.xenproject.eliloader.round;

import java.util.Map;

import org.xenproject.eliloader.profile.Profile;

/** The round actions by the names profiles use. Keep in step with {@link Profile#ACTIONS}. */
public final class Actions {
    private static final Map<String, RoundAction> BY_NAME = Map.of(FetchBootFiles.NAME, new FetchBootFiles());

    private Actions() {
    }

    public static RoundAction named(String name) {
        RoundAction action = BY_NAME.get(name);
        if (action == null) {
            throw new IllegalArgumentException("no round action " + name);
        }
        return action;
    }
}
