package org.xenproject.eliloader.profile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.xenproject.eliloader.profile.Profile.DetectRule;
import org.xenproject.eliloader.source.TreeFiles;
import org.xenproject.eliloader.source.TreePath;

/**
 * Tells which of several profiles a tree holds, from its metadata files and the install
 * settings, by the profiles' {@code detect} rules. A rule matches when every fact it names is
 * present and its regular expression is found in the value; the matching rule that tests the
 * most facts wins, ties going to a rule over metadata already read, then to the profile first by id
 * (a tie only matters for a tree that contradicts itself); a profile that metadata already read puts
 * outside its {@code release} is passed over unread. Metadata comes through the run's
 * {@link TreeFiles}, so each file is fetched at most once however many rules read it.
 */
public final class Detector {
    /** The winner and what showed it, e.g. {@code .treeinfo family="CentOS" version="5.11"}. */
    public record Match(Profile profile, DetectRule rule, String evidence) { }

    private final TreeFiles tree;
    private final RunValues run;
    private final Map<String, Optional<TreeMetadata.Found>> kinds = new HashMap<>();

    public Detector(TreeFiles tree, RunValues run) {
        this.tree = tree;
        this.run = run;
    }

    public Optional<Match> detect(List<Profile> candidates) {
        boolean cdrom = "cdrom".equals(run.repository());
        // the rules heaviest first, in candidate order within a weight (a stable sort): the first
        // that matches is the winner the rule above names, and the metadata only lighter rules
        // would read is never fetched (e.g. .discinfo once a .treeinfo rule has decided)
        record Candidate(Profile candidate, Profile profile, DetectRule rule) { }
        List<Candidate> rules = new ArrayList<>();
        for (Profile candidate : candidates) {
            Profile profile = candidate.forInstall(cdrom);
            if (!run.missing(profile).isEmpty()) {
                continue; // it could not boot anyway
            }
            for (DetectRule rule : profile.detect()) {
                rules.add(new Candidate(candidate, profile, rule));
            }
        }
        // (written out: a record's equals and the JDK's comparator factories are linked at run time,
        // about 10 ms of every start, where our own lambdas come linked in the start-up cache)
        rules.sort((a, b) -> Integer.compare(b.rule().weight(), a.rule().weight()));
        // within a weight, rules over metadata already read go first: which of two equally specific
        // matching rules wins only matters for a tree that contradicts itself, and this way a file
        // is fetched only while it can still change the decision (a SUSE content file that
        // decides leaves .treeinfo and media.1/products unread)
        List<Candidate> left = new ArrayList<>(rules);
        while (!left.isEmpty()) {
            int weight = left.get(0).rule().weight();
            int chosen = 0;
            for (int i = 0; i < left.size() && left.get(i).rule().weight() == weight; i++) {
                if (isRead(left.get(i).profile(), left.get(i).rule())) {
                    chosen = i;
                    break;
                }
            }
            Candidate next = left.remove(chosen);
            if (excludedByWhatWasRead(next.profile())) {
                continue; // no need to read what its rule reads
            }
            Optional<String> evidence = evaluate(next.profile(), next.rule());
            if (evidence.isPresent()) {
                return Optional.of(new Match(next.candidate(), next.rule(), evidence.get()));
            }
        }
        return Optional.empty();
    }

