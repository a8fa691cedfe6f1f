package org.xenproject.eliloader.round;

import java.util.Map;

import org.xenproject.eliloader.config.BootFileLimits;
import org.xenproject.eliloader.config.InstallSettings;
import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.initrd.InitrdFixups;
import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.profile.Profile;
import org.xenproject.eliloader.profile.RunValues;
import org.xenproject.eliloader.profile.Template;
import org.xenproject.eliloader.source.InstallSource;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.source.TreeFiles;
import org.xenproject.eliloader.toolstack.VmRecord;

/**
 * What a round's actions read: the VM, its install settings, the chosen profile, the tree
 * (opened on first use, with its per-run cache of metadata files), the host settings, the
 * caller's request and where files for the caller are made. Actions never write into it; they
 * return what they produce ({@link Produced}).
 */
public final class InstallContext {
    private final VmRecord vm;
    private final InstallSettings settings;
    private final Profile profile;
    private final Repository repository;
    private final TreeFiles tree;
    private final HandoverFiles handover;
    private final Settings host;
    private final CallerRequest caller;
    private final BootFileLimits limits;
    private final Map<String, String> variables;
    /** Read on first use: only rounds that fetch an initrd need the map files. */
    private InitrdFixups initrdFixups;

    /**
     * @param profile the profile the install follows, already narrowed to this kind of install
     *        ({@link Profile#forInstall(boolean)})
     */
    public InstallContext(VmRecord vm, InstallSettings settings, Profile profile, Repository repository,
            TreeFiles tree, HandoverFiles handover, Settings host, CallerRequest caller) {
        this.vm = vm;
        this.settings = settings;
        this.profile = profile;
        this.repository = repository;
        this.tree = tree;
        this.handover = handover;
        this.host = host;
        this.caller = caller;
        this.limits = BootFileLimits.of(vm.platform());
        this.variables = variables(settings, profile);
    }

    /** The run's settings as profiles see them (built-in variables, required keys). */
    public static RunValues runValues(InstallSettings settings) {
        return new RunValues(settings.repository(), settings.arch(), settings::valueOf);
    }

    private static Map<String, String> variables(InstallSettings settings, Profile profile) {
        RunValues run = runValues(settings);
        for (String key : run.missing(profile)) {
            throw BootloaderException.unsupportedInstallMethod("other-config:" + key
                    + " is not set, and the " + profile.id() + " installer requires it.");
        }
        return run.variables(profile);
    }

    public VmRecord vm() {
        return vm;
    }

    public InstallSettings settings() {
        return settings;
    }

    public Profile profile() {
        return profile;
    }

    public Repository repository() {
        return repository;
    }

    /** The tree, opened the first time an action needs it. */
    public InstallSource source() {
        return tree.source();
    }

    /** The tree with its per-run cache of metadata files ({@code .treeinfo}, checksum lists, …). */
    public TreeFiles tree() {
        return tree;
    }

    /** The host settings (guest-installer directory, pygrub, …). */
    public Settings host() {
        return host;
    }

    /** What the caller asked for. */
    public CallerRequest caller() {
        return caller;
    }

    /** The map files of the host's guest-installer directory, read once per run. */
    public InitrdFixups initrdFixups() {
        if (initrdFixups == null) {
            initrdFixups = InitrdFixups.load(host.requirePath(Setting.GUEST_INSTALLER_DIR),
                    warning -> Log.info("map files: " + warning));
        }
        return initrdFixups;
    }

    public HandoverFiles handover() {
        return handover;
    }

    public BootFileLimits limits() {
        return limits;
    }

    /** Expands a profile template with this run's variables. */
    public String expand(String template) {
        return Template.expand(template, variables, profile.origin());
    }

    /** {@code PV-bootloader-args} as the round leaves them so far: the last an action decided on, else the VM's. */
    public String pvBootloaderArgs(Produced soFar) {
        return soFar.pvBootloaderArgs(vm.pvBootloaderArgs());
    }
}
