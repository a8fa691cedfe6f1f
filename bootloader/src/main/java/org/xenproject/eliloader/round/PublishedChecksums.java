package org.xenproject.eliloader.round;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.xenproject.eliloader.profile.Profile.ChecksumSource;
import org.xenproject.eliloader.profile.TreeMetadata;
import org.xenproject.eliloader.round.BoundedCopy.Expected;
import org.xenproject.eliloader.source.TreeFiles;

/**
 * The checksums a tree publishes for its files, from the sources a profile names: the
 * {@code [checksums]} section of {@code .treeinfo} ({@code path = sha256:HEX}), the
 * {@code HASH ALGORITHM HEX PATH} lines of SUSE's {@code content}, or a {@code SHA256SUMS}-style
 * list ({@code HEX  ./PATH}, paths relative to the list's folder). The first source that lists a
 * file gives its checksum; each list is read once per run, and only when needed.
 */
public final class PublishedChecksums {
    private final List<ChecksumSource> sources;
    private final TreeFiles tree;
    private final UnaryOperator<String> expand;
    private final Map<Integer, Map<String, Expected>> bySource = new LinkedHashMap<>();

    public PublishedChecksums(List<ChecksumSource> sources, TreeFiles tree, UnaryOperator<String> expand) {
        this.sources = sources;
        this.tree = tree;
        this.expand = expand;
    }

    public static PublishedChecksums of(InstallContext context) {
        return new PublishedChecksums(context.profile().checksums(), context.tree(), context::expand);
    }

    /** The published digest of a file of the tree, if any source lists it. */
    public Optional<Expected> forPath(String path) {
        String key = normalize(path);
        for (int i = 0; i < sources.size(); i++) {
            Expected e = bySource.computeIfAbsent(i, this::load).get(key);
            if (e != null) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * The first of {@code paths} that a published list names, taking the lists in order and each
     * only while none before it named one: a tree that publishes checksums names its boot files
     * there, so this tells which layout it has without asking the server file by file.
     */
    public Optional<String> firstListed(List<String> paths) {
        for (int i = 0; i < sources.size(); i++) {
            Map<String, Expected> listed = bySource.computeIfAbsent(i, this::load);
            for (String path : paths) {
                if (listed.containsKey(normalize(path))) {
                    return Optional.of(path);
                }
            }
        }
        return Optional.empty();
    }

    private Map<String, Expected> load(int index) {
        ChecksumSource source = sources.get(index);
        Map<String, Expected> result = new LinkedHashMap<>();
        switch (source.type()) {
            case "treeinfo" -> tree.first(TreeMetadata.TREEINFO).ifPresent(found -> {
                TreeMetadata.Ini ini = TreeMetadata.Ini.parse(found.getValue());
                ini.section("checksums").forEach((file, value) -> {
                    int colon = value.indexOf(':');
                    if (colon > 0) {
                        result.put(normalize(file), new Expected(value.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                                value.substring(colon + 1).strip(), found.getKey() + " [checksums]"));
                    }
                });
            });
            case "suse-content" -> tree.text(TreeMetadata.SUSE_CONTENT).ifPresent(text ->
                    TreeMetadata.suseContentHashes(text).forEach((file, digest) ->
                            result.put(normalize(file), new Expected(digest[0], digest[1], TreeMetadata.SUSE_CONTENT))));
            case "sums" -> {
                String file = normalize(expand.apply(source.file()));
                int slash = file.lastIndexOf('/');
                String folder = slash < 0 ? "" : file.substring(0, slash + 1);
                tree.text(file).ifPresent(text -> {
                    for (String line : text.split("\r?\n")) {
                        String[] parts = line.strip().split("\\s+", 2);
                        if (parts.length == 2 && parts[0].matches("[0-9a-fA-F]+")) {
                            String name = parts[1].startsWith("*") ? parts[1].substring(1) : parts[1];
                            result.putIfAbsent(normalize(folder + normalize(name)),
                                    new Expected(source.algorithm(), parts[0], file));
                        }
                    }
                });
            }
            default -> throw new IllegalArgumentException("no checksum source " + source.type());
        }
        return result;
    }

    static String normalize(String path) {
        String p = path.strip();
        while (p.startsWith("./") || p.startsWith("/")) {
            p = p.substring(p.startsWith("./") ? 2 : 1);
        }
        return p.replace("/./", "/");
    }
}
