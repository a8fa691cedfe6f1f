package org.xenproject.eliloader.source.nfs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The MOUNT protocol, version 3 (RFC 1813 section 5): MNT, UMNT and EXPORT. */
final class MountClient {
    static final int PROGRAM = 100005;
    static final int VERSION = 3;
    static final int PROC_MNT = 1;
    static final int PROC_UMNT = 3;
    static final int PROC_EXPORT = 5;

    static final int MNTPATHLEN = 1024;
    static final int FHSIZE3 = 64;
    /** Guards the export list decoding against an endless linked list. */
    static final int MAX_EXPORTS = 10_000;
    private static final int MAX_FLAVORS = 64;

    /** A successful MNT: the root file handle and the security flavors the export accepts. */
    static final class Mounted {
        final byte[] handle;
        final int[] flavors;

        Mounted(byte[] handle, int[] flavors) {
            this.handle = handle;
            this.flavors = flavors;
        }
    }

    private final RpcConnection connection;

    MountClient(RpcConnection connection) {
        this.connection = connection;
    }

    Mounted mount(String dirPath) throws IOException {
        return decodeMnt(connection.call(PROC_MNT, "MNT", encodePath(dirPath)));
    }

    void unmount(String dirPath) throws IOException {
        connection.call(PROC_UMNT, "UMNT", encodePath(dirPath));
    }

    /** The exported directories, without their client lists. */
    List<String> exports() throws IOException {
        return decodeExports(connection.call(PROC_EXPORT, "EXPORT", new XdrWriter(0)));
    }

    static XdrWriter encodePath(String dirPath) {
        return new XdrWriter(dirPath.length() + 8).putString(dirPath);
    }

    static Mounted decodeMnt(XdrReader r) throws IOException {
        int status = r.getInt();
        if (status != 0) {
            throw new NfsStatusException("MNT", status, statusName(status));
        }
        byte[] handle = r.getOpaque(FHSIZE3);
        long count = r.getUnsignedInt();
        if (count > MAX_FLAVORS) {
            throw new RpcException("MNT reply lists " + count + " security flavors");
        }
        int[] flavors = new int[(int) count];
        for (int i = 0; i < flavors.length; i++) {
            flavors[i] = r.getInt();
        }
        return new Mounted(handle, flavors);
    }

    static List<String> decodeExports(XdrReader r) throws RpcException {
        List<String> exports = new ArrayList<>();
        int nodes = 0;
        while (r.getBoolean()) {
            if (++nodes > MAX_EXPORTS) {
                throw new RpcException("export list longer than " + MAX_EXPORTS + " entries");
            }
            exports.add(r.getString(MNTPATHLEN));
            while (r.getBoolean()) { // the groups allowed to mount it
                if (++nodes > MAX_EXPORTS) {
                    throw new RpcException("export list longer than " + MAX_EXPORTS + " entries");
                }
                r.skipOpaque(MNTPATHLEN); // lenient: some servers list long netgroups
            }
        }
        return exports;
    }

    static String statusName(int status) {
        switch (status) {
            case 0: return "MNT3_OK";
            case 1: return "MNT3ERR_PERM";
            case 2: return "MNT3ERR_NOENT";
            case 5: return "MNT3ERR_IO";
            case 13: return "MNT3ERR_ACCES";
            case 20: return "MNT3ERR_NOTDIR";
            case 22: return "MNT3ERR_INVAL";
            case 63: return "MNT3ERR_NAMETOOLONG";
            case 10004: return "MNT3ERR_NOTSUPP";
            case 10006: return "MNT3ERR_SERVERFAULT";
            default: return "MNT3 status " + status;
        }
    }
}
