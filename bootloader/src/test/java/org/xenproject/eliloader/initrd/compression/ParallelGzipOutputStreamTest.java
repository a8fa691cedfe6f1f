package org.xenproject.eliloader.initrd.compression;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.initrd.TestTools;

/** The multi-threaded gzip writer gives one ordinary gzip member, whatever the data and the write sizes. */
@org.xenproject.eliloader.testsupport.RealPeers
class ParallelGzipOutputStreamTest {
    @TempDir
    Path dir;

    /** Several 1 MiB blocks (so input and output buffers are reused), text-like and random parts, odd writes. */
    @Test
    void realGzipUnpacksExactlyWhatWasWritten() throws IOException {
        byte[] data = new byte[9 * (1 << 20) + 12345];
        Random random = new Random(42);
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ((i / (1 << 20)) % 3 == 1 ? random.nextInt() : "lib/modules/kernel/\n".charAt(i % 20));
        }
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (OutputStream out = new ParallelGzipOutputStream(compressed, 6, 2)) {
            int pos = 0;
            int step = 1;
            while (pos < data.length) {
                int n = Math.min(step, data.length - pos);
                out.write(data, pos, n);
                pos += n;
                step = step * 7 % 300_007 + 1;
            }
        }
        Path gz = Files.write(dir.resolve("out.gz"), compressed.toByteArray());
        Path plain = TestTools.decompress(gz, Compression.GZIP, dir.resolve("out"));
        assertThat(Files.mismatch(plain, Files.write(dir.resolve("expected"), data))).isEqualTo(-1L);
        assertThat(compressed.size()).as("the text-like blocks compress").isLessThan(data.length / 2);
    }

    @Test
    void nothingWrittenIsAnEmptyMember() throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        new ParallelGzipOutputStream(compressed, 6, 2).close();
        Path gz = Files.write(dir.resolve("empty.gz"), compressed.toByteArray());
        assertThat(TestTools.decompress(gz, Compression.GZIP, dir.resolve("empty"))).isEmptyFile();
    }
}
