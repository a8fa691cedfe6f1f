package org.xenproject.eliloader.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;

/**
 * The read timeout of SourceOptions ({@code --http-timeout}, "every network scheme") bounds the
 * wait for a server that accepts and never answers, on ftp and smb (http: HttpSourceTest; nfs:
 * nfs/NfsSettingsTest). The defaults (30 s here, jcifs' own elsewhere) would make these tests
 * take far longer than the bounds below.
 */
class SourceTimeoutsTest {
    private static final Duration READ = Duration.ofSeconds(1);

    private static SourceOptions options(int retries) {
        return SourceOptions.defaults().withTimeouts(Duration.ofSeconds(1), READ, Duration.ofSeconds(60))
                .withRetry(new RetryPolicy(retries, Duration.ofMillis(50), Duration.ofMillis(50)));
    }

    private static long failsWithin(String url, SourceOptions options) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> {
            try (InstallSource source = SourceFactory.open(Repository.parse(url), options)) {
                source.open("vmlinuz");
            }
        }).isInstanceOfSatisfying(BootloaderException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
            assertThat(e.getMessage()).contains(url);
        });
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }

    @Test
    void ftpGivesUpOnASilentServerAfterTheReadTimeoutPerAttempt() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            long millis = failsWithin("ftp://127.0.0.1:" + silent.port() + "/tree", options(1));
            assertThat(millis).isBetween(1_500L, 8_000L);
            assertThat(silent.accepted()).as("one retry").isEqualTo(2);
        }
    }

    @Test
    void smbGivesUpOnASilentServerAfterTheReadTimeoutPerAttempt() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            long millis = failsWithin("smb://127.0.0.1:" + silent.port() + "/share/tree", options(0));
            assertThat(millis).isLessThan(8_000L);
            assertThat(silent.accepted()).isGreaterThanOrEqualTo(1);
        }
    }
}
