package org.xenproject.eliloader.source.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

import org.xenproject.eliloader.source.ProxySetting;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.source.SourceOptions;

/**
 * The first TCP connection to the repository's server, opened on a daemon thread as soon as the
 * run knows the repository, while OkHttp sets itself up (~45 ms) and the profiles load: over a
 * 40 ms link its handshake then costs the start nothing. {@link ReadTimeoutSockets} hands it to
 * OkHttp as the first socket it asks for, and a socket OkHttp connects to that same address is
 * already connected. Only for a direct connection to a host with exactly one address (what
 * OkHttp's first attempt then surely is); with a proxy, or when the early attempt fails, OkHttp
 * connects as it always does and reports its own errors.
 */
public final class EarlyConnection {
    private final FutureTask<Socket> connecting;
    /** Taken by OkHttp, or given up: either way this object no longer owns the socket. */
    private boolean settled;

    private EarlyConnection(String host, int port, int connectMillis, int readMillis) {
        this.connecting = new FutureTask<>(() -> connect(host, port, connectMillis, readMillis));
    }

    /** Starts connecting to the repository's server, or returns null when this run must not (a proxy). */
    public static EarlyConnection begin(Repository repository, SourceOptions options) {
        if (ProxySetting.of(options) != null) {
            return null;
        }
        EarlyConnection early = new EarlyConnection(repository.host(), repository.port(),
                millis(options.connectTimeout().toMillis()), millis(options.readTimeout().toMillis()));
        Thread thread = new Thread(early.connecting, "eliloader-connect");
        thread.setDaemon(true);
        thread.start();
        return early;
    }

    private Socket connect(String host, int port, int connectMillis, int readMillis) throws IOException {
        InetAddress[] addresses = InetAddress.getAllByName(host);
        if (addresses.length != 1) {
            return null; // OkHttp may try another address first
        }
        Socket socket = ReadTimeoutSockets.newSocket(readMillis);
        try {
            socket.connect(new InetSocketAddress(addresses[0], port), connectMillis);
        } catch (IOException | RuntimeException e) {
            socket.close();
            return null; // OkHttp's own attempt reports it
        }
        synchronized (this) {
            if (settled) { // given up while connecting: no one will take it
                socket.close();
                return null;
            }
        }
        return socket;
    }

    private static int millis(long millis) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis));
    }

    /** The connected socket the first time it is asked for (waiting for the attempt), else null. */
    Socket claim() {
        synchronized (this) {
            if (settled) {
                return null;
            }
            settled = true;
        }
        return outcome();
    }

    /** Closes the connection if OkHttp never took it (at once, or when the attempt ends). */
    public void close() {
        synchronized (this) {
            if (settled) {
                return;
            }
            settled = true;
        }
        if (connecting.isDone()) {
            Socket unused = outcome();
            if (unused != null) {
                try {
                    unused.close();
                } catch (IOException ignored) {
                    // nothing was sent on it
                }
            }
        }
    }

    /** The local port of the connection opened early, if it was (for tests: the server logs it). */
    java.util.OptionalInt localPort() {
        Socket socket = connecting.isDone() ? outcome() : null;
        return socket == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(socket.getLocalPort());
    }

    private Socket outcome() {
        try {
            return connecting.get();
        } catch (ExecutionException e) {
            return null; // e.g. the name did not resolve: OkHttp's own attempt says so
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
