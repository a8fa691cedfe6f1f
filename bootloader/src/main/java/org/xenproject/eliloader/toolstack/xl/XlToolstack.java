package org.xenproject.eliloader.toolstack.xl;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.xenproject.eliloader.config.InstallKey;
import org.xenproject.eliloader.config.InstallSettings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.round.Bookkeeping;
import org.xenproject.eliloader.round.RemoveUpdatesDisk;
import org.xenproject.eliloader.toolstack.RecordEdit;
import org.xenproject.eliloader.toolstack.Toolstack;
import org.xenproject.eliloader.toolstack.Vbd;
import org.xenproject.eliloader.toolstack.VmRecord;
import org.xenproject.eliloader.toolstack.local.LocalJsonStore;

/**
 * The VM record under xl, where no toolstack keeps one: the install keys come from the start's
 * command line ({@code bootloader_args}), and what the rounds maintain is kept in one state file
 * per VM, {@code STATE_DIR/NAME.json} ({@code xl-state-dir}, default {@code /var/lib/eliloader/xl}).
 *
 * <p>The state file is a {@link LocalJsonStore} holding this one VM (fields named as XenAPI's:
 * {@code PV_bootloader} ({@code pygrub} once installed), {@code PV_bootloader_args}, and in
 * {@code other_config} {@code install-round} and {@code install-profile}), so the round
 * bookkeeping is the same pipeline as under xenopsd, and the store's rules hold: its lock
 * ({@code NAME.json.lock}, one per VM, so starts of different VMs never wait for one another),
 * a write by rename after the answer is out, a refusal when another start of the same VM recorded
 * meanwhile, a named error for a file that cannot be parsed. The file is made by the first round
 * that records anything: a failing first start leaves no state behind.
 *
 * <p>xl's disks are in its config file, which a bootloader cannot change. The disks the rounds
 * see are made up from the start: the boot disk libxl names (its first disk) at userdevice 0;
 * for a CD install ({@code install-repository=cdrom}) that disk is the CD at userdevice 3 and the
 * system disk, listed after it in the config, stands at 0; and an updates disk (RHEL 4.1/4.4) at
 * userdevice 1. Edits of these disks (remove the updates disk, boot from the system disk instead of
 * the CD) are turned into one line on stderr, which libxl copies to the guest's console and to
 * {@code /var/log/xen/bootloader.DOMID.log}, saying what to change in the xl config; the line is
 * also kept in the state file ({@value #CONFIG_CHANGE_KEY}, shown by {@code eliloader xl status}).
 */
public final class XlToolstack implements Toolstack {
    /** other_config key of the state file: the xl config change the last round asked for. */
    public static final String CONFIG_CHANGE_KEY = "xl-config-change";
    /** other_config key of the state file: set when a CD install's CD must stop being the first disk. */
    public static final String CD_FIRST_KEY = "xl-cd-must-not-be-first";
    static final String SYSTEM_DISK = "xl-system-disk";
    static final String CD_DRIVE = "xl-cd";
    static final String UPDATES_DISK = "xl-updates-disk";
    /** The bytes of an ISO 9660 primary volume descriptor's identifier, at {@value #ISO_MAGIC_OFFSET}. */
    private static final byte[] ISO_MAGIC = "CD001".getBytes(StandardCharsets.US_ASCII);
    private static final int ISO_MAGIC_OFFSET = 0x8001;

    private final String name;
    private final Path file;
    private final Map<String, String> installKeys;
    private final String disk;
    private final PrintStream console;
    /** The state file as read at the start; null while the VM has none (nothing recorded yet). */
    private LocalJsonStore store;
    /** Set when this installed start boots from a disk that is no longer the install CD: the reminder goes once it has booted. */
    private boolean cdReminderDone;

    private XlToolstack(String name, Path file, Map<String, String> installKeys, String disk, PrintStream console,
            LocalJsonStore store) {
        this.name = name;
        this.file = file;
        this.installKeys = Map.copyOf(installKeys);
        this.disk = disk;
        this.console = console;
        this.store = store;
    }

