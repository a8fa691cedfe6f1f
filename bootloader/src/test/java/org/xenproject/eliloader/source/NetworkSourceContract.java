package org.xenproject.eliloader.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.testpeers.Ports;

/** The contract of schemes that connect to a server (http, https, ftp, smb, nfs). */
public abstract class NetworkSourceContract extends InstallSourceContract {
    /**
     * The one rule for refused connections: INVALID_SOURCE at once, naming where, not retried (the
     * quick options would back off 100 + 200 + 400 ms before giving up otherwise).
     */
    @Test
    void aRefusedConnectionIsInvalidSourceAtOnceWithoutRetries() {
        int port = Ports.free();
        String repository = backend.refusedRepository(port);
        assertThat(repository).as("a network scheme names where nothing listens").isNotNull();
        long start = System.nanoTime();
        BootloaderException e = invalidSource(() -> {
            try (InstallSource source = SourceFactory.open(Repository.parse(repository), backend.options())) {
                source.open(SMALL);
            }
        });
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(e.getMessage()).contains("127.0.0.1").contains(Integer.toString(port)).doesNotContain("gave up");
        assertThat(millis).as("no backoff for a refused connection").isLessThan(600);
    }
}
