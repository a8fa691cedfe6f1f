package org.xenproject.eliloader.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.source.SourceFixtures.WorkDir;
import org.xenproject.eliloader.testpeers.NginxPeer;
import org.xenproject.eliloader.testpeers.Ports;
import org.xenproject.eliloader.testpeers.TinyproxyPeer;

/** {@code install-proxy} with a real tinyproxy: plain http forwarding, https through CONNECT, Basic auth. */
@org.xenproject.eliloader.testsupport.RealPeers
class HttpProxyTest {
    private static WorkDir work;
    private static NginxPeer nginx;
    private static TinyproxyPeer proxy;
    private static TinyproxyPeer authProxy;

    @BeforeAll
    static void start() throws Exception {
        work = SourceFixtures.workDir("proxy");
        Files.copy(SourceFixtures.fixtureTree().resolve(SourceFixtures.KERNEL),
                work.mkdirs("tree/images/xen").resolve("vmlinuz"));
        nginx = NginxPeer.serveWithTls(work.resolve("tree"), work.resolve("nginx"));
        proxy = TinyproxyPeer.start(work.resolve("proxy"));
        authProxy = TinyproxyPeer.start(work.resolve("auth-proxy"), "proxyuser", "Proxy-pw1");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {authProxy, proxy, nginx, work}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // keep closing the others
            }
        }
    }

    private static String fetch(String base, String proxyUrl) throws Exception {
        SourceOptions options = SourceFixtures.quickOptions().withCaFile(nginx.caCert()).withProxy(proxyUrl);
        try (InstallSource source = SourceFactory.open(Repository.parse(base), options);
                InstallSource.Resource r = source.open("images/xen/vmlinuz")) {
            assertThat(source.exists("images/xen/vmlinuz")).isTrue();
            return SourceFixtures.md5(r.stream());
        }
    }

    private static String kernelMd5() {
        return SourceFixtures.md5(SourceFixtures.fixtureTree().resolve(SourceFixtures.KERNEL));
    }

    @Test
    void httpGoesThroughTheProxy() throws Exception {
        assertThat(fetch(nginx.url(""), proxy.url())).isEqualTo(kernelMd5());
        assertThat(proxy.log()).contains("GET " + nginx.url("images/xen/vmlinuz"));
    }

    @Test
    void theRepositoryCredentialsNeverReachTheProxy() throws Exception {
        String base = nginx.url("").replace("http://", "http://webuser:Repo-pw9@");
        assertThat(fetch(base, proxy.url())).isEqualTo(kernelMd5());
        assertThat(proxy.log()).contains("GET " + nginx.url("images/xen/vmlinuz")).doesNotContain("Repo-pw9")
                .doesNotContain("webuser");
    }

    @Test
    void httpsGoesThroughAConnectTunnel() throws Exception {
        assertThat(fetch(nginx.httpsUrl(""), proxy.url() + "/")).isEqualTo(kernelMd5());
        assertThat(proxy.log()).contains("CONNECT 127.0.0.1:" + nginx.httpsUrl("").replaceAll(".*:(\\d+)/$", "$1"));
    }

    @Test
    void proxyCredentialsAreSentForHttpAndConnect() throws Exception {
        String withAuth = "http://proxyuser:Proxy-pw1@127.0.0.1:" + authProxy.port();
        assertThat(fetch(nginx.url(""), withAuth)).isEqualTo(kernelMd5());
        assertThat(fetch(nginx.httpsUrl(""), withAuth)).isEqualTo(kernelMd5());
    }

    @Test
    void aProxyRefusingTheCredentialsIsInvalidSourceWithoutThePassword() {
        for (String base : List.of(nginx.url(""), nginx.httpsUrl(""))) {
            assertThatThrownBy(() -> fetch(base, "http://proxyuser:Wrong-pw@127.0.0.1:" + authProxy.port()))
                    .isInstanceOfSatisfying(BootloaderException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
                        // tinyproxy answers wrong credentials with 401 (not 407) to plain http requests
                        assertThat(e.getMessage()).contains("images/xen/vmlinuz").containsPattern("HTTP 40[17]")
                                .contains("proxy http://proxyuser@127.0.0.1:" + authProxy.port())
                                .doesNotContain("Wrong-pw").doesNotContain("attempts");
                    });
        }
    }

    @Test
    void aProxyWantingCredentialsSaysSo() {
        assertThatThrownBy(() -> fetch(nginx.url(""), authProxy.url()))
                .isInstanceOfSatisfying(BootloaderException.class,
                        e -> assertThat(e.getMessage()).contains("refused to forward requests without credentials"));
    }

    @Test
    void anUnreachableProxyIsInvalidSource() {
        int closed = Ports.free();
        assertThatThrownBy(() -> fetch(nginx.url(""), "http://127.0.0.1:" + closed))
                .isInstanceOfSatisfying(BootloaderException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
                    assertThat(e.getMessage()).contains(nginx.url("images/xen/vmlinuz"));
                });
    }

    @Test
    void proxyValuesAreValidated() {
        for (String bad : List.of("socks5://127.0.0.1:1080", "https://127.0.0.1:3128", "http://", "127.0.0.1:3128",
                "http://127.0.0.1:3128/path", "http://127.0.0.1:3128?x=1", "http://127.0.0.1:70000",
                "http://u:Secret-pw@127.0.0.1:3128/p")) {
            assertThatThrownBy(() -> SourceFactory.open(Repository.parse(nginx.url("")),
                    SourceFixtures.quickOptions().withProxy(bad)))
                    .as(bad)
                    .isInstanceOfSatisfying(BootloaderException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
                        assertThat(e.getMessage()).contains("install-proxy").doesNotContain("Secret-pw");
                    });
        }
    }
}
