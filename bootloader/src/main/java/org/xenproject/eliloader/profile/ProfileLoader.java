package org.xenproject.eliloader.profile;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.xenproject.eliloader.log.Log;

/**
 * Reads profile files ({@code *.yaml}) from the jar's {@code distro-profiles/} folder and from
 * directories. Parsing only: inheritance and checks are {@link ProfileRegistry}'s job.
 */
public final class ProfileLoader {
    static final String JAR_FOLDER = "distro-profiles/";
    private static final String SUFFIX = ".yaml";
    /**
     * Documents by the exact text they were parsed from, seeded with the build's snapshot of the
     * shipped profiles: their texts (in the jar and in the shipped directory) need no YAML parsing.
     */
    private static final Map<String, ProfileDocument> PARSED = new java.util.concurrent.ConcurrentHashMap<>();
    /** The build's snapshot of the jar's profiles (empty when there is none). */
    private static final List<ProfileSnapshot.Entry> SHIPPED = ProfileSnapshot.shipped();

    static {
        for (ProfileSnapshot.Entry entry : SHIPPED) {
            PARSED.put(entry.text(), entry.document());
        }
    }

    private ProfileLoader() {
    }

    /** The profiles shipped inside the program (jar, or classes folder when run from a build). */
    public static List<ProfileDocument> fromClasspath() {
        URL marker = ProfileLoader.class.getClassLoader().getResource(JAR_FOLDER);
        if (marker == null) {
            return List.of();
        }
        try {
            if ("file".equals(marker.getProtocol())) {
                return fromDirectory(Path.of(marker.toURI()));
            }
            if ("jar".equals(marker.getProtocol())) {
                if (!SHIPPED.isEmpty()) {
                    // the snapshot was made from these very files when the jar was built
                    return SHIPPED.stream().map(ProfileSnapshot.Entry::document).toList();
                }
                String spec = marker.getPath();
                Path jar = Path.of(new URL(spec.substring(0, spec.indexOf("!/"))).toURI());
                return fromJar(jar);
            }
        } catch (IOException | URISyntaxException e) {
            throw new ProfileException("Cannot list the built-in profiles: " + e.getMessage());
        }
        return List.of();
    }

    /** Every {@code *.yaml} of a directory, sorted by name; a missing directory has none. */
    public static List<ProfileDocument> fromDirectory(Path dir) {
        return fromDirectory(dir, new ArrayList<>());
    }

