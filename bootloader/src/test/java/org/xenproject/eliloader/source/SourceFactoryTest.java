package org.xenproject.eliloader.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.source.http.HttpSource;

/** The source opener: http(s) built ahead on a second thread, failures reported when asked for. */
class SourceFactoryTest {

    @Test
    void anHttpSourceIsBuiltAheadAndHandedOverWhenAskedFor() throws Exception {
        Supplier<InstallSource> opener = SourceFactory.opener(Repository.parse("http://127.0.0.1:9/tree"),
                SourceFixtures.quickOptions());
        try (InstallSource source = opener.get()) {
            assertThat(source).isInstanceOf(HttpSource.class);
            assertThat(source.describe("images/vmlinuz")).isEqualTo("http://127.0.0.1:9/tree/images/vmlinuz");
        }
    }

    @Test
    void aFailureWhileBuildingAheadIsReportedWhenTheSourceIsAskedForWithItsCode() {
        Supplier<InstallSource> opener = SourceFactory.opener(Repository.parse("http://127.0.0.1:9/tree"),
                SourceFixtures.quickOptions().withProxy("ftp://proxy.example:21"));
        assertThatThrownBy(opener::get).isInstanceOfSatisfying(BootloaderException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE)).hasMessageContaining("install-proxy");
    }

    @Test
    void otherSchemesAreOpenedOnlyWhenAskedFor() {
        // nothing listens on port 9: an eager nfs opener would fail here already
        Supplier<InstallSource> opener = SourceFactory.opener(Repository.parse("nfs://127.0.0.1:9/export/tree"),
                SourceFixtures.quickOptions());
        assertThatThrownBy(opener::get).isInstanceOf(BootloaderException.class);
    }
}
