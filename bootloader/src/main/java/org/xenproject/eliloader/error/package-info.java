/**
 * The callers' error contract: a {@code BootloaderException} carries an {@code ErrorCode}
 * ({@code INVALID_SOURCE}, {@code LIMITS}, …, {@code USAGE}) and one human sentence, which the
 * command line prints as {@code RuntimeError: CODE} and the sentence.
 */
package org.xenproject.eliloader.error;
