package org.xenproject.eliloader.round;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.initrd.InitrdFixups;
import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.profile.Profile;
import org.xenproject.eliloader.profile.RunValues;
import org.xenproject.eliloader.profile.Template;
import org.xenproject.eliloader.source.InstallSource;
import org.xenproject.eliloader.source.TreeFiles;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.toolstack.RecordEdit;
import org.xenproject.eliloader.toolstack.VmRecord;

/**
 * Everything a round's actions read and what they produce: the VM, its install settings, the
 * chosen profile, the tree (opened on first use), the files being handed over, and the kernel,
 * initrd and record edits the actions decide on.
 */
public final class InstallContext implements AutoCloseable {
    private final VmRecord vm;
    private final InstallSettings settings;
    private final Profile profile;
    private final Repository repository;
    private final TreeFiles tree;
    private final HandoverFiles handover;
    private final Limits limits;
    private final Map<String, String> variables;
    private Settings host = Settings.resolve(Map.of(), Map.of(), Path.of("/nonexistent/eliloader.conf"));

    private FetchedFile kernel;
    private FetchedFile ramdisk;
    private final List<RecordEdit> edits = new ArrayList<>();
    private BootRequest bootRequest;
    private PygrubAnswer pygrubAnswer;
    private InitrdFixups initrdFixups;

    public InstallContext(VmRecord vm, InstallSettings settings, Profile profile, Repository repository,
            Supplier<InstallSource> sourceOpener, HandoverFiles handover) {
        this(vm, settings, profile, repository, new TreeFiles(sourceOpener), handover);
    }

    /** With the run's tree cache, shared with profile detection so metadata is fetched once. */
    public InstallContext(VmRecord vm, InstallSettings settings, Profile profile, Repository repository,
            TreeFiles tree, HandoverFiles handover) {
        this.vm = vm;
        this.settings = settings;
        this.profile = profile.forInstall(settings.isCdrom());
        this.repository = repository;
        this.tree = tree;
        this.handover = handover;
        this.limits = Limits.of(vm);
        this.variables = variables(settings, this.profile, repository);
    }

    /** The run's settings as profiles see them (built-in variables, required keys). */
    public static RunValues runValues(InstallSettings settings) {
        return new RunValues(settings.repository(), settings.arch(), settings::valueOf);
    }

    private static Map<String, String> variables(InstallSettings settings, Profile profile, Repository repository) {
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

    /** The host settings (guest-installer directory, pygrub, …); defaults until the command sets them. */
    public Settings host() {
        return host;
    }

    public InstallContext withHost(Settings host) {
        this.host = host;
        this.initrdFixups = null;
        return this;
    }

    /** The map files of the host's guest-installer directory, read once per run. */
    public InitrdFixups initrdFixups() {
        if (initrdFixups == null) {
            initrdFixups = InitrdFixups.load(Path.of(host.require(Setting.GUEST_INSTALLER_DIR)),
                    warning -> Log.info("map files: " + warning));
        }
        return initrdFixups;
    }

    public HandoverFiles handover() {
        return handover;
    }

    public Limits limits() {
        return limits;
    }

    /** Expands a profile template with this run's variables. */
    public String expand(String template) {
        return Template.expand(template, variables, profile.origin());
    }

    public FetchedFile kernel() {
        return kernel;
    }

    public FetchedFile ramdisk() {
        return ramdisk;
    }

    public void setKernel(FetchedFile kernel) {
        this.kernel = kernel;
    }

    public void setRamdisk(FetchedFile ramdisk) {
        this.ramdisk = ramdisk;
    }

    /** Record edits decided by the actions, applied after the output is written. */
    public void addEdit(RecordEdit edit) {
        edits.add(edit);
    }

    public List<RecordEdit> edits() {
        return List.copyOf(edits);
    }

    /** What the caller asked for; set by the command before the round runs. */
    public void setBootRequest(BootRequest bootRequest) {
        this.bootRequest = bootRequest;
    }

    /** What the caller asked for; actions that run pygrub need it. */
    public BootRequest bootRequest() {
        if (bootRequest == null) {
            throw BootloaderException.internal("This round runs pygrub but the command gave it no boot request.", null);
        }
        return bootRequest;
    }

    /** The answer pygrub gave when a round handed the boot over to it, else null. */
    public PygrubAnswer pygrubAnswer() {
        return pygrubAnswer;
    }

    public void setPygrubAnswer(PygrubAnswer pygrubAnswer) {
        this.pygrubAnswer = pygrubAnswer;
    }

    /**
     * {@code PV-bootloader-args} as this round leaves them: the last value an action decided on,
     * else the VM's.
     */
    public String pvBootloaderArgs() {
        String value = vm.pvBootloaderArgs();
        for (RecordEdit edit : edits) {
            if (edit instanceof RecordEdit.SetPvBootloaderArgs set) {
                value = set.value();
            }
        }
        return value == null ? "" : value;
    }

    @Override
    public void close() {
        tree.close();
    }
}
