package org.xenproject.eliloader.error;

/**
 * The failure codes the toolstack understands. xenopsd keeps everything after the first
 * {@code RuntimeError: } on stderr and xapi shows it as BOOTLOADER_FAILED, so these names
 * are part of the contract with the callers and must not be renamed.
 */
public enum ErrorCode {
    /** The repository's scheme is not one this template or program can install from. */
    UNSUPPORTED_INSTALL_METHOD(1),
    /** The repository, its files, or the install settings are wrong. */
    INVALID_SOURCE(1),
    /** A file a package should have installed on the host (bundled kernel, overlay) is absent. */
    SUPPORT_PACKAGE_MISSING(1),
    /** A kernel, initrd or decompressed stream exceeds its size limit. */
    LIMITS(1),
    /** A bug or an unexpected condition of the host. */
    INTERNAL_ERROR(1),
    /** The command line could not be understood. */
    USAGE(2);

    private final int exitStatus;

    ErrorCode(int exitStatus) {
        this.exitStatus = exitStatus;
    }

    public int exitStatus() {
        return exitStatus;
    }
}
