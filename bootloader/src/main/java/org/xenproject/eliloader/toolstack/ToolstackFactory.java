package org.xenproject.eliloader.toolstack;

import java.nio.file.Files;
import java.nio.file.Path;

import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.toolstack.local.LocalJsonStore;

/** Chooses the VM record backend: a named local store, else XenAPI. */
public final class ToolstackFactory {
    static final String[] XAPI_SOCKETS = {"/var/lib/xcp/xapi", "/var/xapi/xapi"};

    private ToolstackFactory() {
    }

    public static Toolstack open(Settings settings) {
        if (settings.get(Setting.VM_STORE).isPresent()) {
            return LocalJsonStore.open(settings.path(Setting.VM_STORE).get());
        }
        String where = settings.get(Setting.XAPI).orElse(null);
        if (where == null) {
            for (String socket : XAPI_SOCKETS) {
                if (Files.exists(Path.of(socket))) {
                    where = socket;
                    break;
                }
            }
        }
        throw new BootloaderException(ErrorCode.INTERNAL_ERROR, where == null
                ? "No VM record backend: no local store is named (--vm-store=FILE or ELILOADER_VM_STORE) and no xapi"
                        + " socket exists at " + String.join(" or ", XAPI_SOCKETS) + "."
                : "No VM record backend: this build has no XenAPI client for " + where
                        + "; name a local store with --vm-store=FILE or ELILOADER_VM_STORE.");
    }
}
