package org.xenproject.eliloader.profile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * All known profiles, by id, with inheritance applied. Sources are read in order (jar, the
 * shipped {@code distro-profiles/} directory, the host's profiles directory); a later file
 * with the same id replaces an earlier one.
 */
public final class ProfileRegistry {
    private final Map<String, ProfileDocument> documents;
    private final Map<String, Profile> resolved = new LinkedHashMap<>();

    private ProfileRegistry(Map<String, ProfileDocument> documents) {
        this.documents = documents;
    }

    public static ProfileRegistry of(List<ProfileDocument> inOrder) {
        Map<String, ProfileDocument> byId = new LinkedHashMap<>();
        for (ProfileDocument doc : inOrder) {
            byId.put(doc.id(), doc);
        }
        return new ProfileRegistry(byId);
    }

    /** The built-in profiles, then each directory in turn. */
    public static ProfileRegistry load(List<Path> directories) {
        List<ProfileDocument> all = new ArrayList<>(ProfileLoader.fromClasspath());
        for (Path dir : directories) {
            all.addAll(ProfileLoader.fromDirectory(dir));
        }
        return of(all);
    }

    /** Every profile id, in load order. */
    public List<String> ids() {
        return List.copyOf(documents.keySet());
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
        Profile profile = Profile.of(id, doc.origin(), mergedData(doc, new HashSet<>()));
        resolved.put(id, profile);
        return profile;
    }

    /**
     * The profile for an {@code install-distro} value: a profile id, or an alias. When several
     * profiles share an alias, the first in id order is taken unless detection narrows it.
     */
    public List<Profile> candidates(String distro) {
        if (documents.containsKey(distro) && !get(distro).isAbstract()) {
            return List.of(get(distro));
        }
        List<Profile> matches = new ArrayList<>();
        for (String id : documents.keySet().stream().sorted().toList()) {
            Profile p = get(id);
            if (!p.isAbstract() && p.aliases().contains(distro)) {
                matches.add(p);
            }
        }
        return matches;
    }

    private Map<String, Object> mergedData(ProfileDocument doc, Set<String> seen) {
        if (!seen.add(doc.id())) {
            throw new ProfileException(doc.origin() + ": \"extends\" forms a cycle through " + seen);
        }
        Map<String, Object> merged = new LinkedHashMap<>();
        String parentId = doc.parent();
        if (parentId != null) {
            ProfileDocument parent = documents.get(parentId);
            if (parent == null) {
                throw new ProfileException(doc.origin() + ": extends unknown profile \"" + parentId + "\"");
            }
            merged.putAll(mergedData(parent, seen));
            // these describe the parent itself, not its children
            merged.remove("abstract");
            merged.remove("aliases");
            merged.remove("id");
        }
        doc.data().forEach((key, value) -> merged.merge(key, value, ProfileRegistry::mergeValue));
        return merged;
    }

    /** Mappings merge key by key (the child wins); anything else is replaced by the child. */
    private static Object mergeValue(Object parent, Object child) {
        if (parent instanceof Map<?, ?> p && child instanceof Map<?, ?> c) {
            Map<Object, Object> result = new LinkedHashMap<>(p);
            result.putAll(c);
            return result;
        }
        return child;
    }
}
