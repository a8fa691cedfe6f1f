package org.xenproject.eliloader.source.nfs;

/**
 * The ONC RPC version 2 call and reply headers (RFC 5531 section 9). Pure functions over
 * XDR so the byte layout can be tested without a socket.
 */
final class RpcMessages {
    static final int CALL = 0;
    static final int REPLY = 1;
    static final int RPC_VERSION = 2;

    static final int MSG_ACCEPTED = 0;
    static final int MSG_DENIED = 1;

    static final int SUCCESS = 0;
    static final int PROG_UNAVAIL = 1;
    static final int PROG_MISMATCH = 2;
    static final int PROC_UNAVAIL = 3;
    static final int GARBAGE_ARGS = 4;
    static final int SYSTEM_ERR = 5;

    static final int RPC_MISMATCH = 0;
    static final int AUTH_ERROR = 1;

    /** RFC 5531: an opaque_auth body is at most 400 bytes. */
    static final int MAX_AUTH_BODY = 400;

    private RpcMessages() {
    }

    /** Writes a call header; the procedure's arguments follow it in the same writer. */
    static void encodeCall(XdrWriter w, int xid, int program, int version, int procedure, RpcAuth credential) {
        w.putInt(xid).putInt(CALL).putInt(RPC_VERSION)
                .putInt(program).putInt(version).putInt(procedure);
        credential.encode(w);
        RpcAuth.NONE.encode(w); // AUTH_SYS and AUTH_NONE both use a null verifier
    }

    /** Reads the xid of a reply without consuming anything else. */
    static int peekXid(byte[] record) throws RpcException {
        return new XdrReader(record).getInt();
    }

    /**
     * Checks a reply header and leaves {@code r} at the procedure's results.
     *
     * @param what names the service for messages, e.g. "MOUNT v3 procedure 1"
     * @throws RpcException when the reply is not an accepted, successful reply to {@code xid}
     */
    static void decodeReplyHeader(XdrReader r, int xid, String what) throws RpcException {
        int replyXid = r.getInt();
        if (replyXid != xid) {
            throw new RpcException("reply xid " + hex(replyXid) + " does not match call xid " + hex(xid));
        }
        int type = r.getInt();
        if (type != REPLY) {
            throw new RpcException("expected an RPC reply, got message type " + type);
        }
        int replyStat = r.getInt();
        if (replyStat == MSG_ACCEPTED) {
            r.getInt(); // verifier flavor: we asked for none and do not check it
            r.skipOpaque(MAX_AUTH_BODY);
            int acceptStat = r.getInt();
            switch (acceptStat) {
                case SUCCESS:
                    return;
                case PROG_UNAVAIL:
                    throw new RpcException(what + ": program unavailable (PROG_UNAVAIL)");
                case PROG_MISMATCH:
                    long low = r.getUnsignedInt();
                    long high = r.getUnsignedInt();
                    throw new RpcException(what + ": version not supported, server offers " + low + " to " + high
                            + " (PROG_MISMATCH)");
                case PROC_UNAVAIL:
                    throw new RpcException(what + ": procedure unavailable (PROC_UNAVAIL)");
                case GARBAGE_ARGS:
                    throw new RpcException(what + ": server could not decode the arguments (GARBAGE_ARGS)");
                case SYSTEM_ERR:
                    throw new RpcException(what + ": server system error (SYSTEM_ERR)");
                default:
                    throw new RpcException(what + ": unknown accept status " + acceptStat);
            }
        } else if (replyStat == MSG_DENIED) {
            int rejectStat = r.getInt();
            if (rejectStat == RPC_MISMATCH) {
                long low = r.getUnsignedInt();
                long high = r.getUnsignedInt();
                throw new RpcException(what + ": server speaks RPC versions " + low + " to " + high
                        + " only (RPC_MISMATCH)");
            } else if (rejectStat == AUTH_ERROR) {
                int authStat = r.getInt();
                throw new RpcException(what + ": credentials rejected (" + authStatName(authStat) + ")"
                        + (authStat == 5
                            ? "; the server may insist on a privileged source port or on Kerberos" : ""));
            }
            throw new RpcException(what + ": call denied with unknown reject status " + rejectStat);
        }
        throw new RpcException(what + ": unknown reply status " + replyStat);
    }

    static String authStatName(int stat) {
        switch (stat) {
            case 0: return "AUTH_OK";
            case 1: return "AUTH_BADCRED";
            case 2: return "AUTH_REJECTEDCRED";
            case 3: return "AUTH_BADVERF";
            case 4: return "AUTH_REJECTEDVERF";
            case 5: return "AUTH_TOOWEAK";
            case 6: return "AUTH_INVALIDRESP";
            case 7: return "AUTH_FAILED";
            default: return "auth status " + stat;
        }
    }

    private static String hex(int value) {
        return "0x" + Integer.toHexString(value);
    }
}
