package org.xenproject.eliloader.round;

import java.util.ArrayList;
import java.util.List;

import org.xenproject.eliloader.answer.BootEntry;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.profile.RoundPlan;
import org.xenproject.eliloader.toolstack.RecordEdit;

/**
 * Runs the current round of a profile's plan: its actions in order, each seeing what the
 * earlier ones produced, then the initrd fix-up, then the round's bookkeeping.
 */
public final class InstallRound {

    /**
     * What the round came to.
     *
     * @param produced what the actions produced (the fix-up applied to the initrd)
     * @param entry the boot entry of ours to answer with; null when pygrub answered or nothing was fetched
     * @param edits the record edits in their safe order: the actions', then the one that changes
     *        what the next start does (see {@link Bookkeeping}); empty after an inspection by pygrub
     * @param cleanup the tidying edits that may fail without failing the round
     * @param skipped the actions not run because the caller named no boot disk ({@code probe})
     */
    public record Outcome(Produced produced, BootEntry entry, List<RecordEdit> edits, List<RecordEdit> cleanup,
            List<String> skipped) {
        public Outcome {
            edits = List.copyOf(edits);
            cleanup = List.copyOf(cleanup);
            skipped = List.copyOf(skipped);
        }

        /** The answer pygrub gave when the round handed the boot over to it, else null. */
        public PygrubAnswer pygrubAnswer() {
            return produced.pygrubAnswer();
        }
    }

    private InstallRound() {
    }

    public static Outcome run(InstallContext context) {
        RoundPlan plan = context.profile().rounds();
        int round = context.settings().round();
        if (!plan.has(round)) {
            throw BootloaderException.invalidSource("other-config:install-round is " + round + " but the "
                    + context.profile().id() + " install has " + plan.size() + " round(s).");
        }
        KernelArgs.checkVncPassword(context); // before any download
        ExpectedFiles.check(context);
        Produced produced = Produced.NOTHING;
        List<String> skipped = new ArrayList<>();
        for (String name : plan.round(round).actions()) {
            RoundAction action = Actions.named(name);
            if (action.readsBootDisk() && !context.caller().hasDisk()) {
                skipped.add(name);
                continue;
            }
            produced = produced.then(action.run(context, produced));
        }
        produced = produced.withRamdisk(InitrdFixupStep.apply(context, produced.ramdisk()));
        Bookkeeping.Edits bookkeeping = Bookkeeping.after(round, plan.size(), context.profile().id(),
                context.vm().otherConfig(), context.vm().platform());
        List<RecordEdit> edits = new ArrayList<>(produced.edits());
        edits.addAll(bookkeeping.required());
        PygrubAnswer relayed = produced.pygrubAnswer();
        if (relayed != null) {
            if (produced.kernel() != null) {
                throw BootloaderException.internal("Round " + round + " of " + context.profile().id()
                        + " both fetched a kernel and handed the boot over to pygrub.", null);
            }
            // pygrub's inspection flags (-n, -l) hand nothing over: such a run records nothing
            return relayed.inspection() ? new Outcome(produced, null, List.of(), List.of(), skipped)
                    : new Outcome(produced, null, edits, bookkeeping.cleanup(), skipped);
        }
        if (produced.kernel() == null) {
            if (!skipped.isEmpty()) {
                return new Outcome(produced, null, edits, bookkeeping.cleanup(), skipped);
            }
            throw BootloaderException.internal("Round " + round + " of " + context.profile().id()
                    + " produced no kernel.", null);
        }
        String args = GuestCommandLine.check(KernelArgs.build(context, context.caller().kernelArgs()));
        // complete now: only now do the files get the names the answer gives the caller
        produced = produced.published(context.handover());
        BootEntry entry = new BootEntry(produced.kernel().path(),
                produced.ramdisk() == null ? null : produced.ramdisk().path(), args);
        return new Outcome(produced, entry, edits, bookkeeping.cleanup(), skipped);
    }
}
