package org.xenproject.eliloader.round;

import java.util.List;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.toolstack.RecordEdit;

/** Runs the current round of a profile's plan and says what to hand over and what to record. */
public final class InstallRound {

    /**
     * The outcome: what to answer, the record edits to apply once the answer is written, and the
     * tidying edits that may fail without failing the round (see {@link Bookkeeping}). The answer
     * is either a boot entry of ours, rendered in the caller's format, or, when the round handed
     * the boot over to pygrub, pygrub's own answer, relayed as it is.
     */
    public record Result(BootEntry entry, PygrubAnswer pygrubAnswer, List<RecordEdit> edits,
            List<RecordEdit> cleanup) {
        public Result {
            if ((entry == null) == (pygrubAnswer == null)) {
                throw new IllegalArgumentException("a round answers with either a boot entry or pygrub's answer");
            }
            edits = List.copyOf(edits);
            cleanup = List.copyOf(cleanup);
        }

        public Result(BootEntry entry, List<RecordEdit> edits) {
            this(entry, null, edits, List.of());
        }

        /** Whether the answer came from pygrub. */
        public boolean fromPygrub() {
            return pygrubAnswer != null;
        }
    }

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
        InitrdFixupStep.apply(context);
        Bookkeeping.Edits bookkeeping = Bookkeeping.after(round, plan.size(), context.profile().id(),
                context.vm().otherConfig(), context.vm().platform());
        List<RecordEdit> edits = new java.util.ArrayList<>(context.edits());
        edits.addAll(bookkeeping.required());
        PygrubAnswer relayed = context.pygrubAnswer();
        if (relayed != null) {
            if (context.kernel() != null) {
                throw BootloaderException.internal("Round " + round + " of " + context.profile().id()
                        + " both fetched a kernel and handed the boot over to pygrub.", null);
            }
            // pygrub's inspection flags (-n, -l) hand nothing over: such a run records nothing
            return relayed.inspection() ? new Result(null, relayed, List.of(), List.of())
                    : new Result(null, relayed, edits, bookkeeping.cleanup());
        }
        if (context.kernel() == null) {
            throw BootloaderException.internal("Round " + round + " of " + context.profile().id()
                    + " produced no kernel.", null);
        }
        String args = KernelArgs.build(context, pvArgs);
        BootEntry entry = new BootEntry(context.kernel().path(),
                context.ramdisk() == null ? null : context.ramdisk().path(), args);
        return new Result(entry, null, edits, bookkeeping.cleanup());
    }
}
