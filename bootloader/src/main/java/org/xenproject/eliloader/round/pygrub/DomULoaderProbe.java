package org.xenproject.eliloader.round.pygrub;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.xenproject.eliloader.concurrent.Deadline;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.guest.GuestReader;
import org.xenproject.eliloader.guest.GuestUser;
import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.profile.ProfileException;
import org.xenproject.eliloader.round.CallerRequest;
import org.xenproject.eliloader.round.Produced;
import org.xenproject.eliloader.round.InstallContext;
import org.xenproject.eliloader.round.RoundAction;
import org.xenproject.eliloader.toolstack.RecordEdit;

/**
 * SUSE's domUloader, emulated with pygrub (SLES 10 round 2). SLES 10 installed for Xen may
 * leave no boot menu that pygrub can read; domUloader then booted the Xen kernel by its
 * well-known name. So: {@code pygrub -q -n DISK}; exit status 0 means pygrub finds a menu and
 * nothing is changed. Exit status 1 means no menu: try {@code /vmlinuz-xen} with
 * {@code /initrd-xen}, then {@code /boot/vmlinuz-xen} with {@code /boot/initrd-xen}
 * ({@code -xenpae} on i386, whose 32-bit PV kernels must be PAE; a profile that knows better
 * names the suffix in its variable {@value #FLAVOUR_VARIABLE}), first where pygrub looks by
 * itself (the first filesystem it can open), then on each later partition with pygrub's
 * {@code --offset}. The first pair that exists is stored in {@code PV-bootloader-args} as
 * {@code --kernel K --ramdisk R [--offset BYTES]}, replacing any kernel, ramdisk, offset or
 * entry options there. Nothing found is an error and the VM stays in its round; so is any
 * exit status above 1.
 */
public final class DomULoaderProbe implements RoundAction {
    public static final String NAME = "domuloader-probe";
    static final List<String> DIRECTORIES = List.of("/", "/boot/");
    /** The profile variable naming the installed Xen kernel's suffix ({@code vmlinuz-SUFFIX}, {@code initrd-SUFFIX}). */
    public static final String FLAVOUR_VARIABLE = "xen-flavour";
    /** The partition table is a few sectors: its reader gets at most this much of the probe's time. */
    static final Duration READER_TIMEOUT = Duration.ofSeconds(30);

    @Override
    public boolean readsBootDisk() {
        return true;
    }

    @Override
    public Produced run(InstallContext context, Produced soFar) {
        CallerRequest request = context.caller();
        String flavour = kernelFlavour(context);
        Deadline deadline = Pygrub.deadline(context);
        try (PygrubProbe probe = PygrubProbe.open(context, deadline)) {
            Pygrub.Outcome menu = probe.run(List.of());
            if (menu.succeeded()) {
                Log.info(request.disk() + " has a boot menu pygrub reads; PV-bootloader-args stay as they are");
                return Produced.NOTHING;
            }
            if (menu.exitStatus() > 1) {
                throw PygrubFailure.of("pygrub failed while looking for a boot menu on " + request.disk(), menu);
            }
            String noMenu = menu.message();
            List<Long> offsets = laterPartitions(request.disk(), probe.pygrub().reader(), deadline);
            List<Long> locations = new ArrayList<>();
            locations.add(null); // where pygrub looks by itself
            locations.addAll(offsets);
            for (Long offset : locations) {
                for (String dir : DIRECTORIES) {
                    PygrubArgs candidate = PygrubArgs.empty().with("kernel", dir + "vmlinuz-" + flavour)
                            .with("ramdisk", dir + "initrd-" + flavour);
                    if (offset != null) {
                        candidate = candidate.with("offset", Long.toString(offset));
                    }
                    Pygrub.Outcome found = probe.run(candidate.toArguments());
                    if (found.succeeded()) {
                        PygrubArgs stored = PygrubArgs.overlay(PygrubArgs.parse(context.pvBootloaderArgs(soFar))
                                .without(List.of("kernel", "ramdisk", "offset", "entry")), candidate);
                        Log.info("domUloader emulation: " + request.disk() + " boots with " + stored);
                        return Produced.edit(new RecordEdit.SetPvBootloaderArgs(stored.toRecordValue()));
                    }
                    if (found.exitStatus() > 1) {
                        throw PygrubFailure.of("pygrub failed while looking for " + candidate.value("kernel")
                                + " on " + request.disk(), found);
                    }
                }
            }
            String pairs = String.join(", ", DIRECTORIES.stream()
                    .map(d -> d + "vmlinuz-" + flavour + " with " + d + "initrd-" + flavour).toList());
            String where = offsets.isEmpty() ? "" : " (looked where pygrub looks by itself and on the partitions at byte offsets "
                    + String.join(", ", offsets.stream().map(String::valueOf).toList()) + ")";
            throw BootloaderException.invalidSource("Nothing bootable on " + request.disk() + ": pygrub finds no boot menu ("
                    + noMenu + ") and none of " + pairs + " exists" + where + "; the VM stays in install round "
                    + context.settings().round() + ".");
        }
    }

    /** The profile's {@value #FLAVOUR_VARIABLE} when it has one, else the default for the install arch. */
    static String kernelFlavour(InstallContext context) {
        if (!context.profile().variables().containsKey(FLAVOUR_VARIABLE)) {
            return kernelFlavour(context.settings().arch());
        }
        String flavour = context.expand("${" + FLAVOUR_VARIABLE + "}").strip();
        if (!flavour.matches("[A-Za-z0-9._+-]+")) {
            throw new ProfileException(context.profile().origin() + ": variables." + FLAVOUR_VARIABLE + " is \""
                    + flavour + "\" for install-arch " + context.settings().arch()
                    + "; it must be a kernel file suffix such as xen or xenpae.");
        }
        return flavour;
    }

    /** {@code xenpae} for i386 guests, {@code xen} for 64-bit ones. */
    static String kernelFlavour(String installArch) {
        return "i386".equals(installArch) ? "xenpae" : "xen";
    }

    /**
     * Byte offsets of the partitions after the first; pygrub finds the first one by itself. With a
     * guest user the table is read by a deprivileged child ({@link GuestReader}) as that user.
     */
    private static List<Long> laterPartitions(String disk, GuestUser user, Deadline deadline) {
        List<Long> offsets;
        if (user == null) {
            try {
                offsets = PartitionTable.offsets(Path.of(disk));
            } catch (IOException e) {
                throw BootloaderException.invalidSource("Cannot read the partition table of " + disk + ": "
                        + e.getMessage(), e);
            }
        } else {
            Duration allowed = deadline.remainingWithin(READER_TIMEOUT);
            List<String> lines = GuestReader.run(user, Path.of(disk), "the partition table", "partitions",
                    List.of(disk), allowed.isZero() ? Duration.ofSeconds(1) : allowed);
            offsets = new ArrayList<>();
            for (String line : lines) {
                String[] f = line.split(" ");
                if (f.length != 5 || !f[0].equals("partition") || !f[2].matches("[0-9]{1,19}")) {
                    throw BootloaderException.internal("The partition table reader printed an unexpected line.", null);
                }
                offsets.add(Long.parseLong(f[2]));
            }
        }
        return offsets.size() <= 1 ? List.of() : List.copyOf(offsets.subList(1, offsets.size()));
    }
}
