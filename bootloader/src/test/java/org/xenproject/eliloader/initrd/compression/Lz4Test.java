package org.xenproject.eliloader.initrd.compression;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xenproject.eliloader.initrd.TestTools;

/** Our lz4 encoder against the real lz4 decoder, on the shapes that break block encoders. */
@org.xenproject.eliloader.testsupport.RealPeers
class Lz4Test {
    @TempDir
    Path tmp;

    static byte[] sample(String kind) {
        Random r = new Random(7);
        switch (kind) {
            case "empty": return new byte[0];
            case "tiny": return new byte[] {1, 2, 3};
            case "twelve": return "abcdabcdabcd".getBytes();
            case "zeros": return new byte[(8 << 20) + 12345];
            case "random": {
                byte[] b = new byte[300_000];
                r.nextBytes(b);
                return b;
            }
            case "mixed": {
                byte[] b = new byte[(9 << 20)];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) (i % 5000 < 2500 ? r.nextInt(4) : r.nextInt(256));
                }
                return b;
            }
            default: throw new IllegalArgumentException(kind);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"empty", "tiny", "twelve", "zeros", "random", "mixed"})
    void realLz4DecodesWhatWeWriteAndWeDecodeIt(String kind) throws IOException {
        byte[] data = sample(kind);
        for (Compression c : new Compression[] {Compression.LZ4_LEGACY, Compression.LZ4_FRAME}) {
            Path file = tmp.resolve(kind + "." + c);
            try (OutputStream out = c.encoder(Files.newOutputStream(file))) {
                out.write(data);
            }
            Path back = TestTools.decompress(file, c, tmp.resolve(kind + "." + c + ".out"));
            assertThat(Files.readAllBytes(back)).as(kind + " " + c).isEqualTo(data);
            try (InputStream in = c.decoder(Files.newInputStream(file))) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
        }
    }
}
