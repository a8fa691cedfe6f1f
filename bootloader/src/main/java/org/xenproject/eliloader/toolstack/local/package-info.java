/**
 * The local JSON VM store for runs by hand, tests and the demo: {@code LocalJsonStore.open(file)}
 * reads it holding an exclusive lock for the run (concurrent starts wait), and applies a round's edits in one atomic write (temporary file and
 * rename); a corrupt file is a named error.
 */
package org.xenproject.eliloader.toolstack.local;
