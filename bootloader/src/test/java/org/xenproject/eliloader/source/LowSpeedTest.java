package org.xenproject.eliloader.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.testsupport.FaultyServer;

/**
 * curl's low-speed rule ({@code speed-limit} bytes/s over {@code speed-time}): a server that drips
 * (never long enough silent for the read timeout) or that stalls again after every retry is given
 * up within the window, without further retries, instead of holding the VM start for the whole
 * overall timeout.
 */
class LowSpeedTest {
    private static SourceOptions options(int retries, long speedLimit, int speedTimeSeconds) {
        return SourceOptions.defaults().withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(15))
                .withRetry(new RetryPolicy(retries, Duration.ofMillis(50), Duration.ofMillis(50))
                        .withLowSpeed(speedLimit, Duration.ofSeconds(speedTimeSeconds)));
    }

    private static long failsWithin(String url, SourceOptions options, String expected) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> {
            java.nio.file.Path target = java.nio.file.Files.createTempFile("lowspeed", "");
            try (InstallSource source = SourceFactory.open(Repository.parse(url), options)) {
                org.xenproject.eliloader.round.BoundedCopy.fetch(source, "vmlinuz", "kernel", 1L << 30, target);
            } finally {
                java.nio.file.Files.deleteIfExists(target);
            }
        }).isInstanceOfSatisfying(BootloaderException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
            assertThat(e.getMessage()).contains(expected);
        });
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }

    @Test
    void aDrippingServerIsGivenUpAfterSpeedTimeWithoutRetries() throws Exception {
        // one byte every 200 ms: never silent for the 1 s read timeout
        try (FaultyServer drip = new FaultyServer(FaultyServer.Fault.DRIP)) {
            long millis = failsWithin(drip.url(), options(4, 100, 2), "slower than 100 bytes/s");
            assertThat(millis).isBetween(1_900L, 6_000L);
            assertThat(drip.accepted()).as("not retried").isEqualTo(1);
        }
    }

    @Test
    void aServerThatStallsAtEveryRetryIsGivenUpWithinTheWindow() throws Exception {
        // every attempt ends in the 1 s read timeout; ten retries would take over 11 s
        try (SilentServer silent = new SilentServer()) {
            long millis = failsWithin("http://127.0.0.1:" + silent.port() + "/tree", options(10, 100, 3),
                    "slower than 100 bytes/s");
            assertThat(millis).isBetween(2_900L, 6_000L);
            assertThat(silent.accepted()).isBetween(3, 5);
        }
    }

    @Test
    void afterOneFileIsGivenUpTheNextFilesOfTheRunFailAtOnce() throws Exception {
        try (FaultyServer drip = new FaultyServer(FaultyServer.Fault.DRIP)) {
            SourceOptions options = options(4, 100, 2);
            failsWithin(drip.url(), options, "slower than 100 bytes/s");
            long millis = failsWithin(drip.url(), options, "slower than 100 bytes/s");
            assertThat(millis).as("the second file of the run").isLessThan(1_000L);
        }
    }

    @Test
    void zeroTurnsTheRuleOff() {
        RetryPolicy off = RetryPolicy.defaults().withLowSpeed(0, Duration.ofSeconds(1));
        Attempts attempts = new Attempts(off, Duration.ofSeconds(10), "x");
        org.assertj.core.api.Assertions.assertThatCode(() -> {
            Thread.sleep(1100);
            attempts.progress(0);
            attempts.checkDeadline();
        }).doesNotThrowAnyException();
    }

    @Test
    void theReadersOwnWaitBeforeItsFirstReadIsNotTheServersSlowness() throws Exception {
        // a copy that waits for the checksum list (read alongside the file) before its first read:
        // the bytes were there all along, so the low-speed rule must not judge that wait
        byte[] data = new byte[4096];
        Attempts attempts = new Attempts(new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1))
                .withLowSpeed(100, Duration.ofSeconds(1)), Duration.ofSeconds(30), "vmlinuz");
        ResumableStream stream = new ResumableStream(new java.io.ByteArrayInputStream(data), offset -> {
            throw new java.io.IOException("no resume expected");
        }, attempts, java.util.OptionalLong.of(data.length));

        Thread.sleep(1_500);

        assertThat(stream.readAllBytes()).hasSize(data.length);
    }

    @Test
    void aPhaseWaitingOnTheServerIsEndedWhenItsWindowClosesWithoutBytes() throws Exception {
        Attempts attempts = new Attempts(new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(1))
                .withLowSpeed(100, Duration.ofSeconds(1)), Duration.ofSeconds(30), "vmlinuz");
        java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        long start = System.nanoTime();
        assertThatThrownBy(() -> attempts.awaiting(ended::countDown, () -> {
            boolean cancelled;
            try {
                cancelled = ended.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            if (!cancelled) {
                return "headers";
            }
            throw new java.io.IOException("Canceled");
        })).isInstanceOf(Attempts.TooSlow.class).hasMessageContaining("while waiting for the server's answer");
        assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis()).isBetween(900L, 3_000L);
    }

    @Test
    void aPhaseThatEndsInTimeIsNeverEndedLater() throws Exception {
        Attempts attempts = new Attempts(new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(1))
                .withLowSpeed(100, Duration.ofSeconds(1)), Duration.ofSeconds(30), "vmlinuz");
        java.util.concurrent.atomic.AtomicInteger aborts = new java.util.concurrent.atomic.AtomicInteger();
        attempts.progress(1_000); // the first window's bytes: it closes well, the next starts
        String answer = attempts.awaiting(aborts::incrementAndGet, () -> {
            sleepMillis(1_500);
            return "headers";
        });
        sleepMillis(1_500); // past the second window's close: the phase ended, nothing may be cancelled
        assertThat(answer).isEqualTo("headers");
        assertThat(aborts).hasValue(0);
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
