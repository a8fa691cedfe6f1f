package org.xenproject.eliloader.round;

import java.util.List;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.toolstack.RecordEdit;

/** Runs the current round of a profile's plan and says what to hand over and what to record. */
public final class InstallRound {

    /** The outcome: the boot entry to hand over and the record edits to apply after the output. */
    public record Result(BootEntry entry, List<RecordEdit> edits) { }

    private InstallRound() {
    }

    public static Result run(InstallContext context, String pvArgs) {
        List<List<String>> plan = context.profile().rounds();
        int round = context.settings().round();
        if (round > plan.size()) {
            throw BootloaderException.invalidSource("other-config:install-round is " + round + " but the "
                    + context.profile().id() + " install has " + plan.size() + " round(s).");
        }
        KernelArgs.checkVncPassword(context); // before any download
        for (String action : plan.get(round - 1)) {
            Actions.named(action).run(context);
        }
        if (context.kernel() == null) {
            throw BootloaderException.internal("Round " + round + " of " + context.profile().id()
                    + " produced no kernel.", null);
        }
        String args = KernelArgs.build(context, pvArgs);
        BootEntry entry = new BootEntry(context.kernel().path(),
                context.ramdisk() == null ? null : context.ramdisk().path(), args);
        List<RecordEdit> edits = new java.util.ArrayList<>(context.edits());
        edits.addAll(Bookkeeping.afterRound(round, plan.size()));
        return new Result(entry, edits);
    }
}
