package org.xenproject.eliloader.profile;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.source.TreeFiles;

/**
 * Turns an {@code install-distro} value into a profile. A profile id is taken as it is. An
 * alias ({@code rhlike}, {@code sleslike}, {@code debianlike}, {@code pygrub}) carried by several
 * profiles is narrowed by detection, and when the tree does not tell, the profile marked
 * {@code default-for} the alias is taken (the original program's meaning of the alias) — only
 * when the tree says nothing: one that names its family and version gets the profile whose
 * {@code release} range covers it, or {@code UNSUPPORTED_INSTALL_METHOD} naming what it saw and
 * the nearest profile; a rebuild's version (Scientific Linux 7) that none of its own profiles
 * covers goes to the rebuilt family's profile for that version ({@code release.rebuild-of}).
 * A profile id is taken as it is (a site forcing it).
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
        return usable(new Selection(registry.get(chosen), "chosen in round 1 (other-config:install-profile)"));
    }

    public static Selection select(ProfileRegistry registry, String distro, TreeFiles tree, RunValues run) {
        return usable(choose(registry, distro, tree, run));
    }

    /** A profile for a release that ships no PV installer ({@code unsupported}) ends the run, saying why. */
    private static Selection usable(Selection selection) {
        Profile profile = selection.profile();
        profile.unsupported().ifPresent(why -> {
            throw BootloaderException.unsupportedInstallMethod(profile.description() + " (profile " + profile.id()
                    + ", " + selection.how() + "): " + why);
        });
        return selection;
    }

    private static Selection choose(ProfileRegistry registry, String distro, TreeFiles tree, RunValues run) {
        if (AUTO.equals(distro)) {
            List<Profile> all = registry.concrete().stream().filter(p -> !p.detect().isEmpty()).toList();
            Detector detector = new Detector(tree, run);
            Optional<Detector.Match> match = detector.detect(all);
            if (match.isPresent()) {
                return new Selection(match.get().profile(), "detected from " + match.get().evidence());
            }
            Optional<Release.Stated> stated = detector.stated(all);
            if (stated.isPresent()) {
                return byRelease(all, stated.get(), "auto", run);
            }
            throw BootloaderException.invalidSource("other-config:install-distro is \"auto\" but the repository "
                    + Repository.mask(run.repository()) + " does not say which distribution it holds (read: "
                    + (tree.found().isEmpty() ? "no metadata file found" : String.join(", ", tree.found()))
                    + "); set install-distro to a profile id or alias.");
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
        Detector detector = new Detector(tree, run);
        Optional<Detector.Match> match = detector.detect(candidates);
        if (match.isPresent()) {
            return new Selection(match.get().profile(), distro + ", detected from " + match.get().evidence());
        }
        // the default-for profile is for trees that say nothing: one that names its family and
        // version gets a profile whose range covers it, or an error saying what it saw
        Optional<Release.Stated> stated = detector.stated(candidates);
        if (stated.isPresent()) {
            return byRelease(candidates, stated.get(), distro, run);
        }
        Profile fallback = registry.aliasDefault(distro).orElse(candidates.get(0));
        return new Selection(fallback, distro + ", the tree did not tell the version: default profile");
    }

    /**
     * The profile among {@code candidates} whose {@code release} covers what the tree states; else
     * {@code UNSUPPORTED_INSTALL_METHOD} naming the family, the version and the nearest profile.
     */
    private static Selection byRelease(List<Profile> candidates, Release.Stated stated, String distro, RunValues run) {
        List<Profile> family = candidates.stream()
                .filter(p -> p.release().map(r -> r.isFamily(stated.family())).orElse(false)).toList();
        for (Profile p : family) {
            Release release = p.release().get();
            if (release.covers(stated.version())) {
                return new Selection(p, distro + ", " + stated.describe() + " is in its release range "
                        + release.versions());
            }
        }
        // a rebuild's version none of its own profiles covers: the rebuilt family's profile for it
        List<String> rebuilt = family.stream().flatMap(p -> p.release().get().rebuildOfFamily().stream())
                .distinct().toList();
        for (String parent : rebuilt) {
            for (Profile p : candidates) {
                Release release = p.release().orElse(null);
                if (release != null && release.isFamily(parent) && release.covers(stated.version())) {
                    return new Selection(p, distro + ", " + stated.describe() + " is a rebuild of " + parent
                            + " and in " + p.id() + "'s release range " + release.versions());
                }
            }
        }
        String tree = "The repository " + Repository.mask(run.repository()) + " holds " + stated.describe();
        String force = "; set other-config:install-distro to a profile id to force one, or add a profile for it"
                + " (README \"Adding a distribution\").";
        if (family.isEmpty()) {
            throw BootloaderException.unsupportedInstallMethod(tree + ", a family no " + distro
                    + " profile knows (eliloader profiles list shows each profile's releases)" + force);
        }
        Profile nearest = family.stream()
                .min(Comparator.comparingInt((Profile p) -> p.release().get().distance(stated.version()))
                        .thenComparing(p -> -p.release().get().low().get(0)))
                .get();
        throw BootloaderException.unsupportedInstallMethod(tree + ", a version no " + distro + " profile covers: the"
                + " nearest is " + nearest.id() + " (" + nearest.description() + ", versions "
                + nearest.release().get().versions() + "), whose installer layout and arguments may not suit it"
                + force);
    }
}
