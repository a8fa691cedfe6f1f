package org.xenproject.eliloader.testpeers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.xenproject.eliloader.testsupport.ProjectPaths;

/**
 * A real nginx serving a tree on 127.0.0.1, started through {@code scripts/serve-http} (the
 * same recipe the demo uses), optionally with https from a CA generated per run.
 */
public final class NginxPeer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final int httpsPort;
    private final Path caCert;
    private final Path workDir;

    private NginxPeer(Process process, int port, int httpsPort, Path caCert, Path workDir) {
        this.workDir = workDir;
        this.process = process;
        this.port = port;
        this.httpsPort = httpsPort;
        this.caCert = caCert;
    }

    public static NginxPeer serve(Path root, Path workDir) {
        return start(root, workDir, false, null);
    }

    public static NginxPeer serveWithTls(Path root, Path workDir) {
        return start(root, workDir, true, null);
    }

    /**
     * With extra nginx directives in the server block ({@code location}s, {@code limit_rate},
     * {@code return 302 ...}); {@code @HTTP_PORT@} and {@code @HTTPS_PORT@} in them are replaced by
     * the ports chosen.
     */
    public static NginxPeer serve(Path root, Path workDir, boolean tls, String extraServerConfig) {
        return start(root, workDir, tls, extraServerConfig);
    }

    /**
     * As {@link #serve(Path, Path, boolean, String)}, also logging each request with when it ended
     * and how long it took ({@link #timingLog()}: {@code $msec $request_time "$request" $status}),
     * so that a test can tell which requests overlapped.
     */
    public static NginxPeer serveTimed(Path root, Path workDir, String extraServerConfig) {
        Path logs = workDir.toAbsolutePath().resolve("nginx");
        return start(root, workDir, false, "access_log " + logs.resolve("timing.log") + " timing;\n"
                + extraServerConfig, "log_format timing '$msec $request_time \"$request\" $status';\n");
    }

    /** A {@link #serveTimed} peer's log of requests with their end and duration. */
    public Path timingLog() {
        return workDir.resolve("nginx").resolve("timing.log");
    }

    /**
     * A second nginx as an ordinary caching forward proxy, as a pool would share one (an
     * {@code install-proxy} / {@code http-proxy} value: {@link #url(String) url("")}): absolute-URI
     * requests are passed to the host they name and the 200s kept in {@code proxy_cache}. An entry
     * is fresh for one second, then revalidated with the origin ({@code proxy_cache_revalidate}:
     * a conditional GET, a 304 sends no body), as squid does for our {@code max-age=0}.
     * {@code X-Cache-Status} says what the cache did; {@link #headersLog()} has each request with
     * its {@code Cache-Control} header.
     */
    public static NginxPeer cachingProxy(Path workDir) {
        Path cache = workDir.toAbsolutePath().resolve("proxy-cache");
        Path logs = workDir.toAbsolutePath().resolve("nginx");
        String server = String.join("\n",
                "access_log " + logs.resolve("access.log") + ";",
                "access_log " + logs.resolve("headers.log") + " with_cache_control;",
                "location / {",
                "  proxy_pass http://$http_host;",
                "  proxy_cache boot;",
                "  proxy_cache_key $http_host$request_uri;",
                "  proxy_cache_valid 200 1s;",
                "  proxy_cache_revalidate on;",
                "  proxy_cache_lock on;",
                "  add_header X-Cache-Status $upstream_cache_status;",
                "}", "");
        String http = "proxy_cache_path " + cache + " keys_zone=boot:1m max_size=1g inactive=1h use_temp_path=off;\n"
                + "log_format with_cache_control '$request cache-control=$http_cache_control';\n";
        return start(workDir.toAbsolutePath().resolve("empty-root"), workDir, false, server, http);
    }

    /** A {@link #cachingProxy}'s log of requests with their {@code Cache-Control} header. */
    public Path headersLog() {
        return workDir.resolve("nginx").resolve("headers.log");
    }

    private static NginxPeer start(Path root, Path workDir, boolean tls, String extraServerConfig) {
        return start(root, workDir, tls, extraServerConfig, null);
    }

    private static NginxPeer start(Path root, Path workDir, boolean tls, String extraServerConfig,
            String httpConfig) {
        int port = Ports.free();
        int httpsPort = tls ? Ports.free() : -1;
        List<String> command = new ArrayList<>(List.of(ProjectPaths.scripts().resolve("serve-http").toString(),
                "--root", root.toAbsolutePath().toString(), "--port", Integer.toString(port),
                "--workdir", workDir.resolve("nginx").toString()));
        Path ca = null;
        try {
            if (extraServerConfig != null) {
                Files.createDirectories(workDir);
                Path extra = workDir.resolve("nginx-extra.conf").toAbsolutePath();
                Files.writeString(extra, extraServerConfig.replace("@HTTP_PORT@", Integer.toString(port))
                        .replace("@HTTPS_PORT@", Integer.toString(httpsPort)));
                command.addAll(List.of("--extra-conf", extra.toString()));
            }
            if (httpConfig != null) {
                Files.createDirectories(root);
                Path http = workDir.resolve("nginx-http.conf").toAbsolutePath();
                Files.writeString(http, httpConfig);
                // the workers write the cache under this private (0700) work directory
                command.addAll(List.of("--http-conf", http.toString(), "--worker-user", "root"));
            }
            if (tls) {
                Tls.Certificates certs = Tls.generate(workDir.resolve("tls"));
                ca = certs.caCert();
                command.addAll(List.of("--https-port", Integer.toString(httpsPort), "--cert",
                        certs.serverCert().toString(), "--key", certs.serverKey().toString()));
            }
            Files.createDirectories(workDir);
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("serve-http.out").toFile()).start();
            Ports.awaitListening(port, Duration.ofSeconds(10), process);
            if (tls) {
                Ports.awaitListening(httpsPort, Duration.ofSeconds(10), process);
            }
            return new NginxPeer(process, port, httpsPort, ca, workDir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start nginx (run scripts/setup first)", e);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + "/" + path;
    }

    public String httpsUrl(String path) {
        return "https://127.0.0.1:" + httpsPort + "/" + path;
    }

    public int port() {
        return port;
    }

    /** nginx's worker processes (the master's children), to cut a transfer short by killing them. */
    public List<ProcessHandle> workers() {
        return process.children().toList();
    }

    /** The master's PID. */
    public long pid() {
        return process.pid();
    }

    /** nginx's access log (combined format: request line and status). */
    public Path accessLog() {
        return workDir.resolve("nginx").resolve("access.log");
    }

    /** How many times nginx has served a method and path ({@code GET /rhel7/.treeinfo}). */
    public long requests(String methodAndPath) {
        try (java.util.stream.Stream<String> lines = Files.lines(accessLog())) {
            return lines.filter(l -> l.contains("\"" + methodAndPath + " HTTP/")).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The CA that signed the https certificate (null without tls). */
    public Path caCert() {
        return caCert;
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: nginx's master stops its worker and exits
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
