/**
 * Guest-controlled data read deprivileged, as pygrub's own XSA-443 mode does.
 *
 * <p>{@code GuestUser} says who reads: libxl's {@code --runas=UID}, else the host setting
 * {@code guest-reader-user}, else the system user {@code eliloader} the packages create, else
 * root (as before, logged once: a host upgraded without the user keeps working).
 * {@code Confinement} holds the two util-linux wrappers (present on every dom0): {@code prlimit}
 * (file size, address space, CPU time, no core) and {@code setpriv} (uid, gid, no groups);
 * {@code GuestReader} starts our own readers of guest data in a child under both.
 *
 * <p>Why a child process: a JVM cannot drop its uid, and the parent must stay root to write the
 * files it hands over and to edit the VM record. The child is this program again (the hidden
 * subcommand {@code guest-read}), so the reader's code is the one the tests cover in-process.
 * The parent opens the disk as root and gives it as the child's standard input (a disk only root
 * may read still works, and the child can open nothing else of the host's by path that root
 * alone may read); the child may write no file at all (RLIMIT_FSIZE 0) and answers on a pipe or
 * on a unix socket in a directory of its user's; the parent bounds and checks every answer
 * (lines, lengths against the image size) and rethrows the child's named errors as they are.
 * Cost: one JVM start (about 0.1 s, 36 MB resident) per run that reads guest data with our own
 * code: round-2 probes of partitioned disks and {@code cdrom} installs. Network installs never
 * resolve the user and never pay it.
 *
 * <p>pygrub is not run through {@code setpriv}: it needs root to open the disk, unshare, mount
 * its chroot and bind the disk into it, and drops to the uid itself ({@code --runas}); see
 * {@code round.pygrub.Pygrub} for its limits and the watch on what it extracts.
 *
 * <p>Limits: readers of different VMs share the uid of {@code guest-reader-user} (libxl's
 * restricted mode gives each domain its own); they are kept from root's files, not from each other.
 */
package org.xenproject.eliloader.guest;
