/**
 * Work overlapped on a second thread within one run ({@code BackgroundTask}): started early,
 * joined where its result is needed, its failure rethrown there as it was thrown, so
 * overlapping never changes which error the caller sees. {@code Deadline}: one end time shared
 * by the several processes of one piece of work. {@code OwnThread}: a child's output read on a
 * thread of its own.
 */
package org.xenproject.eliloader.concurrent;
