package org.xenproject.eliloader.round;

/** One step of a round, named in profiles' {@code rounds} lists. */
public interface RoundAction {
    /**
     * Runs the step.
     *
     * @param context what the round reads (never written to)
     * @param soFar what the round's earlier actions produced
     * @return what this step produces, {@link Produced#NOTHING} when nothing
     */
    Produced run(InstallContext context, Produced soFar);

    /**
     * Whether the step reads the caller's boot disk (through pygrub). {@code probe} names no disk
     * and skips such steps.
     */
    default boolean readsBootDisk() {
        return false;
    }
}
