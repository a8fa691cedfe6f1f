package org.xenproject.eliloader.testpeers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real tinyproxy on 127.0.0.1 (plain http forwarding and CONNECT to any port), optionally with
 * Basic proxy authentication. Config, pid and log under the work dir.
 */
public final class TinyproxyPeer implements AutoCloseable {
    private final Daemon daemon;
    private final int port;
    private final Path log;

    private TinyproxyPeer(Daemon daemon, int port, Path log) {
        this.daemon = daemon;
        this.port = port;
        this.log = log;
    }

    public static TinyproxyPeer start(Path workDir) {
        return start(workDir, null, null);
    }

    /** With {@code user} non-null, clients must authenticate (Basic). */
    public static TinyproxyPeer start(Path workDir, String user, String password) {
        String tinyproxy = "/usr/bin/tinyproxy";
        if (!Files.isExecutable(Path.of(tinyproxy))) {
            throw new IllegalStateException("tinyproxy is not installed; run scripts/setup");
        }
        Path dir = workDir.toAbsolutePath().resolve("tinyproxy");
        try {
            Files.createDirectories(dir);
            int port = Ports.free();
            Path log = dir.resolve("tinyproxy.log");
            List<String> lines = new ArrayList<>(List.of("Port " + port, "Listen 127.0.0.1", "Timeout 60",
                    "LogFile \"" + log + "\"", "LogLevel Info", "PidFile \"" + dir.resolve("tinyproxy.pid") + "\"",
                    "MaxClients 20", "Allow 127.0.0.1", "DisableViaHeader Yes"));
            if (user != null) {
                lines.add("BasicAuth " + user + " " + password);
            }
            Path config = dir.resolve("tinyproxy.conf");
            Files.writeString(config, String.join("\n", lines) + "\n");
            Daemon daemon = Daemon.start("tinyproxy", List.of(tinyproxy, "-d", "-c", config.toString()),
                    dir.resolve("stdout.log"));
            daemon.awaitListening(port);
            return new TinyproxyPeer(daemon, port, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up tinyproxy in " + dir, e);
        }
    }

    /** {@code http://127.0.0.1:PORT}, an {@code install-proxy} value. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** What tinyproxy logged: requests ({@code GET http://...}) and tunnels ({@code CONNECT ...}). */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        daemon.close();
    }
}
