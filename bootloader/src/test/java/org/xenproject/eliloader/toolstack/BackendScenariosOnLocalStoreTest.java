package org.xenproject.eliloader.toolstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.xenproject.eliloader.testsupport.VmStoreFixture;

/** The backend scenarios on the local JSON store. */
class BackendScenariosOnLocalStoreTest extends BackendScenarios {

    @Override
    protected Backend open(Path dir, VmStoreFixture fixture) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path store = fixture.writeTo(dir.resolve("vms.json"));
        return new Backend() {
            @Override
            public Map<String, String> environment() {
                return Map.of("ELILOADER_VM_STORE", store.toString());
            }

            @Override
            public Map<String, Object> vm() {
                return VmStoreFixture.read(store);
            }

            @Override
            public void close() {
                // a file in the test's directory
            }
        };
    }
}
