package org.xenproject.eliloader.source.nfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.source.InstallSource;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.source.RetryPolicy;
import org.xenproject.eliloader.source.SilentServer;
import org.xenproject.eliloader.source.SourceFactory;
import org.xenproject.eliloader.source.SourceOptions;

/**
 * Every setting of SourceOptions reaches NFS through {@link SourceFactory}: the read timeout
 * bounds each call, the retries and the overall time bound the open. The "server" is a portmapper
 * port (111, which SourceOptions cannot move) that accepts and never answers, so this runs in the
 * tests' network namespace (scripts/with-test-netns), where nothing else holds port 111 between
 * the NFS peers' runs. Before NfsOptions.from, NFS used its own 60 s per call and no retries.
 */
@org.xenproject.eliloader.testsupport.RealPeers
class NfsSettingsTest {
    private static SilentServer portmapper;

    @BeforeAll
    static void start() throws IOException {
        try {
            portmapper = new SilentServer(111);
        } catch (IOException e) {
            throw new IOException("cannot listen on 127.0.0.1:111; run the tests inside the network namespace"
                    + " (scripts/with-test-netns) where no rpcbind is left running", e);
        }
    }

    @AfterAll
    static void stop() throws IOException {
        if (portmapper != null) {
            portmapper.close();
        }
    }

    private static SourceOptions options(int retries, Duration overall) {
        return SourceOptions.defaults().withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), overall)
                .withRetry(new RetryPolicy(retries, Duration.ofMillis(50), Duration.ofMillis(50)));
    }

    private static BootloaderException open(SourceOptions options) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> {
            try (InstallSource source = SourceFactory.open(Repository.parse("nfs://127.0.0.1/export/tree"), options)) {
                source.exists("vmlinuz");
            }
        });
        assertThat(thrown).isInstanceOf(BootloaderException.class);
        BootloaderException e = (BootloaderException) thrown;
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
        assertThat(e.getMessage()).contains("127.0.0.1").contains("portmapper");
        return e;
    }

    @Test
    void theReadTimeoutBoundsEachCall() {
        int before = portmapper.accepted();
        long start = System.nanoTime();
        BootloaderException e = open(options(0, Duration.ofSeconds(60)));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(e.getMessage()).contains("did not answer within 1 s");
        assertThat(portmapper.accepted() - before).isEqualTo(1);
    }

    @Test
    void theRetriesAreTheHosts() {
        int before = portmapper.accepted();
        BootloaderException e = open(options(2, Duration.ofSeconds(60)));
        assertThat(portmapper.accepted() - before).isEqualTo(3);
        assertThat(e.getMessage()).contains("gave up after 3 attempts");
    }

    @Test
    void theOverallTimeoutEndsTheRetries() {
        long start = System.nanoTime();
        BootloaderException e = open(options(100, Duration.ofMillis(2500)));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
        assertThat(e.getMessage()).contains("overall timeout");
    }

    @Test
    void theMappingIsInOnePlace() {
        SourceOptions options = options(3, Duration.ofSeconds(42)).withTimeouts(Duration.ofSeconds(7),
                Duration.ofSeconds(9), Duration.ofSeconds(42));
        NfsOptions nfs = NfsOptions.from(options);
        assertThat(nfs.connectTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(nfs.callTimeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(nfs.overallTimeout()).isEqualTo(Duration.ofSeconds(42));
        assertThat(nfs.retry()).isEqualTo(options.retry());
        assertThat(nfs.maxReadSize()).isEqualTo(NfsOptions.defaults().maxReadSize());
    }
}
