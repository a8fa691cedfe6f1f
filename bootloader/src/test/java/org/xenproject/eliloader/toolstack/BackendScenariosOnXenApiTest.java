package org.xenproject.eliloader.toolstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.xenproject.eliloader.testpeers.XapiTestServer;
import org.xenproject.eliloader.testsupport.VmStoreFixture;

/**
 * The backend scenarios through XenAPI: the test server on a unix socket, as dom0's xapi.
 * Every run must also log in as eliloader and log out again.
 */
class BackendScenariosOnXenApiTest extends BackendScenarios {

    @Override
    protected Backend open(Path dir, VmStoreFixture fixture) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        XapiTestServer server = XapiTestServer.start(dir.resolve("xapi")).load(fixture.writeTo(dir.resolve("vms.json")));
        return new Backend() {
            @Override
            public Map<String, String> environment() {
                return Map.of("ELILOADER_XAPI", server.socketPath().toString());
            }

            @Override
            public Map<String, Object> vm() {
                return server.vm(VM);
            }

            @Override
            public void close() {
                try {
                    assertThat(server.liveSessions()).as("sessions left open").isZero();
                    assertThat(server.logins()).as("logins").isNotEmpty().allSatisfy(login -> {
                        assertThat(login.originator()).isEqualTo("eliloader");
                        assertThat(login.version()).isEqualTo("1.0");
                        assertThat(login.user()).isEmpty();
                        assertThat(login.transport()).isEqualTo("unix");
                    });
                } finally {
                    server.close();
                }
            }
        };
    }
}
