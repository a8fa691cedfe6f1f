package org.xenproject.eliloader.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.log.Log;

/**
 * The tree of one run, opened on first use, with a cache of its small metadata files
 * ({@code .treeinfo}, SUSE {@code content}, checksum lists, …): detection, boot-file choice and
 * checksum verification all read them through here, so each is fetched at most once per run.
 * An absent (or unreadable) file is remembered as absent.
 */
public final class TreeFiles implements AutoCloseable {
    /** Metadata files larger than this are refused: they are a few kilobytes in every real tree. */
    public static final int MAX_METADATA_BYTES = 4 << 20;

    private final Supplier<InstallSource> opener;
    private InstallSource source;
    private boolean closed;
    private final Map<String, Optional<String>> texts = new LinkedHashMap<>();
    private final List<String> requests = new ArrayList<>();
    private final Map<String, String> unreadable = new LinkedHashMap<>();

    public TreeFiles(Supplier<InstallSource> opener) {
        this.opener = opener;
    }

    /** The tree, opened the first time something needs it. */
    public InstallSource source() {
        if (source == null) {
            source = opener.get();
        }
        return source;
    }

    /** Whether the tree has been opened (nothing to close otherwise). */
    public boolean isOpen() {
        return source != null;
    }

    /** The text of a small file of the tree, or empty when the tree has no such file. */
    public Optional<String> text(String path) {
        Optional<String> cached = texts.get(path);
        if (cached != null) {
            return cached;
        }
        requests.add(path);
        Optional<String> text = read(path);
        texts.put(path, text);
        return text;
    }

    /** The first of several names that exists, with its text (e.g. {@code .treeinfo}, then {@code treeinfo}). */
    public Optional<Map.Entry<String, String>> first(List<String> paths) {
        for (String path : paths) {
            Optional<String> text = text(path);
            if (text.isPresent()) {
                return Optional.of(Map.entry(path, text.get()));
            }
        }
        return Optional.empty();
    }

    /** The metadata paths asked for in this run, in order, each once. */
    public List<String> requested() {
        return List.copyOf(requests);
    }

    /** The metadata files that were found, in the order they were read. */
    public List<String> found() {
        return texts.entrySet().stream().filter(e -> e.getValue().isPresent()).map(Map.Entry::getKey).toList();
    }

    /**
     * Metadata is optional: a file that cannot be read (an I/O error, a body cut short, one too
     * large) is logged and taken as absent, so the boot goes on and any real fault of the tree
     * is reported by the download of the kernel itself. Opening the tree is not optional.
     */
    private Optional<String> read(String path) {
        InstallSource tree = source();
        try {
            Optional<InstallSource.Resource> opened = tree.openIfExists(path);
            if (opened.isEmpty()) {
                return Optional.empty();
            }
            try (InstallSource.Resource resource = opened.get(); InputStream in = resource.stream()) {
                if (resource.length().isPresent() && resource.length().getAsLong() > MAX_METADATA_BYTES) {
                    throw new IOException("it announces " + resource.length().getAsLong() + " bytes, more than "
                            + MAX_METADATA_BYTES);
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] buffer = new byte[16384];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    out.write(buffer, 0, n);
                    if (out.size() > MAX_METADATA_BYTES) {
                        throw new IOException("it is larger than " + MAX_METADATA_BYTES + " bytes");
                    }
                }
                return Optional.of(out.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException | BootloaderException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            unreadable.put(path, reason);
            Log.info("metadata " + tree.describe(path) + " taken as absent: " + reason);
            return Optional.empty();
        }
    }

    /** Metadata files that exist but could not be read, with the reason; taken as absent. */
    public Map<String, String> unreadable() {
        return Map.copyOf(unreadable);
    }

    @Override
    public void close() {
        if (source != null && !closed) {
            closed = true;
            try {
                source.close();
            } catch (IOException ignored) {
                // closing a read-only source loses nothing
            }
        }
    }
}
