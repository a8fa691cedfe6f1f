package org.xenproject.eliloader.source.nfs;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * The few NFS version 3 procedures (RFC 1813) a reader of install trees needs:
 * GETATTR, LOOKUP, READLINK, READ and FSINFO. Arguments and results are decoded here,
 * one method per procedure; the status of a failed call becomes an
 * {@link NfsStatusException}.
 */
final class Nfs3Client {
    static final int PROGRAM = 100003;
    static final int VERSION = 3;
    static final int DEFAULT_PORT = 2049;

    static final int PROC_GETATTR = 1;
    static final int PROC_LOOKUP = 3;
    static final int PROC_READLINK = 5;
    static final int PROC_READ = 6;
    static final int PROC_FSINFO = 19;

    static final int NFS3_OK = 0;
    static final int NFS3ERR_NOENT = 2;
    static final int NFS3ERR_NOTDIR = 20;
    static final int NFS3ERR_JUKEBOX = 10008;

    static final int NF3REG = 1;
    static final int NF3DIR = 2;
    static final int NF3LNK = 5;

    static final int NFS3_FHSIZE = 64;
    /** NFSv3 paths are unbounded in the protocol; POSIX PATH_MAX is plenty for a link. */
    static final int MAX_LINK = 4096;
    /** fattr3 is 21 XDR units: type, mode, nlink, uid, gid, size(2), used(2), rdev(2),
     *  fsid(2), fileid(2), atime(2), mtime(2), ctime(2). */
    static final int FATTR3_BYTES = 84;

    /** JUKEBOX means "busy, ask again later" (data being recalled from tape, say). */
    private static final long[] JUKEBOX_DELAYS_MILLIS = {250, 500, 1000, 2000, 2000, 2000, 2000};

    /** The attributes we use out of fattr3. */
    static final class Attributes {
        final int type;
        final int mode;
        final long size;
        /** The file id (inode) and modification time in nanoseconds; 0 when not decoded. */
        final long fileId;
        final long mtimeNanos;

        Attributes(int type, int mode, long size) {
            this(type, mode, size, 0, 0);
        }

        Attributes(int type, int mode, long size, long fileId, long mtimeNanos) {
            this.type = type;
            this.mode = mode;
            this.size = size;
            this.fileId = fileId;
            this.mtimeNanos = mtimeNanos;
        }
    }

    /** A LOOKUP result: the handle, and the attributes when the server sent them. */
    static final class Lookup {
        final byte[] handle;
        final Attributes attributes;

        Lookup(byte[] handle, Attributes attributes) {
            this.handle = handle;
            this.attributes = attributes;
        }
    }

    /** READ data left in the reply record: bytes {@code offset .. offset+count} of {@code record}. */
    static final class ReadResult {
        final byte[] record;
        final int offset;
        final int count;
        final boolean eof;

        ReadResult(byte[] record, int offset, int count, boolean eof) {
            this.record = record;
            this.offset = offset;
            this.count = count;
            this.eof = eof;
        }
    }

    /** The transfer sizes the server prefers and allows for READ (0 when it does not say). */
    static final class FsInfo {
        final long rtmax;
        final long rtpref;

        FsInfo(long rtmax, long rtpref) {
            this.rtmax = rtmax;
            this.rtpref = rtpref;
        }
    }

    private final RpcConnection connection;

    Nfs3Client(RpcConnection connection) {
        this.connection = connection;
    }

    RpcConnection connection() {
        return connection;
    }

    Attributes getattr(byte[] handle) throws IOException {
        XdrReader r = callOk(PROC_GETATTR, new XdrWriter(72).putOpaque(handle), "GETATTR");
        return decodeFattr(r);
    }

    Lookup lookup(byte[] directory, String name) throws IOException {
        XdrReader r = callOk(PROC_LOOKUP, encodeLookup(directory, name), "LOOKUP");
        return decodeLookupOk(r);
    }

    String readlink(byte[] handle) throws IOException {
        XdrReader r = callOk(PROC_READLINK, new XdrWriter(72).putOpaque(handle), "READLINK");
        skipPostOpAttr(r);
        return r.getString(MAX_LINK);
    }

    ReadResult read(byte[] handle, long offset, int count) throws IOException {
        XdrReader r = callOk(PROC_READ, encodeRead(handle, offset, count), "READ");
        return decodeReadOk(r, count);
    }

    FsInfo fsinfo(byte[] root) throws IOException {
        XdrReader r = callOk(PROC_FSINFO, new XdrWriter(72).putOpaque(root), "FSINFO");
        skipPostOpAttr(r);
        long rtmax = r.getUnsignedInt();
        long rtpref = r.getUnsignedInt();
        // rtmult, wtmax, wtpref, wtmult, dtpref, maxfilesize, time_delta, properties: unused
        return new FsInfo(rtmax, rtpref);
    }

