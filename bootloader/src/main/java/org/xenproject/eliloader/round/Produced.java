package org.xenproject.eliloader.round;

import java.util.ArrayList;
import java.util.List;

import org.xenproject.eliloader.toolstack.RecordEdit;

/**
 * What round actions produce: the kernel and initrd to hand over, the record edits they decide
 * on (in order), pygrub's answer when an action handed the boot over to it, and how the boot
 * files were found (for {@code probe}). Actions return one; the round folds them with
 * {@link #then(Produced)}, so no action writes into shared state and each sees what the earlier
 * ones produced.
 */
public record Produced(FetchedFile kernel, FetchedFile ramdisk, List<RecordEdit> edits, PygrubAnswer pygrubAnswer,
        String layout) {

    public static final Produced NOTHING = new Produced(null, null, List.of(), null, null);

    public Produced {
        edits = List.copyOf(edits);
    }

    public static Produced files(FetchedFile kernel, FetchedFile ramdisk, String layout) {
        return new Produced(kernel, ramdisk, List.of(), null, layout);
    }

    public static Produced edits(List<RecordEdit> edits) {
        return new Produced(null, null, edits, null, null);
    }

    public static Produced edit(RecordEdit edit) {
        return edits(List.of(edit));
    }

    public static Produced pygrub(PygrubAnswer answer) {
        return new Produced(null, null, List.of(), answer, null);
    }

    /** This, followed by what a later action produced: its files and answer replace, its edits add. */
    public Produced then(Produced later) {
        List<RecordEdit> all = new ArrayList<>(edits);
        all.addAll(later.edits);
        return new Produced(later.kernel != null ? later.kernel : kernel,
                later.ramdisk != null ? later.ramdisk : ramdisk, all,
                later.pygrubAnswer != null ? later.pygrubAnswer : pygrubAnswer,
                later.layout != null ? later.layout : layout);
    }

    /** The same, with another initrd (a patched one). */
    public Produced withRamdisk(FetchedFile patched) {
        return new Produced(kernel, patched, edits, pygrubAnswer, layout);
    }

    /** The same, with the kernel and initrd moved to their final names by {@code publish}. */
    public Produced published(HandoverFiles handover) {
        FetchedFile k = kernel == null ? null : kernel.at(handover.publish(kernel.path()));
        FetchedFile r = ramdisk == null ? null : ramdisk.at(handover.publish(ramdisk.path()));
        return new Produced(k, r, edits, pygrubAnswer, layout);
    }

    /**
     * {@code PV-bootloader-args} as these edits leave them: the last value an action decided on,
     * else {@code recorded} (the VM's).
     */
    public String pvBootloaderArgs(String recorded) {
        String value = recorded;
        for (RecordEdit edit : edits) {
            if (edit instanceof RecordEdit.SetPvBootloaderArgs set) {
                value = set.value();
            }
        }
        return value == null ? "" : value;
    }
}