    /**
     * Every loadable {@code *.yaml} of a directory, sorted by name. A file that cannot be read or
     * parsed (bad YAML, over a bound, a null value) is logged, added to {@code skipped} and left
     * out: a site's broken file must not stop the VMs that do not use it.
     */
    public static List<ProfileDocument> fromDirectory(Path dir, List<String> skipped) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new ProfileException("Cannot list profiles in " + dir + ": " + e.getMessage());
        }
        List<ProfileDocument> result = new ArrayList<>();
        for (Path file : files) {
            try {
                result.add(fromFile(file));
            } catch (ProfileException e) {
                Log.info("profile file skipped: " + e.getMessage());
                skipped.add(e.getMessage());
            }
        }
        return result;
    }

    public static ProfileDocument fromFile(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return parse(stripSuffix(file.getFileName().toString()), file.toString(), text);
        } catch (IOException e) {
            throw new ProfileException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** The profiles in a jar's {@code distro-profiles/} folder. */
    public static List<ProfileDocument> fromJar(Path jar) throws IOException {
        List<ProfileDocument> result = new ArrayList<>();
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            List<JarEntry> entries = new ArrayList<>();
            for (Enumeration<JarEntry> e = jarFile.entries(); e.hasMoreElements();) {
                JarEntry entry = e.nextElement();
                String name = entry.getName();
                if (name.startsWith(JAR_FOLDER) && name.endsWith(SUFFIX) && name.indexOf('/', JAR_FOLDER.length()) < 0) {
                    entries.add(entry);
                }
            }
            entries.sort((a, b) -> a.getName().compareTo(b.getName()));
            for (JarEntry entry : entries) {
                try (InputStream in = jarFile.getInputStream(entry)) {
                    String fileName = entry.getName().substring(JAR_FOLDER.length());
                    result.add(parse(stripSuffix(fileName), "jar:" + entry.getName(),
                            new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
        }
        return result;
    }

    /** Parses one profile file's text, keeping the line of every key for messages. */
    public static ProfileDocument parse(String defaultId, String origin, String text) {
        // the shipped folder holds the same files as the jar: parse each text once per run
        ProfileDocument same = PARSED.get(text);
        if (same != null && same.id().equals(idOf(same, defaultId))) {
            return new ProfileDocument(same.id(), origin, same.data(), same.lines());
        }
        ProfileDocument parsed = parseText(defaultId, origin, text);
        PARSED.put(text, parsed);
        return parsed;
    }

    /** The id a document parsed under another name would have here (its id key, else the file name). */
    private static String idOf(ProfileDocument doc, String defaultId) {
        Object id = doc.data().get("id");
        return id == null ? defaultId : id.toString();
    }

    /** The largest profile file, in characters: the shipped ones are a few KB. */
    static final int MAX_CHARS = 256 * 1024;
    /** The deepest nesting of mappings and lists: the shipped profiles need 6. */
    static final int MAX_DEPTH = 32;
    /** The most nodes a file may come to, aliases expanded: bounds every later walk over it. */
    static final long MAX_NODES = 20_000;
    /** Aliases to collections snakeyaml accepts in one file. */
    static final int MAX_ALIASES = 20;

    static ProfileDocument parseText(String defaultId, String origin, String text) {
        LoadSettings settings = LoadSettings.builder().setLabel(origin).setAllowDuplicateKeys(false)
                .setMaxAliasesForCollections(MAX_ALIASES).setCodePointLimit(MAX_CHARS + 1).build();
        if (text.length() > MAX_CHARS) {
            throw ProfileException.at(origin, 0, "is " + text.length() + " characters long; a profile may have at most "
                    + MAX_CHARS + ".");
        }
        Object root;
        Map<String, Integer> lines = new LinkedHashMap<>();
        try {
            checkBounds(settings, origin, text); // before anything recursive or expanding runs

            Optional<Node> node = new Compose(settings).composeString(text);
            node.ifPresent(n -> recordLines(n, "", lines));
            root = new StandardConstructor(settings).constructSingleDocument(node);
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
            String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
            throw ProfileException.at(origin, line, "not valid YAML: " + problem.replace('\n', ' '));
        } catch (YamlEngineException e) {
            throw new ProfileException(origin + ": not valid YAML: " + e.getMessage().replace('\n', ' '));
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw ProfileException.at(origin, 1, "a profile must be a YAML mapping of keys.");
        }
        checkNoNull(root, "", lines, origin);
        Map<String, Object> data = new LinkedHashMap<>();
        map.forEach((k, v) -> data.put(String.valueOf(k), v));
        Object id = data.get("id");
        return new ProfileDocument(id == null ? defaultId : id.toString(), origin, data, Map.copyOf(lines));
    }

    /**
     * Streams the file's parse events (the parser is not recursive) and refuses it when mappings
     * and lists nest deeper than {@link #MAX_DEPTH} or when, aliases expanded, it comes to more
     * than {@link #MAX_NODES} nodes (an alias counts as the size of what it names, so a "billion
     * laughs" file under snakeyaml's alias limit is refused in linear time).
     */
    private static void checkBounds(LoadSettings settings, String origin, String text) {
        java.util.Deque<long[]> open = new java.util.ArrayDeque<>();
        java.util.Deque<String> anchors = new java.util.ArrayDeque<>();
        Map<String, Long> sizes = new java.util.HashMap<>();
        long total = 0;
        for (Event event : new Parse(settings).parseString(text)) {
            int line = event.getStartMark().map(m -> m.getLine() + 1).orElse(0);
            long add = 0;
            if (event instanceof CollectionStartEvent start) {
                if (open.size() >= MAX_DEPTH) {
                    throw ProfileException.at(origin, line, "nests mappings and lists deeper than " + MAX_DEPTH
                            + " levels.");
                }
                open.push(new long[] {1});
                anchors.push(start.getAnchor().map(Anchor::getValue).orElse(""));
                continue;
            } else if (event instanceof CollectionEndEvent) {
                long size = open.pop()[0];
                String anchor = anchors.pop();
                if (!anchor.isEmpty()) {
                    sizes.put(anchor, size);
                }
                add = size;
            } else if (event instanceof ScalarEvent scalar) {
                scalar.getAnchor().ifPresent(a -> sizes.put(a.getValue(), 1L));
                add = 1;
            } else if (event instanceof AliasEvent alias) {
                add = sizes.getOrDefault(alias.getAlias().getValue(), 1L);
            }
            if (add == 0) {
                continue;
            }
            long size = open.isEmpty() ? (total += add) : (open.peek()[0] += add);
            if (size > MAX_NODES) {
                throw ProfileException.at(origin, line, "comes to more than " + MAX_NODES
                        + " values once its aliases are expanded.");
            }
        }
    }

    /** A key without a value ({@code key:}, {@code ~}, {@code null}) is an error at its line, never a null later. */
    private static void checkNoNull(Object value, String path, Map<String, Integer> lines, String origin) {
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String child = path.isEmpty() ? String.valueOf(e.getKey()) : path + "." + e.getKey();
                if (e.getKey() == null || e.getValue() == null) {
                    throw ProfileException.at(origin, lines.getOrDefault(child, 0), child + " has no value (null); give"
                            + " one, or leave the key out.");
                }
                checkNoNull(e.getValue(), child, lines, origin);
            }
        } else if (value instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                String child = path + "[" + i + "]";
                if (l.get(i) == null) {
                    throw ProfileException.at(origin, lines.getOrDefault(child, lines.getOrDefault(path, 0)), child
                            + " has no value (null).");
                }
                checkNoNull(l.get(i), child, lines, origin);
            }
        }
    }

    /** Walks the composed tree and notes the line where each value starts, by path. */
    private static void recordLines(Node node, String path, Map<String, Integer> lines) {
        if (!path.isEmpty()) {
            node.getStartMark().ifPresent(m -> lines.putIfAbsent(path, m.getLine() + 1));
        }
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode key) {
                    String child = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
                    // a key's line is where the key is written, which is where people look
                    tuple.getKeyNode().getStartMark().ifPresent(m -> lines.putIfAbsent(child, m.getLine() + 1));
                    recordLines(tuple.getValueNode(), child, lines);
                }
            }
        } else if (node instanceof SequenceNode sequence) {
            List<Node> items = sequence.getValue();
            for (int i = 0; i < items.size(); i++) {
                recordLines(items.get(i), path + "[" + i + "]", lines);
            }
        }
    }

    private static String stripSuffix(String name) {
        return name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : name;
    }
}