    /** Whether evaluating the rule needs no file that has not been read yet. */
    private boolean isRead(Profile profile, DetectRule rule) {
        for (String kind : rule.conditions().keySet()) {
            boolean read = switch (kind) {
                case "setting" -> true;
                case "file" -> {
                    String path = Template.expand(rule.filePath(), run.variables(profile), profile.origin() + " detect");
                    yield !TreePath.isValid(path) || tree.requested().contains(path);
                }
                default -> kinds.containsKey(kind);
            };
            if (!read) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether metadata already read states the profile's {@code release} family at a version its
     * range does not cover: none of its rules could then be taken (see {@link #outsideRelease}),
     * so the files they read are not fetched for it.
     */
    private boolean excludedByWhatWasRead(Profile profile) {
        if (profile.release().isEmpty()) {
            return false;
        }
        Release release = profile.release().get();
        for (String kind : TreeMetadata.STATING_KINDS) {
            Optional<TreeMetadata.Found> found = kinds.get(kind);
            if (found == null || found.isEmpty()) {
                continue;
            }
            Optional<Release.Stated> stated = TreeMetadata.stated(kind, found.get());
            if (stated.isPresent() && release.isFamily(stated.get().family())
                    && !Release.numbers(stated.get().version()).isEmpty()) {
                return !release.covers(stated.get().version());
            }
        }
        return false;
    }

    /**
     * Whether the metadata {@code rule} read states a version of the profile's {@code release}
     * family that its range does not cover (a rule such as {@code family: ^Fedora} alone must not
     * take a Fedora 42 tree for a profile of Fedora 17 to 41).
     */
    private boolean outsideRelease(Profile profile, DetectRule rule) {
        if (profile.release().isEmpty()) {
            return false;
        }
        Release release = profile.release().get();
        for (String kind : rule.conditions().keySet()) {
            if (TreeMetadata.STATING_KINDS.contains(kind)) {
                Optional<Release.Stated> stated = kinds.computeIfAbsent(kind, k -> TreeMetadata.read(k, tree))
                        .flatMap(found -> TreeMetadata.stated(kind, found));
                if (stated.isPresent() && release.isFamily(stated.get().family())
                        && !Release.numbers(stated.get().version()).isEmpty()) { // "Rawhide": the rule decides
                    return !release.covers(stated.get().version());
                }
            }
        }
        return false;
    }

    /**
     * What the tree states about its family and version, from the metadata kinds the candidates'
     * rules read (already cached by {@link #detect}, so normally no further request), in the order
     * of {@link TreeMetadata#STATING_KINDS}; empty when it states nothing.
     */
    public Optional<Release.Stated> stated(List<Profile> candidates) {
        java.util.Set<String> used = new java.util.HashSet<>();
        for (Profile candidate : candidates) {
            for (DetectRule rule : candidate.detect()) {
                used.addAll(rule.conditions().keySet());
            }
        }
        for (String kind : TreeMetadata.STATING_KINDS) {
            if (used.contains(kind)) {
                Optional<Release.Stated> stated = kinds.computeIfAbsent(kind, k -> TreeMetadata.read(k, tree))
                        .flatMap(found -> TreeMetadata.stated(kind, found));
                if (stated.isPresent()) {
                    return stated;
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> evaluate(Profile profile, DetectRule rule) {
        List<String> evidence = new ArrayList<>();
        for (Map.Entry<String, Map<String, Pattern>> condition : rule.conditions().entrySet()) {
            Optional<TreeMetadata.Found> found = facts(profile, rule, condition.getKey());
            if (found.isEmpty()) {
                return Optional.empty();
            }
            StringBuilder line = new StringBuilder(found.get().path());
            for (Map.Entry<String, Pattern> fact : condition.getValue().entrySet()) {
                String value = found.get().facts().get(fact.getKey());
                if (value == null || !BoundedRegex.find(fact.getValue(), value, profile.origin() + " detect "
                        + condition.getKey() + "." + fact.getKey())) {
                    return Optional.empty();
                }
                boolean shortValue = value.length() <= 120 && value.indexOf('\n') < 0;
                line.append(' ').append(fact.getKey()).append(shortValue ? "=\"" + value + "\""
                        : " matches /" + fact.getValue().pattern() + "/");
            }
            evidence.add(line.toString());
        }
        if (outsideRelease(profile, rule)) {
            return Optional.empty(); // the family matches, but the tree states a version the profile is not for
        }
        return Optional.of(String.join(", ", evidence));
    }

    private Optional<TreeMetadata.Found> facts(Profile profile, DetectRule rule, String kind) {
        switch (kind) {
            case "setting" -> {
                Map<String, String> values = new HashMap<>();
                for (String key : rule.conditions().get("setting").keySet()) {
                    String v = run.setting(key);
                    if (v != null) {
                        values.put(key, v);
                    }
                }
                return Optional.of(new TreeMetadata.Found("other-config", values));
            }
            case "file" -> {
                String path = Template.expand(rule.filePath(), run.variables(profile), profile.origin() + " detect");
                if (!TreePath.isValid(path)) {
                    return Optional.empty(); // a variable it needs is unset (e.g. no debian-release): no such file
                }
                return tree.text(path).map(t -> new TreeMetadata.Found(path, Map.of("content", t)));
            }
            default -> {
                return kinds.computeIfAbsent(kind, k -> TreeMetadata.read(k, tree));
            }
        }
    }
}
