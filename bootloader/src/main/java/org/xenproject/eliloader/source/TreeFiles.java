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
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.log.Log;

/**
 * The tree of one run, opened on first use, with a cache of its small metadata files
 * ({@code .treeinfo}, SUSE {@code content}, checksum lists, …): detection, boot-file choice and
 * checksum verification all read them through here, so each is fetched at most once per run.
 * A missing file is remembered as absent; one that cannot be read is an error (see {@link #read}).
 * Thread-safe: the checksum lists may be read on a thread of their own while the boot files
 * stream (no lock is held while a file is read).
 */
public final class TreeFiles implements AutoCloseable {
    /** Metadata files larger than this are refused: they are a few kilobytes in every real tree. */
    public static final int MAX_METADATA_BYTES = 4 << 20;

    private final Supplier<InstallSource> opener;
    private InstallSource source;
    private boolean closed;
    private final Map<String, Optional<String>> texts = new LinkedHashMap<>();
    private final List<String> requests = new ArrayList<>();

    public TreeFiles(Supplier<InstallSource> opener) {
        this.opener = opener;
    }

    /** The tree, opened the first time something needs it. */
    public synchronized InstallSource source() {
        if (source == null) {
            source = opener.get();
        }
        return source;
    }

    /** Whether the tree has been opened (nothing to close otherwise). */
    public synchronized boolean isOpen() {
        return source != null;
    }

    /** The text of a small file of the tree, or empty when the tree has no such file. */
    public Optional<String> text(String path) {
        synchronized (this) {
            Optional<String> cached = texts.get(path);
            if (cached != null) {
                return cached;
            }
            requests.add(path);
        }
        Optional<String> text = read(path);
        synchronized (this) {
            texts.put(path, text);
        }
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
    public synchronized List<String> requested() {
        return List.copyOf(requests);
    }

    /** The metadata files that were found, in the order they were read. */
    public synchronized List<String> found() {
        return texts.entrySet().stream().filter(e -> e.getValue().isPresent()).map(Map.Entry::getKey).toList();
    }

    /**
     * Only a real "not found" means absent: {@link InstallSource#exists} is false only for that
     * (http 404/410, ftp 550, smb/nfs/file "no such file"). Any other failure while reading a
     * metadata file — TLS, 401, 407, a refused redirect, 5xx after the source's retries, a body cut
     * short, one too large — is reported as itself: taking it as absent would pick another
     * profile or skip a checksum list, and boot the wrong thing or an unverified one.
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
                    throw tooLarge(tree, path, "announces " + resource.length().getAsLong() + " bytes, more");
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] buffer = new byte[16384];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    out.write(buffer, 0, n);
                    if (out.size() > MAX_METADATA_BYTES) {
                        throw tooLarge(tree, path, "is larger");
                    }
                }
                return Optional.of(out.toString(StandardCharsets.UTF_8));
            }
        } catch (BootloaderException e) {
            // the source's own error names the URL and the status or reason
            Log.info("metadata " + tree.describe(path) + " cannot be read, which is not its absence");
            throw e;
        } catch (IOException e) {
            Log.info("metadata " + tree.describe(path) + " cannot be read, which is not its absence");
            throw Attempts.cannotFetch(tree.describe(path), e);
        }
    }

    private static BootloaderException tooLarge(InstallSource tree, String path, String what) {
        return new BootloaderException(ErrorCode.LIMITS, "The tree's metadata file " + tree.describe(path) + " "
                + what + " than the " + MAX_METADATA_BYTES + " bytes any real one stays under.");
    }

    @Override
    public synchronized void close() {
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
