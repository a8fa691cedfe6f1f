package org.xenproject.eliloader.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testpeers.TreesOverHttp;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/** The requests a round 1 makes, counted in nginx's access log: no HEAD before a GET whose body is needed. */
@RealPeers
class RoundTripsTest {
    @RegisterExtension
    static final TreesOverHttp nginx = new TreesOverHttp();

    @TempDir
    Path dir;

    private List<String> requestsOf(VmStoreFixture vm) throws IOException {
        long before = lines().size();
        Path store = dir.resolve("store.json");
        vm.writeTo(store);
        Run run = BootHarness.onStore(store).outputDirectory(dir.resolve("out")).args("--keep-installing", "--no-cache")
                .boot().run();
        assertThat(run.status()).as(run.stderr()).isZero();
        List<String> all = lines();
        return all.subList((int) before, all.size()).stream().map(l -> l.substring(l.indexOf('"') + 1, l.indexOf(" HTTP/")))
                .toList();
    }

    private List<String> lines() throws IOException {
        nginx.url(""); // started
        Path log = nginx.accessLog();
        if (!Files.exists(log)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(log)) {
            return lines.toList();
        }
    }

    @Test
    void rhel7RoundOneIsTreeinfoKernelAndInitrd() throws IOException {
        List<String> requests = requestsOf(VmStoreFixture.vm().other("install-repository", nginx.url("rhel7"))
                .other("install-distro", "rhlike").other("install-arch", "x86_64"));
        assertThat(requests).noneMatch(r -> r.startsWith("HEAD "));
        assertThat(requests).as(requests.toString()).hasSize(3);
    }

    @Test
    void sles12RoundOneIsContentKernelAndInitrd() throws IOException {
        List<String> requests = requestsOf(VmStoreFixture.vm().other("install-repository", nginx.url("sles12"))
                .other("install-distro", "sleslike").other("install-arch", "x86_64"));
        // content decides the profile (no .treeinfo or media.1/products once it has) and, by the
        // HASH lines it publishes, the layout (no HEAD per candidate kernel): within the 4 allowed
        assertThat(requests).first().isEqualTo("GET /sles12/content"); // then the two files side by side
        assertThat(requests).as(requests.toString()).containsExactlyInAnyOrder("GET /sles12/content",
                "GET /sles12/boot/x86_64/loader/linux", "GET /sles12/boot/x86_64/loader/initrd");
    }

    @Test
    void debianRoundOne() throws IOException {
        List<String> requests = requestsOf(VmStoreFixture.vm().other("install-repository", nginx.url("debian"))
                .other("install-distro", "debianlike").other("install-arch", "amd64").other("debian-release", "bookworm"));
        assertThat(requests).noneMatch(r -> r.startsWith("HEAD "));
        // MANIFEST, the checksum list, the kernel, the initrd
        assertThat(requests).as(requests.toString()).hasSize(4);
    }
}
