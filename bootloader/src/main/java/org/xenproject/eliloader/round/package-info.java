/**
 * One install round: the actions a profile names, run in order over an {@code InstallContext}
 * (read-only), each returning what it {@code Produced}; then the initrd fix-up and the
 * round's {@code Bookkeeping} (the record edits in their safe order).
 *
 * <p>A new action is a {@code RoundAction} registered by name in {@code Actions} (and in the
 * profile model's list, which a test keeps in step). Actions that read the guest's disk
 * through pygrub live in {@code round.pygrub}. Files for the caller are made through
 * {@code HandoverFiles}, which makes them in the run's private directory ({@code RunDirectory}),
 * moves them to their final names once complete, and removes them on every path (a failure,
 * SIGTERM, or, after SIGKILL, the next run's sweep) unless they were handed over.
 * Files are copied by {@code BoundedCopy} (limits, digests while streaming), which reports to
 * {@code Progress} only when a person watches stderr on a terminal.
 */
package org.xenproject.eliloader.round;
