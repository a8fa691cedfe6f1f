package org.xenproject.eliloader.source.nfs;

import java.io.IOException;

/**
 * PMAP version 2 GETPORT (RFC 1833 section 3.2), spoken over TCP to port 111. Version 2
 * is the one every rpcbind and every old portmap still answers.
 */
final class Portmapper {
    static final int PROGRAM = 100000;
    static final int VERSION = 2;
    static final int PORT = 111;
    static final int PROC_GETPORT = 3;
    static final int IPPROTO_TCP = 6;

    private Portmapper() {
    }

    /** Returns the TCP port of {@code program}/{@code version}, or 0 when it is not registered. */
    static int getPort(RpcConnection portmapper, int program, int version) throws IOException {
        XdrWriter args = encodeGetPort(program, version);
        XdrReader r = portmapper.call(PROC_GETPORT, "GETPORT", args);
        return decodeGetPort(r);
    }

    static XdrWriter encodeGetPort(int program, int version) {
        return new XdrWriter(16).putInt(program).putInt(version).putInt(IPPROTO_TCP).putInt(0);
    }

    static int decodeGetPort(XdrReader r) throws RpcException {
        long port = r.getUnsignedInt();
        if (port > 65535) {
            throw new RpcException("portmapper answered port " + port);
        }
        return (int) port;
    }
}
