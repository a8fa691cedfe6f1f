/**
 * Everything that runs Debian's pygrub against the guest's disk or CD: the hand-off after the
 * last round ({@code PygrubHandoff}), SUSE's domUloader emulation ({@code DomULoaderProbe}),
 * the Oracle UEK entry filter ({@code AvoidUekEntries}), and the process, arguments and
 * messages of pygrub itself ({@code Pygrub}, {@code PygrubArgs}, {@code PygrubMessages}).
 * pygrub reads the guest's disk as the run's guest user ({@code --runas}, see
 * {@code org.xenproject.eliloader.guest}), under resource limits, with what it extracts held to
 * the VM's boot-file limits while it writes, and within one deadline per action
 * ({@code guest-probe-timeout}); the partition table is read by a deprivileged child.
 */
package org.xenproject.eliloader.round.pygrub;
