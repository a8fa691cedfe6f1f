package org.xenproject.eliloader.toolstack;

import java.nio.file.Files;
import java.nio.file.Path;

import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.toolstack.local.LocalJsonStore;
import org.xenproject.eliloader.toolstack.xenapi.XenApiToolstack;

/**
 * Chooses the VM record backend: a named local store, else XenAPI at {@code --xapi} (socket
 * path or URL), else on the first of dom0's xapi sockets that exists. The XenAPI classes (and
 * the XML parser) are loaded only when XenAPI is used.
 */
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
        if (where == null) {
            throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "No VM record backend: no local store is named"
                    + " (--vm-store=FILE or ELILOADER_VM_STORE), no xapi is named (--xapi=SOCKET|URL or"
                    + " ELILOADER_XAPI) and no xapi socket exists at " + String.join(" or ", XAPI_SOCKETS) + ".");
        }
        return XenApiToolstack.connect(where, settings);
    }
}
