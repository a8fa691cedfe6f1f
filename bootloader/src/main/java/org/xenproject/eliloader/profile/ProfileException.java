package org.xenproject.eliloader.profile;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;

/** A profile file that cannot be used; the message names the file. */
public class ProfileException extends BootloaderException {
    public ProfileException(String message) {
        super(ErrorCode.INTERNAL_ERROR, message);
    }
}
