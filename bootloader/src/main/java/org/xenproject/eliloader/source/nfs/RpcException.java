package org.xenproject.eliloader.source.nfs;

import java.io.IOException;

/**
 * The peer broke the ONC RPC or XDR rules, or refused the call at the RPC level
 * (program unavailable, authentication rejected). Distinct from an NFS or MOUNT status,
 * which is a well-formed answer: see {@link NfsStatusException}.
 */
final class RpcException extends IOException {
    private static final long serialVersionUID = 1L;

    RpcException(String message) {
        super(message);
    }
}
