package org.xenproject.eliloader.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.error.HostileInput;
import org.xenproject.eliloader.initrd.compression.Compression;
import org.xenproject.eliloader.round.pygrub.PartitionTable;
import org.xenproject.eliloader.source.InstallSource;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.source.SourceFactory;
import org.xenproject.eliloader.source.SourceOptions;
import org.xenproject.eliloader.testsupport.Run;

/**
 * Hostile inputs of every class the issue names, each a named error (never INTERNAL_ERROR, never a
 * hang), in the style of the ISO hostile-image tests. The classes with their own suites:
 * kills ({@code boot.KillSafetyTest}), secrets ({@code cli.SecretsInOutputTest}), paths
 * ({@code source.HostilePathsTest}), site profiles ({@code profile.HostileProfilesTest}), ISO
 * images ({@code source.iso.IsoHostileImageTest}); random and mutated input for each parser:
 * {@link ParserFuzzTest}.
 */
@Timeout(60)
class HostileInputTest {
    @TempDir
    Path dir;

    /** A disk with a protective MBR and a GPT header whose fields {@code header} may change. */
    static byte[] gptDisk(long entriesLba, long first, long last) {
        ByteBuffer disk = ByteBuffer.allocate(8 * 512).order(ByteOrder.LITTLE_ENDIAN);
        disk.put(446 + 4, (byte) 0xee);
        disk.putInt(446 + 8, 1);
        disk.putInt(446 + 12, 7);
        disk.put(510, (byte) 0x55);
        disk.put(511, (byte) 0xaa);
        disk.put(512, "EFI PART".getBytes(StandardCharsets.US_ASCII));
        disk.putLong(512 + 72, entriesLba);
        disk.putInt(512 + 80, 4);
        disk.putInt(512 + 84, 128);
        disk.putLong(1024, 0x0FC63DAF84834772L); // a type GUID: the entry is used
        disk.putLong(1024 + 8, 0x8E793D69D8477DE4L);
        disk.putLong(1024 + 32, first);
        disk.putLong(1024 + 40, last);
        return disk.array();
    }

    @Test
    void gptEntriesLbaThatOverflowsAPositionIsAnIoError() throws IOException {
        Path ok = Files.write(dir.resolve("ok.img"), gptDisk(2, 3, 7));
        assertThat(PartitionTable.read(ok)).hasSize(1);
        for (byte[] bad : new byte[][] {gptDisk(Long.MAX_VALUE / 256, 3, 7), gptDisk(-1, 3, 7), gptDisk(2, 3, Long.MAX_VALUE),
                gptDisk(2, 9, 3), gptDisk(2, Long.MIN_VALUE, 3)}) {
            Path disk = Files.write(dir.resolve("bad.img"), bad);
            assertThatThrownBy(() -> PartitionTable.read(disk)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void lzmaAskingForAHugeDictionaryIsLimits() {
        ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        header.put((byte) 0x5d).putInt(1 << 30).putLong(-1L); // 1 GiB: over the limit of any heap
        InputStream in = new ByteArrayInputStream(header.array());
        assertThatThrownBy(() -> Compression.LZMA.decoder(in).read()).isInstanceOfSatisfying(BootloaderException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.LIMITS));
    }

    @Test
    void theDecoderMemoryLimitFollowsTheHeap() throws Exception {
        java.lang.reflect.Method limit = Compression.class.getDeclaredMethod("memoryLimitKib", long.class);
        limit.setAccessible(true);
        // the launcher's -Xmx128m: the 200 MiB dictionary is refused, xz -9's 64 MiB is not
        int kib = (int) limit.invoke(null, 128L << 20);
        assertThat(kib).isLessThan(200 << 10).isGreaterThan(66 << 10);
        assertThat((int) limit.invoke(null, 8L << 30)).isEqualTo(256 << 10);
    }

    @Test
    void aNegativeContentLengthIsANamedError() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        byte[] buf = new byte[4096];
                        in.read(buf);
                        out.write("HTTP/1.1 200 OK\r\nContent-Length: -5\r\nConnection: close\r\n\r\nkernel"
                                .getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            Repository repo = Repository.parse("http://127.0.0.1:" + server.getLocalPort() + "/tree");
            try (InstallSource source = SourceFactory.open(repo, SourceOptions.defaults()
                    .withRetry(new org.xenproject.eliloader.source.RetryPolicy(0, java.time.Duration.ofMillis(1),
                            java.time.Duration.ofMillis(1))))) {
                assertThatThrownBy(() -> {
                    try (InstallSource.Resource r = source.open("vmlinuz")) {
                        r.stream().readAllBytes();
                    }
                }).isInstanceOfSatisfying(BootloaderException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
                    assertThat(e.getMessage()).startsWith("The server sent an invalid Content-Length (\"-5\")");
                });
            }
        }
    }

    @Test
    void anUnnamedFailureWhileReadingOutsideDataIsInvalidSourceNamingThePlace() {
        IllegalArgumentException e = new IllegalArgumentException("Negative position");
        e.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("sun.nio.ch.FileChannelImpl", "read", null, 1),
            new StackTraceElement("org.xenproject.eliloader.round.pygrub.PartitionTable", "gpt", null, 1),
            new StackTraceElement("org.xenproject.eliloader.round.pygrub.DomULoaderProbe", "run", null, 1)});
        BootloaderException named = HostileInput.classify(e);
        assertThat(named.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
        assertThat(named.getMessage()).startsWith("Cannot read the boot disk's partition table:")
                .contains("IllegalArgumentException in PartitionTable.gpt");

        StackOverflowError deep = new StackOverflowError();
        deep.setStackTrace(new StackTraceElement[] {new StackTraceElement("org.xenproject.eliloader.xmlrpc.XmlRpc",
                "value", null, 1)});
        assertThat(HostileInput.classify(deep).code()).isEqualTo(ErrorCode.LIMITS);

        IllegalStateException ours = new IllegalStateException("bug");
        ours.setStackTrace(new StackTraceElement[] {new StackTraceElement("org.xenproject.eliloader.cli.BootCommand",
                "run", null, 1)});
        assertThat(HostileInput.classify(ours)).isNull();
    }

    @Test
    void aHundredKilobyteRepositoryGivesABoundedSentence() {
        Run run = Run.of(java.util.List.of("probe", "--repository", "http://h/" + "x".repeat(100_000) + "\u0001"));
        String[] lines = run.stderr().split("\n");
        assertThat(run.status()).isNotZero();
        assertThat(lines[lines.length - 1]).hasSizeLessThan(1600).doesNotContain("\u0001");
    }
}
