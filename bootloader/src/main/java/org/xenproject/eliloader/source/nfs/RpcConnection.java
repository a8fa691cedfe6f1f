package org.xenproject.eliloader.source.nfs;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One TCP connection to one RPC program and version, carrying one call at a time.
 *
 * <p>Calls are synchronous: the bootloader reads files one after the other, and the
 * round trip is small beside a READ of up to a mebibyte. Replies whose xid is not the one
 * we wait for (a late answer to a call the server retransmitted from its duplicate
 * request cache, say) are dropped; a bounded number of them is tolerated.
 *
 * <p>After any I/O failure the socket is closed, and the next call opens a new one: NFSv3
 * is stateless, so file handles stay valid across connections.
 *
 * <p>Source port: Linux's knfsd and mountd by default ("secure" exports) only answer
 * requests from ports below 1024, which is what the kernel client uses. When asked to,
 * and when the process may (root, or CAP_NET_BIND_SERVICE), we bind such a port too;
 * otherwise we fall back to an ordinary port, which ganesha and "insecure" exports accept.
 */
final class RpcConnection implements Closeable {
    private static final int MAX_STRAY_REPLIES = 16;
    /** Ports 665..1023: below the ones Linux's own RPC clients prefer to leave alone. */
    private static final int RESERVED_LOW = 665;
    private static final int RESERVED_HIGH = 1023;
    private static final int RESERVED_ATTEMPTS = 40;

    private final InetSocketAddress address;
    private final int program;
    private final int version;
    private final String name;
    private final RpcAuth auth;
    private final int connectTimeoutMillis;
    private final int callTimeoutMillis;
    private final int maxRecord;
    private final boolean reservedPort;

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private int nextXid = ThreadLocalRandom.current().nextInt();

    /**
     * @param name a label for messages, e.g. "MOUNT v3"
     * @param maxRecord the largest reply accepted, in bytes
     */
    RpcConnection(InetSocketAddress address, int program, int version, String name, RpcAuth auth,
                  int connectTimeoutMillis, int callTimeoutMillis, int maxRecord, boolean reservedPort) {
        this.address = address;
        this.program = program;
        this.version = version;
        this.name = name;
        this.auth = auth;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.callTimeoutMillis = callTimeoutMillis;
        this.maxRecord = maxRecord;
        this.reservedPort = reservedPort;
    }

    String name() {
        return name;
    }

    InetSocketAddress address() {
        return address;
    }

    /** The local port of the open connection, or -1; lets tests check the reserved-port rule. */
    synchronized int localPort() {
        return socket == null ? -1 : socket.getLocalPort();
    }

    /** Opens the connection now rather than on the first call, to report refusals early. */
    synchronized void connect() throws IOException {
        if (socket == null) {
            open();
        }
    }

    /**
     * Calls {@code procedure} with already-encoded {@code args} and returns a reader
     * positioned at the results.
     *
     * @param procedureName for messages, e.g. "READ"
     */
    synchronized XdrReader call(int procedure, String procedureName, XdrWriter args) throws IOException {
        if (socket == null) {
            open();
        }
        int xid = nextXid++;
        XdrWriter w = new XdrWriter(4 + 40 + 64 + args.length());
        w.putInt(0); // room for the record mark
        RpcMessages.encodeCall(w, xid, program, version, procedure, auth);
        w.putRaw(args.buffer(), 0, args.length());
        String what = name + " " + procedureName;
        byte[] record;
        try {
            RecordMarking.writeRecord(out, w);
            record = receive(xid, what);
        } catch (IOException e) {
            // Where the stream stands after a failure is unknown; never reuse it.
            close();
            throw e;
        }
        // A rejection (PROC_UNAVAIL, AUTH_ERROR) is a whole record: the connection stays usable.
        XdrReader r = new XdrReader(record);
        RpcMessages.decodeReplyHeader(r, xid, what);
        return r;
    }

    private byte[] receive(int xid, String what) throws IOException {
        ReplyDeadline deadline = ReplyDeadline.after(socket, callTimeoutMillis);
        for (int stray = 0; ; stray++) {
            byte[] record = RecordMarking.readRecord(in, maxRecord, deadline);
            if (record.length >= 4 && RpcMessages.peekXid(record) == xid) {
                return record;
            }
            if (stray >= MAX_STRAY_REPLIES) {
                throw new RpcException(what + ": too many replies to calls we did not make");
            }
        }
    }

    @Override
    public synchronized void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a socket we are abandoning: nothing useful to report
            }
            socket = null;
            in = null;
            out = null;
        }
    }

    private void open() throws IOException {
        Socket s = reservedPort ? connectFromReservedPort() : null;
        if (s == null) {
            s = new Socket();
            try {
                s.connect(address, connectTimeoutMillis);
            } catch (IOException e) {
                s.close();
                throw connectFailure(e);
            }
        }
        s.setTcpNoDelay(true); // calls are single small writes; do not wait for ACKs
        s.setKeepAlive(true);
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
        out = s.getOutputStream();
    }

    /**
     * Tries ports below 1024 from a random start. Returns null when the process may not
     * bind them (the first "Permission denied" settles that) or when none is free.
     */
    private Socket connectFromReservedPort() throws IOException {
        int span = RESERVED_HIGH - RESERVED_LOW + 1;
        int start = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < RESERVED_ATTEMPTS; i++) {
            int port = RESERVED_LOW + (start + i) % span;
            Socket s = new Socket();
            try {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(port));
            } catch (BindException e) {
                s.close();
                String message = e.getMessage();
                if (message != null && message.contains("Permission denied")) {
                    return null;
                }
                continue; // in use: try the next one
            }
            try {
                s.connect(address, connectTimeoutMillis);
                return s;
            } catch (BindException e) {
                s.close(); // the same four-tuple is still in TIME_WAIT: try another port
            } catch (IOException e) {
                s.close();
                throw connectFailure(e);
            }
        }
        return null;
    }

    /**
     * Every failure to connect (refused, timed out, network unreachable) surfaces as a
     * {@link ConnectException}, so callers can tell "could not connect" from "connected
     * but got no answer".
     */
    private IOException connectFailure(IOException e) {
        if (e instanceof ConnectException) {
            return e;
        }
        ConnectException c = new ConnectException(e instanceof SocketTimeoutException
                ? "connection not accepted within " + connectTimeoutMillis + " ms" : e.getMessage());
        c.initCause(e);
        return c;
    }
}
