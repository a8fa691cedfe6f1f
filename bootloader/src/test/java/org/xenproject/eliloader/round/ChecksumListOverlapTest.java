package org.xenproject.eliloader.round;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testpeers.NginxPeer;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * Over http the tree's checksum list is read while the boot files' requests go out, not before
 * them (a round trip or two less per run over a slow link), and the files are still verified
 * against it: nginx sends each {@code SHA256SUMS} at 60 bytes a second (about 3 s), and its
 * timing log shows the kernel and initrd asked for while the list was still on its way.
 */
@RealPeers
class ChecksumListOverlapTest {
    private static NginxPeer nginx;

    @TempDir
    static Path work;

    @TempDir
    Path dir;

    @BeforeAll
    static void serve() {
        Path debian = ProjectPaths.trees().resolve("debian");
        nginx = NginxPeer.serveTimed(ProjectPaths.trees(), work.resolve("nginx"),
                // (nginx takes the first regex location that matches: the hostile one first)
                // a hostile list: its headers and first bytes, then a byte a second, forever slower
                // than the low-speed rule
                "location ~ ^/debian-drip/.*/SHA256SUMS$ { limit_rate_after 300; limit_rate 1; alias " + debian
                        + "/dists/bookworm/main/installer-amd64/current/images/SHA256SUMS; }\n"
                        + "location ~ ^/debian-drip/(.*)$ { alias " + debian + "/$1; }\n"
                        + "location ~ /SHA256SUMS$ { limit_rate 60; }\n");
    }

    @AfterAll
    static void stop() {
        nginx.close();
    }

    /** One request from the timing log: when it began and ended, in seconds. */
    private record Timed(double began, double ended, String request) { }

    private Map<String, Timed> requestsOf(String tree) throws IOException {
        List<String> lines = Files.readAllLines(nginx.timingLog());
        return lines.stream().map(line -> {
            String[] parts = line.split(" ", 3);
            double ended = Double.parseDouble(parts[0]);
            String request = parts[2].substring(1, parts[2].lastIndexOf('"')).replace(" HTTP/1.1", "");
            return new Timed(ended - Double.parseDouble(parts[1]), ended, request);
        }).filter(t -> t.request().startsWith("GET /" + tree + "/"))
                .collect(Collectors.toMap(t -> t.request().substring(t.request().lastIndexOf('/') + 1), t -> t,
                        (a, b) -> b));
    }

    private BootHarness.Boot roundOne(String tree, String... more) throws IOException {
        Path store = dir.resolve("store.json");
        VmStoreFixture.vm().other("install-repository", nginx.url(tree)).other("install-distro", "debianlike")
                .other("install-arch", "amd64").other("debian-release", "bookworm").writeTo(store);
        List<String> args = new java.util.ArrayList<>(List.of("--keep-installing", "--no-cache"));
        args.addAll(List.of(more));
        return BootHarness.onStore(store).outputDirectory(dir.resolve("out")).args(args.toArray(String[]::new))
                .boot();
    }

    @Test
    void theBootFilesAreAskedForWhileTheChecksumListArrivesAndAreVerifiedAgainstIt() throws IOException {
        BootHarness.Boot boot = roundOne("debian");

        assertThat(boot.status()).as(boot.stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(BootHarness.tree(
                "debian/dists/bookworm/main/installer-amd64/current/images/netboot/xen/vmlinuz"));
        Map<String, Timed> requests = requestsOf("debian");
        Timed sums = requests.get("SHA256SUMS");
        assertThat(sums.ended() - sums.began()).as("the list is slow").isGreaterThan(1.5);
        // sequential reading would ask for each file only after the list had ended
        assertThat(requests.get("vmlinuz").began()).as(requests.toString()).isLessThan(sums.ended() - 1);
        assertThat(requests.get("initrd.gz").began()).as(requests.toString()).isLessThan(sums.ended() - 1);
    }

    @Test
    void aFileThatDoesNotMatchTheLateListIsRefusedAndNothingIsLeft() throws IOException {
        BootHarness.Boot boot = roundOne("debian-badsum");

        assertThat(boot.errorCode()).isEqualTo("INVALID_SOURCE");
        assertThat(boot.stderr()).contains("does not match the sha256 checksum published in");
        assertThat(boot.filesLeft()).isEmpty();
        Map<String, Timed> requests = requestsOf("debian-badsum");
        assertThat(requests.get("SHA256SUMS").ended() - requests.get("SHA256SUMS").began()).isGreaterThan(1.5);
    }

    @Test
    void aListThatDripsEndsTheRoundWithinTheLowSpeedWindowAndLeavesNothing() throws IOException {
        long start = System.nanoTime();
        BootHarness.Boot boot = roundOne("debian-drip", "--speed-limit=100", "--speed-time=2", "--fetch-retries=0");
        long seconds = java.time.Duration.ofNanos(System.nanoTime() - start).toSeconds();

        // the copies wait for the list; the list's own low-speed rule ends the wait, with its error
        assertThat(boot.errorCode()).as(boot.stderr()).isEqualTo("INVALID_SOURCE");
        assertThat(boot.stderr()).contains("SHA256SUMS", "slower than 100 bytes/s");
        assertThat(seconds).as("not the list's minutes").isLessThan(30);
        assertThat(boot.filesLeft()).isEmpty();
        assertThat(requestsOf("debian-drip")).containsKeys("vmlinuz", "initrd.gz");
    }
}
