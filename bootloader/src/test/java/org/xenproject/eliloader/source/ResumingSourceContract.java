package org.xenproject.eliloader.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/**
 * The contract of schemes that resume a broken transfer where it stopped (http, https, ftp, smb):
 * the backend breaks the connection after the first MiB, and the stream still delivers the whole
 * file, byte for byte.
 */
public abstract class ResumingSourceContract extends NetworkSourceContract {
    @Test
    void aBrokenTransferIsResumedWhereTheSchemeCan() throws Exception {
        try (InstallSource source = open(); InstallSource.Resource r = source.open(BIG)) {
            InputStream in = r.stream();
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            byte[] head = new byte[1 << 20];
            SourceFixtures.readFully(in, head);
            md5.update(head);
            backend.dropConnections();
            byte[] buffer = new byte[1 << 16];
            long total = head.length;
            int n;
            while ((n = in.read(buffer)) > 0) {
                md5.update(buffer, 0, n);
                total += n;
            }
            in.close();
            assertThat(total).isEqualTo(BIG_SIZE);
            assertThat(HexFormat.of().formatHex(md5.digest())).isEqualTo(SourceFixtures.md5(tree.resolve(BIG)));
        }
    }
}
