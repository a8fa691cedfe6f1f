package org.xenproject.eliloader.source.nfs;

import java.nio.charset.StandardCharsets;

/**
 * An ONC RPC credential (RFC 5531 section 8.2, RFC 5531 appendix A for AUTH_SYS).
 * The bootloader runs as root in dom0 and only reads, so it presents itself as uid 0,
 * gid 0: install trees are world-readable, and an export that squashes root still maps
 * us to an anonymous user that can read them.
 */
final class RpcAuth {
    static final int AUTH_NONE = 0;
    static final int AUTH_SYS = 1;

    /** Used for the portmapper, which ignores credentials. */
    static final RpcAuth NONE = new RpcAuth(AUTH_NONE, new byte[0]);

    /** AUTH_SYS limits: machine name up to 255 bytes, at most 16 supplementary groups. */
    private static final int MAX_MACHINE_NAME = 255;

    private final int flavor;
    private final byte[] body;

    private RpcAuth(int flavor, byte[] body) {
        this.flavor = flavor;
        this.body = body;
    }

    /** AUTH_SYS as root with the machine name servers log; no supplementary groups. */
    static RpcAuth sysRoot() {
        // The stamp only lets a server tell credentials apart; seconds are good enough.
        return sys((int) (System.currentTimeMillis() / 1000), "eliloader", 0, 0);
    }

    static RpcAuth sys(int stamp, String machineName, int uid, int gid) {
        if (machineName.getBytes(StandardCharsets.UTF_8).length > MAX_MACHINE_NAME) {
            throw new IllegalArgumentException("AUTH_SYS machine name longer than 255 bytes");
        }
        XdrWriter w = new XdrWriter(64);
        w.putInt(stamp).putString(machineName).putInt(uid).putInt(gid).putInt(0);
        return new RpcAuth(AUTH_SYS, w.toByteArray());
    }

    int flavor() {
        return flavor;
    }

    /** Writes the opaque_auth: flavor, then the body as variable-length opaque. */
    void encode(XdrWriter w) {
        w.putInt(flavor).putOpaque(body);
    }

    static String flavorName(int flavor) {
        switch (flavor) {
            case AUTH_NONE: return "AUTH_NONE";
            case AUTH_SYS: return "AUTH_SYS";
            case 2: return "AUTH_SHORT";
            case 3: return "AUTH_DH";
            case 6: return "RPCSEC_GSS";
            case 390003: return "krb5";
            case 390004: return "krb5i";
            case 390005: return "krb5p";
            default: return "flavor " + flavor;
        }
    }
}