    /**
     * Opens the state of VM {@code name} (none yet is the state of round 1).
     *
     * @param installKeys the install keys of the command line, by other-config name
     * @param disk the boot disk libxl named
     * @param console where the config-change line goes (stderr: libxl shows it on the console)
     */
    public static XlToolstack open(Path stateDir, String name, Map<String, String> installKeys, String disk,
            PrintStream console) {
        Path file = stateFile(stateDir, name);
        return new XlToolstack(name, file, installKeys, disk, console, readIfPresent(file));
    }

    /** {@code STATE_DIR/NAME.json}; the name has passed {@link XlIdentity#NAME}. */
    public static Path stateFile(Path stateDir, String name) {
        return stateDir.resolve(name + ".json");
    }

    static LocalJsonStore readIfPresent(Path file) {
        if (Files.isSymbolicLink(file)) {
            throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "The xl state file " + file
                    + " is a symbolic link; it was left untouched (remove it, or run eliloader xl reinstall).");
        }
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        return LocalJsonStore.open(file);
    }

    /** The VM's name, which names its state file. */
    public String name() {
        return name;
    }

    /** Whether the last round is done: every start now hands over to pygrub. */
    public boolean installed() {
        return store != null && Bookkeeping.PYGRUB.equals(store.readVm(name).pvBootloader());
    }

    @Override
    public VmRecord readVm(String vmName) {
        VmRecord stored = store == null ? null : store.readVm(vmName);
        Map<String, String> otherConfig = new LinkedHashMap<>(installKeys);
        if (stored != null) {
            // only what eliloader maintains comes from the state file; the settings are the config's
            for (String key : List.of(InstallKey.ROUND.key(), InstallKey.PROFILE.key(), CONFIG_CHANGE_KEY, CD_FIRST_KEY)) {
                stored.otherConfig(key).ifPresent(value -> otherConfig.put(key, value));
            }
        }
        // the same checks, with the same errors, as for a VM record's other-config
        InstallSettings.of(vmName, otherConfig);
        boolean cdrom = "cdrom".equals(installKeys.get(InstallKey.REPOSITORY.key()));
        List<Vbd> vbds = new ArrayList<>();
        vbds.add(new Vbd(SYSTEM_DISK, "0", !cdrom, "Disk", "RW", cdrom ? "" : disk, false, Map.of()));
        vbds.add(new Vbd(UPDATES_DISK, "1", false, "Disk", "RO", "", false,
                Map.of(RemoveUpdatesDisk.MARKER, "true")));
        if (cdrom) {
            vbds.add(new Vbd(CD_DRIVE, "3", true, "CD", "RO", disk, false, Map.of()));
        }
        String bootloader = stored == null || stored.pvBootloader().isEmpty() ? "eliloader" : stored.pvBootloader();
        return new VmRecord(vmName, vmName, bootloader, stored == null ? "" : stored.pvBootloaderArgs(), "",
                otherConfig, Map.of(), vbds);
    }

    @Override
    public void apply(String vmName, List<RecordEdit> edits) {
        if (cdReminderDone) {
            // this start's answer is out: the CD install's reminder is done with
            cdReminderDone = false;
            List<RecordEdit> withReminder = new ArrayList<>(edits);
            withReminder.add(new RecordEdit.RemoveOtherConfig(CD_FIRST_KEY));
            withReminder.add(new RecordEdit.RemoveOtherConfig(CONFIG_CHANGE_KEY));
            edits = withReminder;
        }
        if (edits.isEmpty()) {
            return;
        }
        List<String> changes = new ArrayList<>();
        boolean cdMustMove = false;
        List<RecordEdit> kept = new ArrayList<>();
        for (RecordEdit edit : edits) {
            if (edit instanceof RecordEdit.DestroyVbd destroy && UPDATES_DISK.equals(destroy.vbdUuid())) {
                changes.add("remove the installer's updates disk (the one after the system disk), if it lists one, from"
                        + " disk = [...]");
            } else if (edit instanceof RecordEdit.SetVbdBootable bootable && SYSTEM_DISK.equals(bootable.vbdUuid())
                    && bootable.bootable()) {
                cdMustMove = true;
                changes.add("list the system disk first in disk = [...] (libxl boots the first disk) and remove the"
                        + " install CD " + disk + " or list it after");
            } else if (edit instanceof RecordEdit.SetVbdBootable || edit instanceof RecordEdit.DestroyVbd) {
                // the other half of a change named above (the CD no longer bootable)
                if (!(edit instanceof RecordEdit.SetVbdBootable b && CD_DRIVE.equals(b.vbdUuid()))) {
                    changes.add("apply " + edit.describe());
                }
            } else {
                kept.add(edit);
            }
        }
        String line = changes.isEmpty() ? null
                : "eliloader: before the next start of " + name + ", change its xl config: " + String.join("; ", changes)
                        + ".";
        if (line != null) {
            // first, so that the round's last edit (the one that decides the next start) stays last
            kept.add(0, new RecordEdit.PutOtherConfig(CONFIG_CHANGE_KEY, line));
            if (cdMustMove) {
                kept.add(1, new RecordEdit.PutOtherConfig(CD_FIRST_KEY, "true"));
            }
        }
        if (store == null) {
            ensureDirectory(file.getParent());
            if (!LocalJsonStore.createIfAbsent(file, initialState(vmName))) {
                throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "The xl state file " + file + " appeared while"
                        + " this start ran (another start of the same VM?); nothing was recorded.");
            }
            store = LocalJsonStore.open(file);
        }
        store.apply(vmName, kept);
        if (line != null) {
            Log.info(line);
            console.print(line + "\n");
            console.flush();
        }
    }

    /**
     * Before a start of an installed VM: a CD install whose CD is still the first disk would boot
     * the installer again through pygrub, so it is refused with the config change to make. Once
     * the first disk is not a CD any more, the reminder is dropped from the state with this start's
     * (otherwise empty) edits, after its answer is out.
     */
    public void checkInstalledBootDisk() {
        VmRecord stored = store.readVm(name);
        if (stored.otherConfig(CD_FIRST_KEY).isEmpty()) {
            return;
        }
        if (isIsoImage(Path.of(disk))) {
            throw BootloaderException.invalidSource(name + " is installed, but its first disk " + disk + " is still the"
                    + " install CD: " + stored.otherConfig(CONFIG_CHANGE_KEY).orElse("list the system disk first."));
        }
        cdReminderDone = true;
    }

    /** Whether the file starts like an ISO 9660 image (the primary volume descriptor's "CD001"). */
    static boolean isIsoImage(Path image) {
        try (InputStream in = Files.newInputStream(image)) {
            in.skipNBytes(ISO_MAGIC_OFFSET); // a shorter file is no ISO image (EOFException)
            return java.util.Arrays.equals(in.readNBytes(ISO_MAGIC.length), ISO_MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String secretValue(String secretUuid) {
        throw BootloaderException.invalidSource("Under xl there is no secret store; give the repository's user and"
                + " password in --install-repository.");
    }

    @Override
    public String describe() {
        return "xl state file " + file;
    }

    @Override
    public void close() {
        // the store holds no lock between its reads and its writes
    }

    /** A new state: round 1, installing. */
    static Map<String, Object> initialState(String vmName) {
        Map<String, Object> vm = new LinkedHashMap<>();
        vm.put("name_label", vmName);
        vm.put("PV_bootloader", "eliloader");
        vm.put("PV_bootloader_args", "");
        vm.put("other_config", new LinkedHashMap<String, Object>());
        Map<String, Object> vms = new LinkedHashMap<>();
        vms.put(vmName, vm);
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("vms", vms);
        return document;
    }

    /** Makes the state directory (owner only) when it is missing. */
    public static void ensureDirectory(Path stateDir) {
        if (Files.isDirectory(stateDir)) {
            return;
        }
        try {
            Files.createDirectories(stateDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "Cannot create the xl state directory " + stateDir
                    + " (--xl-state-dir): " + e.getMessage());
        }
    }
}
