package org.xenproject.eliloader.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.round.BoundedCopy;
import org.xenproject.eliloader.round.FetchedFile;

/**
 * The copy and the resume machinery on their own, with an in-memory tree: limits with and
 * without an announced length, short transfers, resume offsets, the retry budget, masking.
 */
class SourceCopyTest {
    private static final byte[] DATA = new byte[300_000];

    static {
        for (int i = 0; i < DATA.length; i++) {
            DATA[i] = (byte) (i * 31 + 7);
        }
    }

    /** One file in memory; {@code announce} is the length it claims, -1 for none. */
    private static InstallSource memory(byte[] content, long announce) {
        return new InstallSource() {
            @Override
            public String describe(String path) {
                return "mem://tree/" + path;
            }

            @Override
            public boolean exists(String path) {
                return true;
            }

            @Override
            public Resource open(String path) {
                InputStream in = new ByteArrayInputStream(content);
                return new Resource() {
                    @Override
                    public OptionalLong length() {
                        return announce < 0 ? OptionalLong.empty() : OptionalLong.of(announce);
                    }

                    @Override
                    public InputStream stream() {
                        return in;
                    }

                    @Override
                    public void close() {
                    }
                };
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void copiesWithLengthAndMd5(@TempDir Path dir) {
        FetchedFile f = BoundedCopy.fetch(memory(DATA, DATA.length), "k", "kernel", DATA.length, dir.resolve("k"));
        assertThat(f.size()).isEqualTo(DATA.length);
        assertThat(dir.resolve("k")).hasBinaryContent(DATA);
        assertThat(f.md5Hex()).hasSize(32);
    }

    @Test
    void theMd5IsLeftOutWhenNothingNeedsItAndThenReadFromTheFile(@TempDir Path dir) throws Exception {
        FetchedFile f = BoundedCopy.fetch(memory(DATA, DATA.length), "k", "initrd", DATA.length, dir.resolve("k"), null,
                false);
        assertThat(f.md5Hex()).isNull();
        assertThat(dir.resolve("k")).hasBinaryContent(DATA);
        assertThat(f.md5()).isEqualTo(hex("MD5", DATA));
    }

    @Test
    void digestsComputedOnTheDigestThreadMatchTheBytes(@TempDir Path dir) throws Exception {
        byte[] big = new byte[3_000_001]; // several buffers, the last one partly filled
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 131 + (i >>> 9));
        }
        BoundedCopy.Expected sha = new BoundedCopy.Expected("sha256", hex("SHA-256", big), "SHA256SUMS");
        FetchedFile f = BoundedCopy.fetch(memory(big, big.length), "i", "initrd", big.length, dir.resolve("i"), sha, true);
        assertThat(f.md5Hex()).isEqualTo(hex("MD5", big));
        assertThat(f.verified()).isTrue();
        assertThat(dir.resolve("i")).hasBinaryContent(big);

        BoundedCopy.Expected wrong = new BoundedCopy.Expected("sha256", hex("SHA-256", DATA), "SHA256SUMS");
        assertThatThrownBy(() -> BoundedCopy.fetch(memory(big, big.length), "i", "initrd", big.length, dir.resolve("j"),
                wrong, false)).isInstanceOfSatisfying(BootloaderException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
                    assertThat(e.getMessage()).contains("does not match the sha256 checksum");
                });
        BoundedCopy.Expected md5 = new BoundedCopy.Expected("md5", hex("MD5", big), "MD5SUMS");
        assertThat(BoundedCopy.fetch(memory(big, big.length), "i", "initrd", big.length, dir.resolve("k"), md5, false)
                .md5Hex()).as("a published MD5 is always computed").isEqualTo(hex("MD5", big));
    }

