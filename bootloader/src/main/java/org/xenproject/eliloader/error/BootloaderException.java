package org.xenproject.eliloader.error;

/**
 * A failure that reaches the caller as {@code RuntimeError: CODE} plus one human sentence.
 * The message must be a single line and must never contain a password.
 */
public class BootloaderException extends RuntimeException {
    private final ErrorCode code;

    public BootloaderException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public BootloaderException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** The process exit status to end with; the code's, unless a relayed program's status is kept. */
    public int exitStatus() {
        return code.exitStatus();
    }

    public static BootloaderException invalidSource(String message) {
        return new BootloaderException(ErrorCode.INVALID_SOURCE, message);
    }

    public static BootloaderException invalidSource(String message, Throwable cause) {
        return new BootloaderException(ErrorCode.INVALID_SOURCE, message, cause);
    }

    public static BootloaderException limits(String message) {
        return new BootloaderException(ErrorCode.LIMITS, message);
    }

    public static BootloaderException supportPackageMissing(String message) {
        return new BootloaderException(ErrorCode.SUPPORT_PACKAGE_MISSING, message);
    }

    public static BootloaderException unsupportedInstallMethod(String message) {
        return new BootloaderException(ErrorCode.UNSUPPORTED_INSTALL_METHOD, message);
    }

    public static BootloaderException internal(String message, Throwable cause) {
        return new BootloaderException(ErrorCode.INTERNAL_ERROR, message, cause);
    }

    public static BootloaderException usage(String message) {
        return new BootloaderException(ErrorCode.USAGE, message);
    }
}
