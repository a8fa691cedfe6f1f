package org.xenproject.eliloader.install;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import org.xenproject.eliloader.config.InstallKey;
import org.xenproject.eliloader.config.InstallSettings;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.Secrets;
import org.xenproject.eliloader.round.CallerRequest;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.toolstack.Vbd;
import org.xenproject.eliloader.toolstack.VmRecord;

/**
 * Everything one install start is given: the VM (its record and its install settings), the
 * host settings, and what the caller asked for.
 *
 * @param vm the VM record as read (never changed by the {@link Installer})
 * @param install the VM's install settings, parsed from its other-config
 * @param host the host settings
 * @param caller what the caller asked for
 * @param repositorySecret the repository password, looked up only if a source needs it
 * @param treeOverride where the tree's files are read when it is not the VM's repository
 *        ({@code probe --cdrom} reads a CD's tree over a URL); null for every VM start
 */
public record InstallRequest(VmRecord vm, InstallSettings install, Settings host, CallerRequest caller,
        Supplier<String> repositorySecret, Repository treeOverride) {

    public InstallRequest {
        if (repositorySecret == null) {
            repositorySecret = () -> null;
        }
    }

    /**
     * A VM start: the install settings come from the record, and the secret it names is looked up
     * with {@code secretByUuid} when a source asks for it.
     */
    public static InstallRequest forVm(VmRecord vm, Settings host, CallerRequest caller,
            Function<String, String> secretByUuid) {
        InstallSettings install = InstallSettings.of(vm.uuid(), vm.otherConfig());
        String secretUuid = install.repositorySecret();
        Supplier<String> secret = secretUuid == null ? () -> null : () -> {
            String value = secretByUuid.apply(secretUuid);
            Secrets.register(value);
            return value;
        };
        return new InstallRequest(vm, install, host, caller, secret, null);
    }

    /**
     * A developer's {@code probe}: a VM that exists only for this run, with these install keys,
     * reading the tree at {@code tree} (also when the install is a CD install).
     */
    public static InstallRequest forProbe(Map<String, String> otherConfig, Settings host, CallerRequest caller,
            Repository tree) {
        // the disks of a typical VM being installed: the system disk, and for a CD install the CD
        List<Vbd> vbds = new ArrayList<>();
        vbds.add(new Vbd("probe-disk", "0", false, "Disk", "RW", "", false, Map.of()));
        if ("cdrom".equals(otherConfig.get(InstallKey.REPOSITORY.key()))) {
            vbds.add(new Vbd("probe-cd", "3", true, "CD", "RO", "", false, Map.of()));
        }
        VmRecord vm = new VmRecord("probe", "probe", "eliloader", "", "", otherConfig, Map.of(), vbds);
        return new InstallRequest(vm, InstallSettings.of(vm.uuid(), otherConfig), host, caller, null, tree);
    }
}
