package org.xenproject.eliloader.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testpeers.NginxPeer;
import org.xenproject.eliloader.testpeers.Ports;
import org.xenproject.eliloader.testpeers.SambaPeer;
import org.xenproject.eliloader.testpeers.TinyproxyPeer;
import org.xenproject.eliloader.testpeers.VsftpdPeer;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.ProjectPaths;
import org.xenproject.eliloader.testsupport.RealPeers;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * A pool's hosts sharing one ordinary caching HTTP proxy (a second nginx with {@code proxy_cache},
 * reached through the host's {@code http-proxy} or a VM's {@code install-proxy}): the mirror sends
 * each file once however many hosts start from it. ftp goes through a CONNECT-capable proxy
 * (tinyproxy); smb cannot and says so.
 */
@RealPeers
class PoolProxyTest {
    private static final String KERNEL = "/rhel7/images/pxeboot/vmlinuz";
    private static final String INITRD = "/rhel7/images/pxeboot/initrd.img";

    @TempDir
    static Path work;
    private static NginxPeer mirror;
    private static NginxPeer cachingProxy;

    @BeforeAll
    static void start() {
        mirror = NginxPeer.serve(ProjectPaths.trees(), work.resolve("mirror"));
        cachingProxy = NginxPeer.cachingProxy(work.resolve("proxy"));
    }

    @AfterAll
    static void stop() {
        for (NginxPeer peer : new NginxPeer[] {cachingProxy, mirror}) {
            if (peer != null) {
                peer.close();
            }
        }
    }

    private static VmStoreFixture rhel7(String repository) {
        return VmStoreFixture.vm().other("install-repository", repository).other("install-distro", "rhlike")
                .other("install-arch", "x86_64");
    }

    /** One VM start on a "host": its own cache directory and output directory. */
    private static BootHarness.Boot startOn(String host, VmStoreFixture vm, String... args) {
        return BootHarness.of(vm).in(work.resolve(host).resolve("run" + System.nanoTime()))
                .env("ELILOADER_CACHE_DIR", work.resolve(host).resolve("cache").toString())
                .args(Stream.concat(Stream.of("--keep-installing"), Stream.of(args)).toArray(String[]::new)).boot();
    }

    /** The mirror's access log lines for a path: {@code "GET /p HTTP/1.0" STATUS BYTES}. */
    private static List<String> mirrorLines(String path) throws IOException {
        try (Stream<String> lines = Files.lines(mirror.accessLog())) {
            return lines.filter(l -> l.contains(" " + path + " HTTP/")).toList();
        }
    }

    /** How many responses for the path carried the file's bytes (status 200). */
    private static long bodiesSent(String path) throws IOException {
        return mirrorLines(path).stream().filter(l -> l.contains("\" 200 ")).count();
    }

    @Test
    void twoHostsBehindOneCachingProxyGetEachFileFromTheMirrorOnce() throws IOException {
        String repository = mirror.url("rhel7");
        String hostProxy = "--http-proxy=" + cachingProxy.url("");
        BootHarness.Boot first = startOn("host-a", rhel7(repository), hostProxy);
        assertThat(first.status()).as(first.stderr()).isZero();
        BootHarness.Boot second = startOn("host-b", rhel7(repository), hostProxy);
        assertThat(second.status()).as(second.stderr()).isZero();
        assertThat(second.kernelBytes()).isEqualTo(BootHarness.tree("rhel7/images/pxeboot/vmlinuz"));
        assertThat(second.ramdiskBytes()).isEqualTo(BootHarness.tree("rhel7/images/pxeboot/initrd.img"));
        // a restart on host b: its own cache revalidates through the proxy (If-None-Match → 304)
        BootHarness.Boot restart = startOn("host-b", rhel7(repository), hostProxy);
        assertThat(restart.status()).as(restart.stderr()).isZero();
        assertThat(restart.kernelBytes()).isEqualTo(BootHarness.tree("rhel7/images/pxeboot/vmlinuz"));

        for (String path : List.of(KERNEL, INITRD, "/rhel7/.treeinfo")) {
            assertThat(bodiesSent(path)).as(path + ": " + mirrorLines(path)).isEqualTo(1);
        }
        // every request went through the proxy (absolute-URI requests in its log), none around it
        String proxyLog = Files.readString(cachingProxy.accessLog());
        assertThat(proxyLog).contains("GET " + mirror.url("rhel7/images/pxeboot/initrd.img") + " HTTP/1.1");
        assertThat(mirrorLines(INITRD)).allMatch(l -> l.contains("HTTP/1.0\""), "from nginx's proxy module");
        // and asked it to revalidate its copy before serving it
        assertThat(Files.readAllLines(cachingProxy.headersLog())).isNotEmpty()
                .allMatch(l -> l.endsWith("cache-control=max-age=0"));
    }

