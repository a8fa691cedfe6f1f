package org.xenproject.eliloader.source.nfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.testpeers.GaneshaPeer;

/**
 * An export that, like Linux's default "secure" exports, answers only clients whose
 * source port is below 1024. The tests run as root, so the default options can bind one.
 */
@org.xenproject.eliloader.testsupport.RealPeers
class NfsSourcePrivilegedPortTest {
    private static final NfsOptions OPTIONS = NfsOptions.defaults()
            .withConnectTimeout(Duration.ofSeconds(5))
            .withCallTimeout(Duration.ofSeconds(10));

    @TempDir
    static Path tree;
    static GaneshaPeer peer;

    @BeforeAll
    static void startServer() throws IOException {
        Files.writeString(tree.resolve("file.txt"), "secure\n");
        peer = GaneshaPeer.start(tree, true);
    }

    @AfterAll
    static void stopServer() {
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void theDefaultReservedSourcePortIsAccepted() throws Exception {
        assertThat(System.getProperty("user.name")).as("these tests run as root").isEqualTo("root");
        try (NfsSource source = NfsSource.connect(NfsLocation.parse(peer.url()), OPTIONS);
             InputStream in = source.open("file.txt").stream()) {
            assertThat(in.readAllBytes()).isEqualTo("secure\n".getBytes());
        }
    }

    @Test
    void anOrdinarySourcePortIsRefusedWithAHint() {
        assertThatThrownBy(() -> {
            try (NfsSource source = NfsSource.connect(NfsLocation.parse(peer.url()),
                    OPTIONS.withReservedSourcePort(false))) {
                source.open("file.txt");
            }
        }).isInstanceOf(BootloaderException.class)
                // ganesha checks the port on NFS calls only; FSINFO is the first of them
                .hasMessage("NFS server 127.0.0.1 port 2049 (NFS v3): NFS v3 FSINFO: credentials rejected"
                        + " (AUTH_TOOWEAK); the server may insist on a privileged source port or on Kerberos");
    }
}
