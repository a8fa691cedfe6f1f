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
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads profile files ({@code *.yaml}) from the jar's {@code distro-profiles/} folder and from
 * directories. Parsing only: inheritance and checks are {@link ProfileRegistry}'s job.
 */
public final class ProfileLoader {
    static final String JAR_FOLDER = "distro-profiles/";
    private static final String SUFFIX = ".yaml";

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
            result.add(fromFile(file));
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

    private static List<ProfileDocument> fromJar(Path jar) throws IOException {
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

    static ProfileDocument parse(String defaultId, String origin, String text) {
        Object root;
        try {
            root = new Load(LoadSettings.builder().setLabel(origin).setAllowDuplicateKeys(false).build())
                    .loadFromString(text);
        } catch (YamlEngineException e) {
            throw new ProfileException(origin + ": not valid YAML: " + e.getMessage().replace('\n', ' '));
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new ProfileException(origin + ": a profile must be a YAML mapping of keys.");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        map.forEach((k, v) -> data.put(String.valueOf(k), v));
        Object id = data.get("id");
        return new ProfileDocument(id == null ? defaultId : id.toString(), origin, data);
    }

    private static String stripSuffix(String name) {
        return name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : name;
    }
}