    private static String hex(String algorithm, byte[] data) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance(algorithm).digest(data));
    }

    @Test
    void anAnnouncedLengthOverTheLimitIsRefusedBeforeReading(@TempDir Path dir) {
        assertThatThrownBy(() -> BoundedCopy.fetch(memory(DATA, DATA.length), "k", "kernel", 1000, dir.resolve("k")))
                .isInstanceOfSatisfying(BootloaderException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.LIMITS);
                    assertThat(e.getMessage()).contains("mem://tree/k").contains("1000");
                });
    }

    @Test
    void withoutAnAnnouncedLengthTheBytesAreCounted(@TempDir Path dir) {
        assertThatThrownBy(() -> BoundedCopy.fetch(memory(DATA, -1), "k", "initrd", 1000, dir.resolve("k")))
                .isInstanceOfSatisfying(BootloaderException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.LIMITS);
                    assertThat(e.getMessage()).contains("at least");
                });
    }

    @Test
    void aFileShorterThanAnnouncedIsInvalidSource(@TempDir Path dir) {
        assertThatThrownBy(() -> BoundedCopy.fetch(memory(DATA, DATA.length + 5), "k", "kernel", 1 << 20, dir.resolve("k")))
                .isInstanceOfSatisfying(BootloaderException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE);
                    assertThat(e.getMessage()).contains("cut short");
                });
    }

    /** A stream that breaks after {@code breakAfter} bytes. */
    private static InputStream breaking(long from, long breakAfter) {
        return new InputStream() {
            private long position = from;
            private long served;

            @Override
            public int read() throws IOException {
                if (position >= DATA.length) {
                    return -1;
                }
                if (served++ >= breakAfter) {
                    throw new IOException("connection reset");
                }
                return DATA[(int) position++] & 0xff;
            }
        };
    }

    @Test
    void aBrokenStreamIsResumedAtTheExactOffsetUntilComplete() throws IOException {
        List<Long> offsets = new ArrayList<>();
        Attempts attempts = new Attempts(new RetryPolicy(5, Duration.ZERO, Duration.ZERO), Duration.ofSeconds(30), "mem");
        try (ResumableStream in = new ResumableStream(breaking(0, 100_000), offset -> {
            offsets.add(offset);
            return breaking(offset, 100_000);
        }, attempts, OptionalLong.of(DATA.length))) {
            assertThat(in.readAllBytes()).isEqualTo(DATA);
            assertThat(in.position()).isEqualTo(DATA.length);
        }
        assertThat(offsets).containsExactly(100_000L, 200_000L);
        assertThat(attempts.retriesUsed()).isEqualTo(2);
    }

    @Test
    void anEarlyEndOfStreamCountsAsABreakWhenTheLengthIsKnown() throws IOException {
        List<Long> offsets = new ArrayList<>();
        Attempts attempts = new Attempts(new RetryPolicy(2, Duration.ZERO, Duration.ZERO), Duration.ofSeconds(30), "mem");
        InputStream truncated = new ByteArrayInputStream(Arrays.copyOf(DATA, 1000));
        try (ResumableStream in = new ResumableStream(truncated, offset -> {
            offsets.add(offset);
            return new ByteArrayInputStream(DATA, (int) offset, DATA.length - (int) offset);
        }, attempts, OptionalLong.of(DATA.length))) {
            assertThat(in.readAllBytes()).isEqualTo(DATA);
        }
        assertThat(offsets).containsExactly(1000L);
    }

    @Test
    void theRetryBudgetIsBounded() {
        Attempts attempts = new Attempts(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20)),
                Duration.ofSeconds(30), "mem");
        List<Long> offsets = new ArrayList<>();
        assertThatThrownBy(() -> {
            try (ResumableStream in = new ResumableStream(breaking(0, 10), offset -> {
                offsets.add(offset);
                return breaking(offset, 0);
            }, attempts, OptionalLong.of(DATA.length))) {
                in.readAllBytes();
            }
        }).isInstanceOf(IOException.class).hasMessageContaining("gave up after 3 attempts");
        assertThat(offsets).containsExactly(10L, 10L);
    }

    @Test
    void backoffDoublesUpToItsCeiling() {
        RetryPolicy policy = new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(8));
        assertThat(List.of(1, 2, 3, 4, 5, 6).stream().map(policy::backoff).map(Duration::toSeconds))
                .containsExactly(1L, 2L, 4L, 8L, 8L, 8L);
    }

    @Test
    void permanentFailuresAreNotRetried() {
        Attempts attempts = new Attempts(new RetryPolicy(5, Duration.ZERO, Duration.ZERO), Duration.ofSeconds(30), "mem");
        int[] calls = {0};
        assertThatThrownBy(() -> attempts.run(() -> {
            calls[0]++;
            throw new javax.net.ssl.SSLHandshakeException("PKIX path building failed");
        })).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        assertThat(calls[0]).isEqualTo(1);
    }

    @Test
    void passwordsAreMaskedInFreeText() {
        assertThat(Repository.maskAll("GET ftp://bob:s3cret@host/x failed; smb://dom;al:p@ss@srv/share too"))
                .isEqualTo("GET ftp://bob:***@host/x failed; smb://dom;al:***@srv/share too");
        assertThat(Repository.mask("smb://dom;al:p@ss@srv/share")).isEqualTo("smb://dom;al:***@srv/share");
        assertThat(Repository.maskAll("http://host/no/credentials")).isEqualTo("http://host/no/credentials");
    }
}
