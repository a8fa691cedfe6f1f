package org.xenproject.eliloader.cli;

import java.io.PrintStream;

import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.toolstack.xl.XlIdentity;
import org.xenproject.eliloader.toolstack.xl.XlToolstack;

/**
 * A start under xl ({@code bootloader="eliloader"} with the install keys in {@code bootloader_args}):
 * which VM it is ({@link XlIdentity}) and its state ({@link XlToolstack}). libxl runs the
 * bootloader with the environment reduced to {@code TERM=vt100}, so host settings come from
 * {@code /etc/eliloader/eliloader.conf} or from options in {@code bootloader_args}.
 */
final class XlStart {
    private XlStart() {
    }

    static XlToolstack open(CommandLine commandLine, Settings settings, PrintStream console) {
        for (Setting record : new Setting[] {Setting.VM_STORE, Setting.XAPI}) {
            if (commandLine.settings.containsKey(record)) {
                throw BootloaderException.usage("--" + record.key() + " names a VM record, but the install settings are"
                        + " on the command line (" + String.join(", ", commandLine.installKeys.keySet().stream()
                                .map(k -> "--" + k).toList()) + "), which is the xl form: use one or the other.");
            }
        }
        String name = XlIdentity.resolve(commandLine.vmUuid, commandLine.domid, commandLine.outputDirectory,
                commandLine.output, settings.requirePath(Setting.XENSTORE_READ));
        return XlToolstack.open(settings.requirePath(Setting.XL_STATE_DIR), name, commandLine.installKeys,
                commandLine.disk, console);
    }
}
