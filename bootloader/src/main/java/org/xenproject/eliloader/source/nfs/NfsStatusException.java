package org.xenproject.eliloader.source.nfs;

import java.io.IOException;

/**
 * A well-formed MOUNT or NFS reply whose status is not OK. {@link #statusName()} is the
 * RFC 1813 name (NFS3ERR_NOENT, MNT3ERR_ACCES), which administrators can search for.
 */
final class NfsStatusException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String statusName;

    NfsStatusException(String operation, int status, String statusName) {
        super(operation + " failed: " + statusName);
        this.status = status;
        this.statusName = statusName;
    }

    int status() {
        return status;
    }

    String statusName() {
        return statusName;
    }
}
