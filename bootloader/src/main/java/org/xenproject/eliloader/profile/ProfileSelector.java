package org.xenproject.eliloader.profile;

import java.util.List;
import java.util.Optional;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.source.TreeFiles;

/**
 * Turns an {@code install-distro} value into a profile. A profile id is taken as it is. An
 * alias ({@code rhlike}, {@code sleslike}, {@code debianlike}, {@code pygrub}) carried by several
 * profiles is narrowed by detection, and when the tree does not tell, the profile marked
 * {@code default-for} the alias is taken (the original program's meaning of the alias).
 * {@code auto} detects among every profile that has detection rules. From round 2 on, the
 * profile round 1 chose (other-config:install-profile) is taken as it is: the tree may be
 * unreachable by then, and a CD install's boot disk is the installed system, not the CD.
 */
public final class ProfileSelector {
    public static final String AUTO = "auto";

    /** The profile and how it was chosen, for logs and {@code probe}. */
    public record Selection(Profile profile, String how) { }

    private ProfileSelector() {
    }

    /**
     * As {@link #select(ProfileRegistry, String, TreeFiles, RunValues)}, unless {@code chosen} (the
     * profile an earlier round of this install chose, or null) names the profile to take.
     */
    public static Selection select(ProfileRegistry registry, String distro, String chosen, TreeFiles tree,
            RunValues run) {
        if (chosen == null) {
            return select(registry, distro, tree, run);
        }
        if (registry.document(chosen).isEmpty() || registry.get(chosen).isAbstract()) {
            throw BootloaderException.unsupportedInstallMethod("other-config:install-profile \"" + chosen
                    + "\", the profile round 1 of this install chose, is not a profile on this host; set it to a"
                    + " profile id (eliloader profiles list) or remove it to choose again from install-distro.");
        }
        return new Selection(registry.get(chosen), "chosen in round 1 (other-config:install-profile)");
    }

    public static Selection select(ProfileRegistry registry, String distro, TreeFiles tree, RunValues run) {
        if (AUTO.equals(distro)) {
            List<Profile> all = registry.concrete().stream().filter(p -> !p.detect().isEmpty()).toList();
            Optional<Detector.Match> match = new Detector(tree, run).detect(all);
            if (match.isEmpty()) {
                throw BootloaderException.invalidSource("other-config:install-distro is \"auto\" but the repository "
                        + org.xenproject.eliloader.source.Repository.mask(run.repository())
                        + " does not say which distribution it holds (read: "
                        + (tree.found().isEmpty() ? "no metadata file found" : String.join(", ", tree.found()))
                        + "); set install-distro to a profile id or alias.");
            }
            return new Selection(match.get().profile(), "detected from " + match.get().evidence());
        }
        List<Profile> candidates = registry.candidates(distro);
        if (candidates.isEmpty()) {
            throw BootloaderException.unsupportedInstallMethod("other-config:install-distro \"" + distro
                    + "\" names no known profile or alias.");
        }
        if (candidates.size() == 1) {
            Profile only = candidates.get(0);
            return new Selection(only, only.id().equals(distro) ? "named by install-distro" : "the only profile for " + distro);
        }
        Optional<Detector.Match> match = new Detector(tree, run).detect(candidates);
        if (match.isPresent()) {
            return new Selection(match.get().profile(), distro + ", detected from " + match.get().evidence());
        }
        Profile fallback = registry.aliasDefault(distro).orElse(candidates.get(0));
        return new Selection(fallback, distro + ", the tree did not tell the version: default profile");
    }
}