    @Test
    void aVmsInstallProxyReplacesTheHostsHttpProxy() {
        int nothingListens = Ports.free();
        BootHarness.Boot boot = startOn("host-c", rhel7(mirror.url("rhel7")).other("install-proxy",
                cachingProxy.url("")), "--http-proxy=http://127.0.0.1:" + nothingListens, "--no-cache");
        assertThat(boot.status()).as(boot.stderr()).isZero();
        assertThat(boot.kernelBytes()).isEqualTo(BootHarness.tree("rhel7/images/pxeboot/vmlinuz"));
    }

    @Test
    void aHostProxyThatIsNotAnHttpProxyUrlIsRefusedNamingTheSetting() {
        BootHarness.Boot boot = startOn("host-d", rhel7(mirror.url("rhel7")), "--http-proxy=socks5://u:Proxy-pw7@h:1");
        assertThat(boot.status()).isNotZero();
        assertThat(boot.stderr()).contains("INVALID_SOURCE").contains("http-proxy").doesNotContain("Proxy-pw7");
    }

    @Test
    void ftpGoesThroughTheProxyInConnectTunnels() {
        try (VsftpdPeer ftp = VsftpdPeer.serve(ProjectPaths.trees(), work.resolve("ftp"));
                TinyproxyPeer tinyproxy = TinyproxyPeer.start(work.resolve("tinyproxy"))) {
            BootHarness.Boot boot = startOn("host-e", rhel7(ftp.url("rhel7")), "--http-proxy=" + tinyproxy.url());
            assertThat(boot.status()).as(boot.stderr()).isZero();
            assertThat(boot.kernelBytes()).isEqualTo(BootHarness.tree("rhel7/images/pxeboot/vmlinuz"));
            assertThat(boot.ramdiskBytes()).isEqualTo(BootHarness.tree("rhel7/images/pxeboot/initrd.img"));
            // the control connection and the passive data connections, each a CONNECT
            assertThat(tinyproxy.log()).contains("CONNECT 127.0.0.1:" + ftp.port());
            assertThat(tinyproxy.log().lines().filter(l -> l.contains("Request") && l.contains(": CONNECT 127.0.0.1:"))
                    .count()).as(tinyproxy.log()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void aProxyThatAcceptsAndStaysSilentEndsAnFtpStartWithinTheReadTimeout() throws IOException {
        // the proxy never forwards, so no FTP server is needed behind it
        String repository = "ftp://127.0.0.1:" + Ports.free() + "/rhel7";
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();
            BootHarness.Boot boot = startOn("host-g", rhel7(repository),
                    "--http-proxy=http://127.0.0.1:" + silent.getLocalPort(), "--http-timeout=2", "--fetch-retries=0",
                    "--no-cache");
            assertThat(boot.status()).isNotZero();
            assertThat(boot.stderr()).contains("INVALID_SOURCE").contains(repository);
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(20));
        }
    }

    @Test
    void smbCannotUseTheProxyAndSaysSoInTheLogAndInProbe() {
        try (SambaPeer smb = SambaPeer.serve(ProjectPaths.trees(), work.resolve("smb"))) {
            String proxy = cachingProxy.url("");
            Run probe = Run.of(Map.of("ELILOADER_HTTP_PROXY", proxy, "ELILOADER_PROFILES_DIR", "/nonexistent"),
                    List.of("probe", "--repository", smb.guestUrl("rhel7"), "--distro", "rhlike", "--arch", "x86_64"));
            assertThat(probe.status()).as(probe.stderr()).isZero();
            assertThat(probe.stdout()).contains("connection: direct: smb cannot go through the HTTP proxy "
                    + "http://127.0.0.1:" + cachingProxy.port() + " (the host's http-proxy");
            // --debug echoes the log lines to the process's stderr
            java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
            java.io.PrintStream processStderr = System.err;
            BootHarness.Boot boot;
            System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
            try {
                boot = startOn("host-f", rhel7(smb.guestUrl("rhel7")), "--http-proxy=" + proxy, "--debug");
            } finally {
                System.setErr(processStderr);
            }
            assertThat(boot.status()).as(boot.stderr()).isZero();
            assertThat(log.toString(java.nio.charset.StandardCharsets.UTF_8))
                    .contains(": direct: smb cannot go through the HTTP proxy http://127.0.0.1:" + cachingProxy.port());
        }
    }
}
