package org.xenproject.eliloader.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An HTTP/1.1 server on 127.0.0.1 that serves the files of a directory slowly: headers at once,
 * then the body in chunks of {@code chunk} bytes with {@code pause} between them, so a download of
 * a small file lasts long enough for a test to interrupt it. GET only; a missing file is 404.
 */
public final class SlowTreeServer implements AutoCloseable {
    private final ServerSocket server;
    private final Path root;
    private final int chunk;
    private final Duration pause;

    public SlowTreeServer(Path root, int chunk, Duration pause) throws IOException {
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        this.root = root;
        this.chunk = chunk;
        this.pause = pause;
        Thread thread = new Thread(this::serve, "slow-tree-server");
        thread.setDaemon(true);
        thread.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/";
    }

    private void serve() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread t = new Thread(() -> answer(socket), "slow-tree-answer");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void answer(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            String request = readHeaders(in);
            String[] parts = request.split(" ");
            String path = parts.length > 1 ? parts[1] : "/";
            Path file = root.resolve(path.substring(1)).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            byte[] body = Files.readAllBytes(file);
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length
                    + "\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (int at = 0; at < body.length; at += chunk) {
                Thread.sleep(pause.toMillis());
                out.write(body, at, Math.min(chunk, body.length - at));
                out.flush();
            }
        } catch (IOException e) {
            // the client went away (killed): nothing to do
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readHeaders(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
            if (head.length() > 16384) {
                break;
            }
        }
        int eol = head.indexOf("\r\n");
        return eol < 0 ? head.toString() : head.substring(0, eol);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
