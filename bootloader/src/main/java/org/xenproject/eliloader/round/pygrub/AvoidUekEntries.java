package org.xenproject.eliloader.round.pygrub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.round.CallerRequest;
import org.xenproject.eliloader.round.Produced;
import org.xenproject.eliloader.round.InstallContext;
import org.xenproject.eliloader.round.RoundAction;
import org.xenproject.eliloader.toolstack.RecordEdit;

/**
 * EL 5 round 2: Oracle Linux 5 installs its Unbreakable Enterprise Kernel ({@code el5uek}) as
 * the default entry, and that kernel does not boot as a PV guest here. Lists the entries with
 * {@code pygrub -q -l DISK} and, when an entry's title (or kernel path) names {@code el5uek},
 * stores {@code --entry N} in {@code PV-bootloader-args} for the first entry that does not
 * (entries count from 0 as pygrub's do). A menu without UEK entries is left alone; a menu of
 * nothing but UEK entries, or none pygrub can read, is an error and the VM stays in its round.
 */
public final class AvoidUekEntries implements RoundAction {
    public static final String NAME = "avoid-uek-entries";
    static final String UEK = "el5uek";

    /** One entry of pygrub's {@code -l} listing. */
    record Entry(int index, String title, String kernel) {
        boolean isUek() {
            return title.toLowerCase(Locale.ROOT).contains(UEK)
                    || (kernel != null && kernel.toLowerCase(Locale.ROOT).contains(UEK));
        }
    }

    @Override
    public boolean readsBootDisk() {
        return true;
    }

    @Override
    public Produced run(InstallContext context, Produced soFar) {
        CallerRequest request = context.caller();
        List<Entry> entries;
        try (PygrubProbe probe = PygrubProbe.open(context, Pygrub.deadline(context))) {
            Pygrub.Outcome listing = probe.run(List.of("-l"));
            if (!listing.succeeded()) {
                throw PygrubFailure.of("pygrub cannot list the boot entries of " + request.disk(), listing);
            }
            entries = parseListing(listing.stdout());
        }
        if (entries.isEmpty()) {
            // pygrub -l exits 0 even when it finds no menu at all
            throw BootloaderException.invalidSource("pygrub finds no boot menu on " + request.disk()
                    + ", so no boot entry can be chosen; the VM stays in install round " + context.settings().round() + ".");
        }
        if (entries.stream().noneMatch(Entry::isUek)) {
            Log.info("no " + UEK + " entries on " + request.disk() + "; PV-bootloader-args stay as they are");
            return Produced.NOTHING;
        }
        Entry chosen = entries.stream().filter(e -> !e.isUek()).findFirst()
                .orElseThrow(() -> BootloaderException.invalidSource("Every boot entry on " + request.disk()
                        + " is an Oracle UEK kernel (" + UEK + "), which does not boot as a PV guest; install the"
                        + " kernel-xen package in the guest. The VM stays in install round "
                        + context.settings().round() + "."));
        String stored = PygrubArgs.parse(context.pvBootloaderArgs(soFar)).with("entry", Integer.toString(chosen.index()))
                .toRecordValue();
        Log.info("avoiding " + UEK + ": entry " + chosen.index() + " (" + chosen.title() + ") on " + request.disk());
        return Produced.edit(new RecordEdit.SetPvBootloaderArgs(stored));
    }

    /** Reads pygrub's {@code title: T} lines, each followed by indented {@code kernel: K} and other lines. */
    static List<Entry> parseListing(byte[] stdout) {
        List<Entry> entries = new ArrayList<>();
        String title = null;
        String kernel = null;
        for (String line : new String(stdout, StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("title: ")) {
                if (title != null) {
                    entries.add(new Entry(entries.size(), title, kernel));
                }
                title = line.substring("title: ".length()).strip();
                kernel = null;
            } else if (title != null && line.startsWith("  kernel: ")) {
                kernel = line.substring("  kernel: ".length()).strip();
            }
        }
        if (title != null) {
            entries.add(new Entry(entries.size(), title, kernel));
        }
        return entries;
    }
}
