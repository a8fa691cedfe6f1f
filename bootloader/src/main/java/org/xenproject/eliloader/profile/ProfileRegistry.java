package org.xenproject.eliloader.profile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * All known profiles, by id, with inheritance applied. Sources are read in order (jar, the
 * shipped {@code distro-profiles/} directory, the host's profiles directory); a later file
 * with the same id replaces an earlier one.
 */
public final class ProfileRegistry {
    /** System property the launcher sets to the shipped {@code distro-profiles/} directory. */
    public static final String SHIPPED_PROFILES_PROPERTY = "eliloader.distroProfiles";

    private final Map<String, ProfileDocument> documents;
    private final Map<String, List<String>> overridden;
    private final Map<String, Profile> resolved = new LinkedHashMap<>();
    /** The files left out because they could not be loaded, with why ({@code profiles validate} shows them). */
    private final List<String> skipped = new ArrayList<>();

    private ProfileRegistry(Map<String, ProfileDocument> documents, Map<String, List<String>> overridden) {
        this.documents = documents;
        this.overridden = overridden;
    }

    public static ProfileRegistry of(List<ProfileDocument> inOrder) {
        Map<String, ProfileDocument> byId = new LinkedHashMap<>();
        Map<String, List<String>> overridden = new LinkedHashMap<>();
        for (ProfileDocument doc : inOrder) {
            ProfileDocument previous = byId.put(doc.id(), doc);
            if (previous != null && !previous.data().equals(doc.data())) {
                overridden.computeIfAbsent(doc.id(), k -> new ArrayList<>()).add(previous.origin());
            }
        }
        return new ProfileRegistry(byId, overridden);
    }

    /** The built-in profiles, then each directory in turn. */
    public static ProfileRegistry load(List<Path> directories) {
        List<ProfileDocument> all = new ArrayList<>(ProfileLoader.fromClasspath());
        List<String> skipped = new ArrayList<>();
        for (Path dir : directories) {
            all.addAll(ProfileLoader.fromDirectory(dir, skipped));
        }
        ProfileRegistry registry = of(all);
        registry.skipped.addAll(skipped);
        return registry;
    }

    /**
     * The profiles of this host: the jar's, the shipped directory's (when the launcher names it)
     * and the host's profiles directory (setting {@code profiles-dir}).
     */
    public static ProfileRegistry forHost(Optional<Path> profilesDir) {
        return load(directories(profilesDir));
    }

    public static List<Path> directories(Optional<Path> profilesDir) {
        List<Path> dirs = new ArrayList<>();
        String shipped = System.getProperty(SHIPPED_PROFILES_PROPERTY);
        if (shipped != null) {
            dirs.add(Path.of(shipped));
        }
        profilesDir.ifPresent(dirs::add);
        return dirs;
    }

    /** A registry with more documents added last (overriding by id). */
    public ProfileRegistry with(List<ProfileDocument> more) {
        List<ProfileDocument> all = new ArrayList<>(documents.values());
        all.addAll(more);
        ProfileRegistry result = of(all);
        result.skipped.addAll(skipped);
        overridden.forEach((id, origins) -> result.overridden.merge(id, origins, (a, b) -> {
            List<String> merged = new ArrayList<>(b);
            merged.addAll(a);
            return merged;
        }));
        return result;
    }

    /** The problems of the files left out when loading (one message each, {@code FILE[:LINE]: …}). */
    public List<String> skipped() {
        return List.copyOf(skipped);
    }

    /** Every profile id, in load order. */
    public List<String> ids() {
        return List.copyOf(documents.keySet());
    }

    public Optional<ProfileDocument> document(String id) {
        return Optional.ofNullable(documents.get(id));
    }

    /** The origins of files this id replaced, earliest first. */
    public List<String> overriddenOrigins(String id) {
        return overridden.getOrDefault(id, List.of());
    }

    public Profile get(String id) {
        Profile cached = resolved.get(id);
        if (cached != null) {
            return cached;
        }
        ProfileDocument doc = documents.get(id);
        if (doc == null) {
            throw new ProfileException("There is no profile \"" + id + "\".");
        }
        Profile profile = Profile.of(id, doc.origin(), mergedData(doc, new LinkedHashSet<>()));
        resolved.put(id, profile);
        return profile;
    }

    /** Every selectable (not abstract) profile, by id. */
    public List<Profile> concrete() {
        List<Profile> result = new ArrayList<>();
        for (String id : documents.keySet().stream().sorted().toList()) {
            Profile p = get(id);
            if (!p.isAbstract()) {
                result.add(p);
            }
        }
        return result;
    }

    /**
     * The profiles an {@code install-distro} value may mean: a profile id, or every profile
     * carrying the alias (sorted by id). Detection narrows a list of several.
     */
    public List<Profile> candidates(String distro) {
        if (documents.containsKey(distro) && !get(distro).isAbstract()) {
            return List.of(get(distro));
        }
        List<Profile> matches = new ArrayList<>();
        for (Profile p : concreteListing("aliases", distro)) {
            if (p.aliases().contains(distro)) {
                matches.add(p);
            }
        }
        return matches;
    }

    /** The profile an alias means when the tree does not tell: the one marked {@code default-for} it. */
    public Optional<Profile> aliasDefault(String alias) {
        return concreteListing("default-for", alias).stream().filter(p -> p.defaultFor().contains(alias)).findFirst();
    }

    /**
     * The concrete profiles, by id, whose own document may list {@code value} under {@code key}
     * (a key that is not inherited): only those are resolved, not all of them, which a VM start
     * would otherwise pay for. A document whose value is not a plain list is resolved too, so that
     * its error is reported as before.
     */
    private List<Profile> concreteListing(String key, String value) {
        List<Profile> result = new ArrayList<>();
        for (String id : documents.keySet().stream().sorted().toList()) {
            Object listed = documents.get(id).data().get(key);
            if (listed == null || listed instanceof List<?> list && !list.stream().map(String::valueOf).toList()
                    .contains(value)) {
                continue;
            }
            Profile p = get(id);
            if (!p.isAbstract()) {
                result.add(p);
            }
        }
        return result;
    }

    /** Every alias some profile carries. */
    public Set<String> aliases() {
        Set<String> result = new java.util.TreeSet<>();
        concrete().forEach(p -> result.addAll(p.aliases()));
        return result;
    }

    /**
     * Checks documents: their own keys and values (at their lines), {@code extends} references
     * and cycles, the merged result, and that every template names a known variable.
     *
     * @return one message per problem, each starting {@code FILE:LINE:}
     */
    public List<String> validate(List<ProfileDocument> which) {
        List<String> problems = new ArrayList<>();
        for (ProfileDocument doc : which) {
            List<String> own = ownProblems(doc);
            if (!own.isEmpty()) {
                problems.addAll(own);
                continue;
            }
            Map<String, Object> merged;
            try {
                merged = mergedData(doc, new LinkedHashSet<>());
            } catch (ProfileException e) {
                problems.add(e.getMessage());
                continue;
            }
            Profile profile;
            try {
                profile = Profile.of(doc.id(), doc.origin(), merged);
            } catch (ProfileException e) {
                problems.add(e.getMessage());
                continue;
            }
            problems.addAll(checkTemplates(doc, profile));
            problems.addAll(checkAliases(doc, profile));
        }
        return problems;
    }

    /**
     * Every problem of the document's own keys, not only the first: after a problem under a
     * top-level key, that key is left out and the rest checked again.
     */
    private static List<String> ownProblems(ProfileDocument doc) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> data = new LinkedHashMap<>(doc.data());
        for (int round = 0; round < 64; round++) {
            try {
                Profile.checked(new ProfileDocument(doc.id(), doc.origin(), data, doc.lines()));
                return problems;
            } catch (ProfileException e) {
                problems.add(e.getMessage());
                String key = e.topKey();
                if (key.isEmpty() || data.remove(key) == null) {
                    return problems;
                }
            }
        }
        return problems;
    }

    private List<String> checkAliases(ProfileDocument doc, Profile profile) {
        List<String> problems = new ArrayList<>();
        for (String alias : profile.defaultFor()) {
            if (!profile.aliases().contains(alias) && !profile.isAbstract()) {
                problems.add(doc.where("default-for") + ": default-for names \"" + alias
                        + "\", which is not one of its aliases " + profile.aliases());
            }
        }
        return problems;
    }

    /** Every template string of the document's own data must use known variables. */
    private static List<String> checkTemplates(ProfileDocument doc, Profile merged) {
        Set<String> known = new HashSet<>(Profile.BUILTIN_VARIABLES);
        known.addAll(merged.variables().keySet());
        if (merged.data().get("cdrom") instanceof Map<?, ?> cdrom && cdrom.get("variables") instanceof Map<?, ?> v) {
            v.keySet().forEach(k -> known.add(String.valueOf(k)));
        }
        List<String> problems = new ArrayList<>();
        for (String key : List.of("variables", "boot-files", "cdrom-boot-files", "bundled-files", "args", "checksums",
                "detect", "cdrom", "expect-files")) {
            walk(doc.data().get(key), key, (path, text) -> {
                if (path.startsWith("detect") && !path.endsWith(".path")) {
                    return; // regular expressions, not templates
                }
                for (String name : Template.names(text)) {
                    if (!known.contains(name)) {
                        problems.add(doc.where(path) + ": " + path + " uses an unknown variable ${" + name + "}");
                    }
                }
            });
        }
        return problems;
    }

    private interface TextVisitor {
        void visit(String path, String text);
    }

    private static void walk(Object value, String path, TextVisitor visitor) {
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "." + k, visitor));
        } else if (value instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                walk(l.get(i), path + "[" + i + "]", visitor);
            }
        } else if (value instanceof String s) {
            visitor.visit(path, s);
        }
    }

    private Map<String, Object> mergedData(ProfileDocument doc, Set<String> chain) {
        if (!chain.add(doc.id())) {
            List<String> cycle = new ArrayList<>(chain);
            cycle.add(doc.id());
            throw ProfileException.at(doc.origin(), doc.line("extends"), "\"extends\" forms a cycle: "
                    + String.join(" -> ", cycle.subList(cycle.indexOf(doc.id()), cycle.size())));
        }
        Map<String, Object> merged = new LinkedHashMap<>();
        String parentId = doc.parent();
        if (parentId != null) {
            ProfileDocument parent = documents.get(parentId);
            if (parent == null) {
                throw ProfileException.at(doc.origin(), doc.line("extends"), "extends unknown profile \"" + parentId
                        + "\"" + Profile.closest(parentId, documents.keySet()).map(c -> " (did you mean \"" + c
                        + "\"?)").orElse(""));
            }
            merged.putAll(mergedData(parent, chain));
            // these describe the parent itself, not its children
            merged.remove("abstract");
            merged.remove("aliases");
            merged.remove("default-for");
            merged.remove("detect");
            merged.remove("release");
            merged.remove("unsupported");
            merged.remove("id");
            merged.remove("extends");
        }
        doc.data().forEach((key, value) -> merged.merge(key, value, ProfileRegistry::mergeValue));
        return merged;
    }

    /** Mappings merge key by key (the child wins); anything else is replaced by the child. */
    static Object mergeValue(Object parent, Object child) {
        if (parent instanceof Map<?, ?> p && child instanceof Map<?, ?> c) {
            Map<Object, Object> result = new LinkedHashMap<>(p);
            c.forEach((k, v) -> result.merge(k, v, ProfileRegistry::mergeValue));
            return result;
        }
        return child;
    }
}
