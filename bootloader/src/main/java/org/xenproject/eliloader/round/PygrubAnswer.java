package org.xenproject.eliloader.round;

/**
 * An answer that came from pygrub: the bytes it printed, to be written to the caller as they
 * are (pygrub's formats differ from ours: sxp values are Python-quoted, simple and simple0 end
 * with an empty item and leave out empty args), and what it printed on stderr.
 *
 * @param answer the answer, in the caller's output format as pygrub writes it
 * @param stderr pygrub's diagnostics on success (e.g. which config file it parsed), relayed to the caller
 * @param inspection true when the caller asked pygrub to inspect only ({@code -n}, {@code -l},
 *        {@code --isconfig}): nothing was handed over and the record must not change
 */
public record PygrubAnswer(byte[] answer, byte[] stderr, boolean inspection) {

    public PygrubAnswer {
        answer = answer.clone();
        stderr = stderr.clone();
    }

    @Override
    public byte[] answer() {
        return answer.clone();
    }

    @Override
    public byte[] stderr() {
        return stderr.clone();
    }
}
