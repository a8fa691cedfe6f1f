package org.xenproject.eliloader.testpeers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.xenproject.eliloader.testsupport.ProjectPaths;

/**
 * The fixture trees served by a real nginx for the whole test class:
 * {@code @RegisterExtension static final TreesOverHttp nginx = new TreesOverHttp();}
 *
 * <p>nginx starts when a test first asks for a URL, a port or the log, and stops after the
 * class: the tests of the class that never ask need no nginx, so they may go without the
 * {@link org.xenproject.eliloader.testsupport.RealPeers} tag the others carry.
 */
public final class TreesOverHttp implements BeforeAllCallback, AfterAllCallback {
    private Path workDir;
    private NginxPeer peer;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        workDir = Files.createTempDirectory("eliloader-nginx-");
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) throws IOException {
        if (peer != null) {
            peer.close();
            peer = null;
        }
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private synchronized NginxPeer peer() {
        if (peer == null) {
            peer = NginxPeer.serve(ProjectPaths.trees(), workDir);
        }
        return peer;
    }

    public String url(String path) {
        return peer().url(path);
    }

    public int port() {
        return peer().port();
    }

    public Path accessLog() {
        return peer().accessLog();
    }
}
