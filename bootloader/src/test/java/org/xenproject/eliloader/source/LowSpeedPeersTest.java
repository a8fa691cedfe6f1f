package org.xenproject.eliloader.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.round.BoundedCopy;
import org.xenproject.eliloader.source.SourceFixtures.WorkDir;
import org.xenproject.eliloader.testpeers.LinkEmulator;
import org.xenproject.eliloader.testpeers.NginxPeer;
import org.xenproject.eliloader.testpeers.SambaPeer;
import org.xenproject.eliloader.testpeers.VsftpdPeer;
import org.xenproject.eliloader.testsupport.RealPeers;

/**
 * The low-speed rule where no file bytes arrive yet: real servers that drip what comes before the
 * file (nginx's response headers at a byte a second; vsftpd's control replies through a 200 bit/s
 * link) are never silent for the read timeout, so only the rule's window can end them, within
 * {@code speed-time} and without retries. Before, only the fetch timeout did (a round held 251 s).
 * Samba through the same 200 bit/s link: jcifs bounds each exchange by its timeouts, and the
 * window ends the attempts once it closes.
 */
@RealPeers
class LowSpeedPeersTest {
    private static final int SPEED_TIME_SECONDS = 3;
    private static WorkDir work;
    private static NginxPeer nginx;
    private static VsftpdPeer ftp;
    private static LinkEmulator slowControl;
    private static SambaPeer smb;
    private static LinkEmulator slowSmb;

    @BeforeAll
    static void start() {
        work = SourceFixtures.workDir("lowspeed");
        Path tree = work.mkdirs("tree");
        // big enough that once its bytes flow, they alone satisfy the rule
        SourceFixtures.randomFile(tree.resolve("vmlinuz"), 256 << 10, 3);
        nginx = NginxPeer.serve(tree, work.resolve("nginx"), false,
                "location /headers-drip/ { limit_rate 1; alias " + tree + "/; }");
        ftp = VsftpdPeer.serve(tree, work.resolve("ftp"));
        // 0.0002 Mbit/s = 25 bytes a second; the passive data connections go to vsftpd directly
        slowControl = LinkEmulator.to(ftp.port(), 0, 0.0002, work.resolve("linkem"));
        smb = SambaPeer.serve(tree, work.resolve("smb"));
        // smb has one connection: at 25 bytes a second its negotiation alone takes longer than the window
        slowSmb = LinkEmulator.to(smb.port(), 0, 0.0002, work.resolve("linkem-smb"));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable peer : new AutoCloseable[] {slowSmb, smb, slowControl, ftp, nginx, work}) {
            try {
                if (peer != null) {
                    peer.close();
                }
            } catch (Exception ignored) {
                // the next one still closes
            }
        }
    }

    /** Read timeout 5 s (longer than any pause of the drips), fetch timeout 60 s, 100 bytes/s over 3 s. */
    private static SourceOptions options() {
        return SourceOptions.defaults().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(60))
                .withRetry(new RetryPolicy(4, Duration.ofMillis(50), Duration.ofMillis(50))
                        .withLowSpeed(100, Duration.ofSeconds(SPEED_TIME_SECONDS)));
    }

    /** The fetch fails by the rule; {@code waiting}: while no answer had come (http, ftp), not after a failed call (smb). */
    private static long failsWithin(String url, boolean waiting) {
        Path target = work.path().resolve("fetched");
        long start = System.nanoTime();
        assertThatThrownBy(() -> {
            try (InstallSource source = SourceFactory.open(Repository.parse(url), options())) {
                BoundedCopy.fetch(source, "vmlinuz", "kernel", 1L << 30, target);
            }
        }).isInstanceOfSatisfying(BootloaderException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
            assertThat(e.getMessage()).contains("slower than 100 bytes/s").contains("(speed-limit, speed-time)");
            if (waiting) {
                assertThat(e.getMessage()).contains("while waiting for the server's answer");
            }
        });
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertThat(Files.exists(target)).as("nothing handed over").isFalse();
        return millis;
    }

    @Test
    void anHttpServerThatDripsItsHeadersIsGivenUpWithinTheWindow() throws Exception {
        long millis = failsWithin(nginx.url("headers-drip/"), true);
        assertThat(millis).isBetween(SPEED_TIME_SECONDS * 1000L - 100, SPEED_TIME_SECONDS * 1000L + 3_000);
        assertThat(nginx.requests("GET /headers-drip/vmlinuz")).as("not retried").isEqualTo(1);
    }

    @Test
    void theSameServerWithoutTheDripServesTheFile() throws Exception {
        fetchesTheWholeFile(nginx.url(""));
    }

    /** The rule leaves a healthy server alone: the file arrives whole under the same settings. */
    private static void fetchesTheWholeFile(String url) throws Exception {
        Path target = work.path().resolve("fetched-whole");
        try (InstallSource source = SourceFactory.open(Repository.parse(url), options())) {
            BoundedCopy.fetch(source, "vmlinuz", "kernel", 1L << 30, target);
        }
        assertThat(Files.size(target)).isEqualTo(256 << 10);
        Files.delete(target);
    }

    @Test
    void anFtpServerWhoseControlRepliesDripIsGivenUpWithinTheWindow() throws Exception {
        long millis = failsWithin("ftp://127.0.0.1:" + slowControl.port() + "/", true);
        // the greeting, login, TYPE, SIZE, MDTM, PASV and RETR replies take over 10 s at 25 bytes/s
        assertThat(millis).isBetween(SPEED_TIME_SECONDS * 1000L - 100, SPEED_TIME_SECONDS * 1000L + 3_000);
    }

    @Test
    void theFtpServerDirectlyServesTheFile() throws Exception {
        fetchesTheWholeFile(ftp.url(""));
    }

    @Test
    void anSmbServerThatDripsIsGivenUpWithinTheWindow() throws Exception {
        long millis = failsWithin("smb://127.0.0.1:" + slowSmb.port() + "/" + SambaPeer.GUEST_SHARE + "/", false);
        // each exchange ends within jcifs's timeouts (connect 2 s, read 5 s); attempts go on only while
        // the window lasts, then the rule ends the fetch (with the rule off: all 5 attempts, 10.5 s)
        assertThat(millis).isBetween(SPEED_TIME_SECONDS * 1000L - 100, 5_000L + 3_000);
    }

    @Test
    void theSmbServerDirectlyServesTheFile() throws Exception {
        fetchesTheWholeFile(smb.guestUrl(""));
    }
}
