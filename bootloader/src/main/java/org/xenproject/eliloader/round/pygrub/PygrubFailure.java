package org.xenproject.eliloader.round.pygrub;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;

/**
 * pygrub failed: reported through the usual {@code RuntimeError: CODE} lines with pygrub's own
 * message, and eliloader exits with pygrub's exit status. Exit status 1 is pygrub's ordinary
 * "cannot boot this disk" ({@code INVALID_SOURCE}); anything else means pygrub itself broke.
 */
public final class PygrubFailure extends BootloaderException {
    private final int exitStatus;

    PygrubFailure(ErrorCode code, String message, int exitStatus) {
        super(code, message);
        this.exitStatus = exitStatus;
    }

    /** A failed pygrub run, described as {@code WHAT (pygrub exit status N): PYGRUB'S MESSAGE}. */
    static PygrubFailure of(String what, Pygrub.Outcome outcome) {
        int status = outcome.exitStatus();
        ErrorCode code = status == 1 ? ErrorCode.INVALID_SOURCE : ErrorCode.INTERNAL_ERROR;
        return new PygrubFailure(code, what + " (pygrub exit status " + status + "): " + outcome.message(),
                status <= 0 ? 1 : status);
    }

    @Override
    public int exitStatus() {
        return exitStatus;
    }
}
