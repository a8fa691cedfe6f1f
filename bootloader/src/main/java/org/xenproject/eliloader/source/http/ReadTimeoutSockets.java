package org.xenproject.eliloader.source.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;

import javax.net.SocketFactory;

/**
 * Plain sockets whose reads time out in the kernel ({@code SO_TIMEOUT}) instead of in Okio.
 *
 * <p>Why: OkHttp enforces its read timeout with Okio's watchdog, which enters and leaves a shared
 * queue around every 8 KiB read; on a 40 MB initrd that costs about a third of the transfer. The
 * client is therefore built with no read or write timeout, OkHttp then asks the socket for
 * {@code SO_TIMEOUT} 0 ("none"), and these sockets take that as the configured read timeout. So
 * every blocking read of the connection (proxy CONNECT, TLS handshake, headers, body) still fails
 * after {@code readTimeout} without data; the call timeout still bounds the whole file.
 */
final class ReadTimeoutSockets extends SocketFactory {
    private final int readTimeoutMillis;
    /** The connection opened before the client was ready ({@link EarlyConnection}), or null. */
    private final EarlyConnection early;

    ReadTimeoutSockets(Duration readTimeout) {
        this(readTimeout, null);
    }

    ReadTimeoutSockets(Duration readTimeout, EarlyConnection early) {
        this.readTimeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
        this.early = early;
    }

    @Override
    public Socket createSocket() throws SocketException {
        Socket opened = early == null ? null : early.claim();
        return opened != null ? opened : newSocket(readTimeoutMillis);
    }

    /** An unconnected socket whose reads time out after {@code readTimeoutMillis}. */
    static Socket newSocket(int readTimeoutMillis) throws SocketException {
        Socket socket = new TimedSocket(readTimeoutMillis);
        socket.setSoTimeout(0);
        return socket;
    }

    /** Closes the early connection if it was never used. */
    void close() {
        if (early != null) {
            early.close();
        }
    }

    // OkHttp only asks for unconnected sockets; the connecting forms are here for the contract
    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(null, new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(localHost, localPort), new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(null, new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(new InetSocketAddress(localAddress, localPort), new InetSocketAddress(address, port));
    }

    private Socket connected(InetSocketAddress local, InetSocketAddress remote) throws IOException {
        Socket socket = createSocket();
        if (local != null) {
            socket.bind(local);
        }
        socket.connect(remote);
        return socket;
    }

    /**
     * A direct socket on which "no timeout" means the configured read timeout. One that is already
     * connected (opened early) takes a connect to that same address as done.
     */
    private static final class TimedSocket extends Socket {
        private final int readTimeoutMillis;

        TimedSocket(int readTimeoutMillis) {
            super(Proxy.NO_PROXY);
            this.readTimeoutMillis = readTimeoutMillis;
        }

        @Override
        public synchronized void setSoTimeout(int timeout) throws SocketException {
            super.setSoTimeout(timeout == 0 ? readTimeoutMillis : timeout);
        }

        @Override
        public void connect(java.net.SocketAddress endpoint, int timeout) throws IOException {
            if (isConnected() && !isClosed() && endpoint != null && endpoint.equals(getRemoteSocketAddress())) {
                return;
            }
            super.connect(endpoint, timeout);
        }
    }
}
