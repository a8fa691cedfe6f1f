package org.xenproject.eliloader.profile;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;

/** A profile file that cannot be used; the message names the file (and the line when known). */
public class ProfileException extends BootloaderException {
    public ProfileException(String message) {
        super(ErrorCode.INTERNAL_ERROR, message);
    }

    /** {@code ORIGIN:LINE: problem}, or {@code ORIGIN: problem} when the line is unknown (0). */
    public static ProfileException at(String origin, int line, String problem) {
        return new ProfileException(location(origin, line) + ": " + problem);
    }

    public static String location(String origin, int line) {
        return line > 0 ? origin + ":" + line : origin;
    }
}
