package org.xenproject.eliloader.round;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.xenproject.eliloader.config.BootFileLimits;
import org.xenproject.eliloader.config.InstallKey;
import org.xenproject.eliloader.toolstack.RecordEdit;

/**
 * The record edits that end a round, in two parts so that a failure or a kill at any point
 * leaves a VM that boots correctly on its next start:
 * <ul>
 * <li>{@link Edits#required()} ends with the one edit that changes what the next start does:
 * {@code install-round} set to the next round, or, after the last round, {@code PV-bootloader}
 * switched to pygrub. Until it lands the VM boots the same round again; the run fails if any
 * of these fails. Before a next round, {@code install-profile} records the profile this round
 * followed (only when the record does not say so already), so that the next round takes the
 * same one without resolving {@code install-distro} again; round 1 ignores that key, so a
 * stop before {@code install-round} advances is harmless.</li>
 * <li>{@link Edits#cleanup()} comes after the switch to pygrub: the post-install size limits
 * moved into place and the install keys ({@code install-round}, {@code install-distro},
 * {@code install-profile}) removed. eliloader no longer runs for the VM by then,
 * so a failure here is logged and the round still boots.</li>
 * </ul>
 * XenAPI refuses to add an existing map key: backends put a key by removing it first. A kill
 * between that remove and add leaves no {@code install-round}, which means round 1: the same
 * round again when advancing from round 1 (every shipped profile has at most two rounds).
 */
public final class Bookkeeping {
    public static final String PYGRUB = "pygrub";
    /** platform key holding the limit for the installed system, moved over the install-time one. */
    public static final Map<String, String> POST_INSTALL_LIMITS = Map.of(
            "pv-postinstall-kernel-max-size", BootFileLimits.KERNEL_KEY,
            "pv-postinstall-ramdisk-max-size", BootFileLimits.RAMDISK_KEY);

    /** The edits after a round: those the round depends on, then those that only tidy up. */
    public record Edits(List<RecordEdit> required, List<RecordEdit> cleanup) {
        public Edits {
            required = List.copyOf(required);
            cleanup = List.copyOf(cleanup);
        }

        public List<RecordEdit> all() {
            List<RecordEdit> all = new ArrayList<>(required);
            all.addAll(cleanup);
            return all;
        }
    }

    private Bookkeeping() {
    }

    /**
     * The edits after round {@code round} of {@code totalRounds} of the install following profile
     * {@code profileId}; {@code otherConfig} and {@code platform} are the VM's maps as read.
     */
    public static Edits after(int round, int totalRounds, String profileId, Map<String, String> otherConfig,
            Map<String, String> platform) {
        String recorded = otherConfig.get(InstallKey.PROFILE.key());
        if (round < totalRounds) {
            List<RecordEdit> required = new ArrayList<>();
            if (!profileId.equals(recorded == null ? null : recorded.strip())) {
                required.add(new RecordEdit.PutOtherConfig(InstallKey.PROFILE.key(), profileId));
            }
            // XenAPI refuses to add an existing key: backends remove first
            required.add(new RecordEdit.PutOtherConfig(InstallKey.ROUND.key(), Integer.toString(round + 1)));
            return new Edits(required, List.of());
        }
        List<RecordEdit> cleanup = new ArrayList<>();
        for (String postInstall : List.of("pv-postinstall-kernel-max-size", "pv-postinstall-ramdisk-max-size")) {
            String value = platform.get(postInstall);
            if (value != null) {
                cleanup.add(new RecordEdit.PutPlatform(POST_INSTALL_LIMITS.get(postInstall), value));
                cleanup.add(new RecordEdit.RemovePlatform(postInstall));
            }
        }
        cleanup.add(new RecordEdit.RemoveOtherConfig(InstallKey.ROUND.key()));
        cleanup.add(new RecordEdit.RemoveOtherConfig(InstallKey.DISTRO.key()));
        if (recorded != null) {
            cleanup.add(new RecordEdit.RemoveOtherConfig(InstallKey.PROFILE.key()));
        }
        return new Edits(List.of(new RecordEdit.SetPvBootloader(PYGRUB)), cleanup);
    }

    /** Every edit after a round, required ones first, for a VM without post-install limits or install-profile. */
    public static List<RecordEdit> afterRound(int round, int totalRounds, String profileId) {
        return after(round, totalRounds, profileId, Map.of(), Map.of()).all();
    }
}