    static XdrWriter encodeLookup(byte[] directory, String name) {
        return new XdrWriter(80 + name.length() * 3).putOpaque(directory).putString(name);
    }

    static XdrWriter encodeRead(byte[] handle, long offset, int count) {
        return new XdrWriter(84).putOpaque(handle).putLong(offset).putInt(count);
    }

    static Lookup decodeLookupOk(XdrReader r) throws RpcException {
        byte[] handle = r.getOpaque(NFS3_FHSIZE);
        Attributes attributes = decodePostOpAttr(r);
        skipPostOpAttr(r); // the directory's attributes
        return new Lookup(handle, attributes);
    }

    static ReadResult decodeReadOk(XdrReader r, int requested) throws RpcException {
        skipPostOpAttr(r);
        long count = r.getUnsignedInt();
        boolean eof = r.getBoolean();
        int[] length = new int[1];
        int at = r.getOpaqueInPlace(requested, length);
        if (count != length[0]) {
            throw new RpcException("READ reply says " + count + " bytes but carries " + length[0]);
        }
        return new ReadResult(r.buffer(), at, length[0], eof);
    }

    static Attributes decodeFattr(XdrReader r) throws RpcException {
        int type = r.getInt();
        int mode = r.getInt();
        r.skip(12); // nlink, uid, gid
        long size = r.getLong();
        r.skip(24); // used, rdev, fsid
        long fileId = r.getLong();
        r.skip(8); // atime
        long mtimeSeconds = r.getInt() & 0xffffffffL;
        long mtimeNanos = r.getInt() & 0xffffffffL;
        r.skip(8); // ctime
        return new Attributes(type, mode, size, fileId, mtimeSeconds * 1_000_000_000L + mtimeNanos);
    }

    /** post_op_attr: a boolean, then fattr3 when it is true. */
    static Attributes decodePostOpAttr(XdrReader r) throws RpcException {
        return r.getBoolean() ? decodeFattr(r) : null;
    }

    static void skipPostOpAttr(XdrReader r) throws RpcException {
        if (r.getBoolean()) {
            r.skip(FATTR3_BYTES);
        }
    }

    /** Calls and returns the reader after an NFS3_OK status; retries a while on JUKEBOX. */
    private XdrReader callOk(int procedure, XdrWriter args, String operation) throws IOException {
        for (int attempt = 0; ; attempt++) {
            XdrReader r = connection.call(procedure, operation, args);
            int status = r.getInt();
            if (status == NFS3_OK) {
                return r;
            }
            if (status != NFS3ERR_JUKEBOX || attempt >= JUKEBOX_DELAYS_MILLIS.length) {
                throw new NfsStatusException(operation, status, statusName(status));
            }
            try {
                Thread.sleep(JUKEBOX_DELAYS_MILLIS[attempt]);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(operation + " interrupted while the server was busy");
            }
        }
    }

    static String statusName(int status) {
        switch (status) {
            case 0: return "NFS3_OK";
            case 1: return "NFS3ERR_PERM";
            case 2: return "NFS3ERR_NOENT";
            case 5: return "NFS3ERR_IO";
            case 6: return "NFS3ERR_NXIO";
            case 13: return "NFS3ERR_ACCES";
            case 17: return "NFS3ERR_EXIST";
            case 18: return "NFS3ERR_XDEV";
            case 19: return "NFS3ERR_NODEV";
            case 20: return "NFS3ERR_NOTDIR";
            case 21: return "NFS3ERR_ISDIR";
            case 22: return "NFS3ERR_INVAL";
            case 27: return "NFS3ERR_FBIG";
            case 28: return "NFS3ERR_NOSPC";
            case 30: return "NFS3ERR_ROFS";
            case 31: return "NFS3ERR_MLINK";
            case 63: return "NFS3ERR_NAMETOOLONG";
            case 66: return "NFS3ERR_NOTEMPTY";
            case 69: return "NFS3ERR_DQUOT";
            case 70: return "NFS3ERR_STALE";
            case 71: return "NFS3ERR_REMOTE";
            case 10001: return "NFS3ERR_BADHANDLE";
            case 10002: return "NFS3ERR_NOT_SYNC";
            case 10003: return "NFS3ERR_BAD_COOKIE";
            case 10004: return "NFS3ERR_NOTSUPP";
            case 10005: return "NFS3ERR_TOOSMALL";
            case 10006: return "NFS3ERR_SERVERFAULT";
            case 10007: return "NFS3ERR_BADTYPE";
            case 10008: return "NFS3ERR_JUKEBOX";
            default: return "NFS3 status " + status;
        }
    }
}
