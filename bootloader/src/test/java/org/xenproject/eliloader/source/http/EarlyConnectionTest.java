package org.xenproject.eliloader.source.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.source.InstallSource;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.source.SourceOptions;
import org.xenproject.eliloader.testpeers.NginxPeer;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.RealPeers;

/**
 * The repository's first connection is opened before OkHttp is set up and then carries the first
 * request (nginx logs the client port of each request); a failed early attempt, a proxy, or a
 * connection never used change nothing else.
 */
@RealPeers
class EarlyConnectionTest {
    private static final String KERNEL = "debian/dists/bookworm/main/installer-amd64/current/images/netboot/xen/vmlinuz";

    @TempDir
    static Path work;

    private static NginxPeer nginx;

    @BeforeAll
    static void serve() {
        nginx = NginxPeer.serveTimed(ProjectPaths.trees(), work.resolve("nginx"), "");
    }

    @AfterAll
    static void stop() {
        nginx.close();
    }

    private static byte[] fetch(InstallSource source) throws IOException {
        try (InstallSource.Resource resource = source.open(KERNEL); InputStream in = resource.stream()) {
            return in.readAllBytes();
        }
    }

    private static List<String> lastLogLine() throws IOException {
        List<String> lines = Files.readAllLines(nginx.timingLog());
        String last = lines.get(lines.size() - 1);
        return List.of(last.substring(last.indexOf('"') + 1, last.lastIndexOf('"')),
                last.substring(last.lastIndexOf(' ') + 1));
    }

    @Test
    void theFirstRequestGoesOverTheConnectionOpenedEarly() throws Exception {
        Repository repository = Repository.parse(nginx.url(""));
        EarlyConnection early = EarlyConnection.begin(repository, SourceOptions.defaults());
        assertThat(early).isNotNull();

        try (HttpSource source = new HttpSource(repository, SourceOptions.defaults(), early)) {
            assertThat(fetch(source)).isEqualTo(BootHarness.tree(KERNEL));
        }

        OptionalInt port = early.localPort();
        assertThat(port).isPresent();
        List<String> logged = lastLogLine();
        assertThat(logged.get(0)).isEqualTo("GET /" + KERNEL + " HTTP/1.1");
        assertThat(logged.get(1)).isEqualTo(Integer.toString(port.getAsInt()));
    }

    @Test
    void aFailedEarlyAttemptLeavesOkHttpItsOwnAttemptAndError() throws Exception {
        int closed;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = free.getLocalPort();
        }
        Repository repository = Repository.parse("http://127.0.0.1:" + closed + "/");
        SourceOptions once = SourceOptions.defaults().withRetry(new org.xenproject.eliloader.source.RetryPolicy(0,
                java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(1)));
        EarlyConnection early = EarlyConnection.begin(repository, once);

        Throwable withEarly;
        try (HttpSource source = new HttpSource(repository, once, early)) {
            withEarly = catchThrowable(() -> fetch(source));
        }
        Throwable without;
        try (HttpSource source = new HttpSource(repository, once)) {
            without = catchThrowable(() -> fetch(source));
        }

        assertThat(early.localPort()).isEmpty();
        assertThat(withEarly).isNotNull().hasMessage(without.getMessage());
    }

    @Test
    void throughAProxyNothingIsOpenedEarly() {
        Repository repository = Repository.parse(nginx.url(""));
        assertThat(EarlyConnection.begin(repository, SourceOptions.defaults().withProxy("http://127.0.0.1:3128"))).isNull();
    }

    @Test
    void aConnectionNeverUsedIsClosed() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(10_000);
            Repository repository = Repository.parse("http://127.0.0.1:" + server.getLocalPort() + "/");
            EarlyConnection early = EarlyConnection.begin(repository, SourceOptions.defaults());
            try (Socket accepted = server.accept()) {
                accepted.setSoTimeout(10_000);
                new HttpSource(repository, SourceOptions.defaults(), early).close();
                assertThat(accepted.getInputStream().read()).as("the server sees the connection end").isEqualTo(-1);
            }
        }
    }
}
