package org.xenproject.eliloader.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP server on 127.0.0.1 for faults no real server can be made to show on demand: it closes
 * every connection as soon as it is accepted, or answers an HTTP request with headers and then
 * drips its body one byte at a time. Counts the connections it accepted.
 */
public final class FaultyServer implements AutoCloseable {
    /** What the server does with each connection. */
    public enum Fault {
        /** Closes the connection at once, before reading anything. */
        CLOSE,
        /** Reads the request, sends 200 with a large Content-Length, then one byte every 200 ms. */
        DRIP
    }

    private final ServerSocket server;
    private final Fault fault;
    private final AtomicInteger accepted = new AtomicInteger();
    private final Thread thread;

    public FaultyServer(Fault fault) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.fault = fault;
        this.thread = new Thread(this::serve, "faulty-server");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port() + "/";
    }

    /** How many connections were accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    private void serve() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.incrementAndGet();
                if (fault == Fault.CLOSE) {
                    socket.setSoLinger(true, 0);
                    socket.close();
                    continue;
                }
                Thread drip = new Thread(() -> drip(socket), "faulty-server-drip");
                drip.setDaemon(true);
                drip.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void drip(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            readHeaders(in);
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\nContent-Type: application/octet-stream\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (int i = 0; i < 1_000_000; i++) {
                out.write('x');
                out.flush();
                Thread.sleep(200);
            }
        } catch (IOException | InterruptedException e) {
            // the client gave up
        }
    }

    private static void readHeaders(InputStream in) throws IOException {
        int state = 0;
        int b;
        while ((b = in.read()) >= 0) {
            state = (b == '\r' || b == '\n') ? state + 1 : 0;
            if (state == 4) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
