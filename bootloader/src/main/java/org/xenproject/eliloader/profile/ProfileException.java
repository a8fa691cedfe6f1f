package org.xenproject.eliloader.profile;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;

/** A profile file that cannot be used; the message names the file (and the line when known). */
public class ProfileException extends BootloaderException {
    private static final long serialVersionUID = 1L;

    /** The key path the problem is at ({@code args.repository}); empty when not known. */
    private String path = "";

    public ProfileException(String message) {
        super(ErrorCode.INTERNAL_ERROR, message);
    }

    /** The same problem, knowing the key path it is at. */
    ProfileException at(String keyPath) {
        this.path = keyPath == null ? "" : keyPath;
        return this;
    }

    /** The top-level key the problem is under, or empty. */
    String topKey() {
        int end = path.length();
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '.' || path.charAt(i) == '[') {
                end = i;
                break;
            }
        }
        return path.substring(0, end);
    }

    /** {@code ORIGIN:LINE: problem}, or {@code ORIGIN: problem} when the line is unknown (0). */
    public static ProfileException at(String origin, int line, String problem) {
        return new ProfileException(location(origin, line) + ": " + problem);
    }

    public static String location(String origin, int line) {
        return line > 0 ? origin + ":" + line : origin;
    }
}
