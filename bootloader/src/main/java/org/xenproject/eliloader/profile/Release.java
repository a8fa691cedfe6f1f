package org.xenproject.eliloader.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The releases a profile is for (its {@code release: {family: REGEX, versions: RANGE}} key): the
 * family names a tree states (in {@code .treeinfo}, SUSE {@code content}, {@code .disk/info}, …)
 * and the version range. {@code RANGE} is {@code V}, {@code V-W} or {@code V+}, with dotted
 * numbers compared component by component on the components both the bound and the version name:
 * {@code 7-9} is 7.0 to 9.x, {@code 4.5-4.9} is 4.5 to 4.9.x (and a tree that says only 4),
 * {@code 42+} is 42 and later.
 *
 * <p>{@code rebuild-of: FAMILY} marks a rebuild (CentOS, Scientific Linux, Oracle, Alma, Rocky of
 * Red Hat Enterprise Linux): a version of the rebuild that none of its own profiles covers is
 * taken by the profile of FAMILY that covers it, as virt-install's urldetect treats Scientific
 * Linux and CentOS trees as RHEL ones of the same version.
 *
 * @param rebuildOf the family name (as that family's trees state it) this one rebuilds, or null
 */
public record Release(Pattern family, String versions, List<Integer> low, List<Integer> high, String rebuildOf) {
    private static final Pattern RANGE = Pattern.compile("(\\d+(?:\\.\\d+)*)(?:(\\+)|-(\\d+(?:\\.\\d+)*))?");
    private static final Pattern LEADING_VERSION = Pattern.compile("^v?(\\d+(?:\\.\\d+)*)");

    /** A family and version a tree states about itself, and the file that says it. */
    public record Stated(String family, String version, String where) {
        public String describe() {
            return family + " " + version + " (" + where + ")";
        }
    }

    /** Parses a range; empty when it is not one. */
    static Optional<Release> of(Pattern family, String versions, String rebuildOf) {
        Matcher m = RANGE.matcher(versions.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        List<Integer> low = numbers(m.group(1));
        List<Integer> high = m.group(2) != null ? null : m.group(3) != null ? numbers(m.group(3)) : low;
        if (high != null && compare(low, high, Math.max(low.size(), high.size())) > 0) {
            return Optional.empty();
        }
        return Optional.of(new Release(family, versions.strip(), low, high, rebuildOf));
    }

    /** The numbers a version starts with ({@code 7.9} → 7, 9; {@code 15-SP4} → 15); empty when none. */
    public static List<Integer> numbers(String version) {
        Matcher m = LEADING_VERSION.matcher(version == null ? "" : version.strip());
        if (!m.find()) {
            return List.of();
        }
        List<Integer> result = new ArrayList<>();
        for (String part : m.group(1).split("\\.")) {
            try {
                result.add(Integer.parseInt(part));
            } catch (NumberFormatException e) {
                return List.of(); // absurdly long: not a version
            }
        }
        return List.copyOf(result);
    }

    /** Whether a tree's stated family is this one (a site's regex, so with the bounded budget). */
    public boolean isFamily(String statedFamily) {
        return BoundedRegex.find(family, statedFamily, "release.family");
    }

    public Optional<String> rebuildOfFamily() {
        return Optional.ofNullable(rebuildOf);
    }

    public boolean covers(String version) {
        List<Integer> v = numbers(version);
        // on the components both name: a tree that says only "4" is not outside 4.5-4.9
        return !v.isEmpty() && compare(v, low, Math.min(v.size(), low.size())) >= 0
                && (high == null || compare(v, high, Math.min(v.size(), high.size())) <= 0);
    }

    /** How far {@code version} is outside the range, in major versions (0 inside), for "the nearest profile". */
    public int distance(String version) {
        List<Integer> v = numbers(version);
        if (v.isEmpty()) {
            return Integer.MAX_VALUE;
        }
        if (compare(v, low, Math.min(v.size(), low.size())) < 0) {
            return Math.max(1, low.get(0) - v.get(0));
        }
        if (high != null && compare(v, high, Math.min(v.size(), high.size())) > 0) {
            return Math.max(1, v.get(0) - high.get(0));
        }
        return 0;
    }

    /** Compares the first {@code n} components, missing ones being 0. */
    private static int compare(List<Integer> a, List<Integer> b, int n) {
        for (int i = 0; i < n; i++) {
            int x = i < a.size() ? a.get(i) : 0;
            int y = i < b.size() ? b.get(i) : 0;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }
}
