package org.xenproject.eliloader.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.testsupport.BootHarness;
import org.xenproject.eliloader.testsupport.Run;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * Faults nginx cannot be made to show on demand: a body cut short of its Content-Length, and a
 * Content-Length over the limit announced before any byte. A raw socket server plays the broken
 * peer; RoundOneBootTest covers the same path with the real nginx.
 */
class TruncatedDownloadTest {
    @TempDir
    Path dir;

    @Test
    void bodyShorterThanContentLengthIsInvalidSourceAndLeavesNothing() throws Exception {
        try (BrokenServer server = new BrokenServer(1000, 10)) {
            Run run = boot(server.url());
            assertThat(run.errorCode()).isEqualTo("INVALID_SOURCE");
            assertThat(run.stderr()).contains(server.url() + "images/xen/vmlinuz");
            assertThat(BootHarness.filesIn(dir.resolve("out"))).isEmpty();
        }
    }

    @Test
    void announcedLengthOverTheLimitIsRefusedBeforeDownloading() throws Exception {
        try (BrokenServer server = new BrokenServer(64L << 20, 0)) {
            Run run = boot(server.url());
            assertThat(run.errorCode()).isEqualTo("LIMITS");
            assertThat(run.stderr()).contains(Long.toString(64L << 20)).contains(Long.toString(32L << 20));
            assertThat(BootHarness.filesIn(dir.resolve("out"))).isEmpty();
        }
    }

    private Run boot(String repository) {
        return BootHarness.of(VmStoreFixture.vm().other("install-repository", repository)).store(dir.resolve("s.json"))
                .outputDirectory(dir.resolve("out")).boot().run();
    }

    /** Answers every request for the boot files with a Content-Length it does not honour, then hangs up; 404 to the rest. */
    private static final class BrokenServer implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread thread;

        BrokenServer(long announced, int sent) throws IOException {
            socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket client = socket.accept()) {
                        byte[] request = new byte[8192];
                        int n = client.getInputStream().read(request);
                        String line = n <= 0 ? "" : new String(request, 0, n, StandardCharsets.US_ASCII).lines()
                                .findFirst().orElse("");
                        OutputStream out = client.getOutputStream();
                        if (!line.contains("/images/")) {
                            // the tree's metadata: really absent (a broken answer there is an error of its own)
                            out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            continue;
                        }
                        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + announced
                                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(new byte[sent]);
                        out.flush();
                    } catch (IOException e) {
                        // closed by the test
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/";
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
