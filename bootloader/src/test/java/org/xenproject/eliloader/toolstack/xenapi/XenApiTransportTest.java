package org.xenproject.eliloader.toolstack.xenapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.xmlrpc.XmlRpc;
import org.xenproject.eliloader.xmlrpc.XmlRpcServerCodec;

/**
 * The unix-socket transport's HTTP handling against a peer that answers with fixed bytes: the
 * malformed, oversized and silent answers a healthy xapi never gives.
 */
class XenApiTransportTest {
    private static final byte[] OK_BODY = XmlRpcServerCodec.encodeResponse(java.util.Map.of("Status", "Success", "Value", "v"));

    @TempDir
    Path dir;
    private ServerSocketChannel server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    /** Answers every connection with {@code answer} after reading the request; null: never answer. */
    private Path peer(byte[] answer) throws IOException {
        Path socket = dir.resolve("peer.sock");
        java.nio.file.Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread t = new Thread(() -> {
            while (server.isOpen()) {
                try (SocketChannel c = server.accept()) {
                    requests.add(readRequest(Channels.newInputStream(c)));
                    if (answer == null) {
                        Thread.sleep(2000);
                        continue;
                    }
                    ByteBuffer out = ByteBuffer.wrap(answer);
                    while (out.hasRemaining()) {
                        c.write(out);
                    }
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return socket;
    }

    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private static byte[] http(String head, byte[] body) {
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    private byte[] post(Path socket) throws IOException {
        return new UnixSocketTransport(socket, Duration.ofSeconds(5)).post(XmlRpc.encodeCall("m", List.of("x")));
    }

    @Test
    void sendsAStrictHttpPostToSlash() throws IOException {
        Path socket = peer(http("HTTP/1.1 200 OK\r\nContent-Length: " + OK_BODY.length + "\r\n\r\n", OK_BODY));
        assertThat(post(socket)).isEqualTo(OK_BODY);
        String request = requests.get(0);
        assertThat(request).startsWith("POST / HTTP/1.1\r\n").contains("\r\nHost: localhost\r\n",
                "\r\nContent-Type: text/xml\r\n", "\r\nConnection: close\r\n", "<methodName>m</methodName>");
        int length = XmlRpc.encodeCall("m", List.of("x")).length;
        assertThat(request).contains("\r\nContent-Length: " + length + "\r\n");
    }

    @Test
    void acceptsChunkedBodiesInterimAnswersAndBodiesEndedByTheConnection() throws IOException {
        String half = new String(OK_BODY, StandardCharsets.UTF_8).substring(0, 20);
        String rest = new String(OK_BODY, StandardCharsets.UTF_8).substring(20);
        byte[] chunked = http("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(half.length()) + ";ext=1\r\n" + half + "\r\n"
                + Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\nX-Trailer: t\r\n\r\n", new byte[0]);
        assertThat(post(peer(chunked))).isEqualTo(OK_BODY);
        server.close();
        assertThat(post(peer(http("HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\n\r\n", OK_BODY)))).isEqualTo(OK_BODY);
    }

    @Test
    void refusesMalformedOrUnframeableAnswers() throws IOException {
        List<String> bad = List.of(
                "HTTP/1.1 500 Internal Error\r\nContent-Length: 0\r\n\r\n",
                "HTTP/1.1 301 Moved\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
                "HTTP/2 200\r\n\r\n",
                "ICY 200 OK\r\n\r\n",
                "HTTP/1.1 200 OK\nContent-Length: 0\n\n",                                      // bare LF
                "HTTP/1.1 200 OK\r\nX: a\r\n folded\r\nContent-Length: 0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nBad Header\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef",
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",                          // truncated
                "HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n",                        // over the limit
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFF\r\n",
                "HTTP/1.1 200 OK\r\nX: " + "a".repeat(HttpResponseReader.MAX_HEADER_BYTES) + "\r\n\r\n",
                "HTTP/1.1 200 OK\r\n");                                                          // ends in the header
        for (String answer : bad) {
            Path socket = peer(answer.getBytes(StandardCharsets.ISO_8859_1));
            assertThatThrownBy(() -> post(socket)).as(answer.length() > 80 ? answer.substring(0, 80) : answer)
                    .isInstanceOf(IOException.class);
            server.close();
        }
    }

    @Test
    void refusesABodyOverTheLimitWithoutFraming() throws IOException {
        byte[] big = new byte[XapiTransport.MAX_RESPONSE_BYTES + 10];
        Path socket = peer(http("HTTP/1.1 200 OK\r\n\r\n", big));
        assertThatThrownBy(() -> post(socket)).isInstanceOf(IOException.class).hasMessageContaining("limit");
    }

    @Test
    void aSilentPeerTimesOut() throws IOException {
        Path socket = peer(null);
        UnixSocketTransport transport = new UnixSocketTransport(socket, Duration.ofMillis(300));
        long start = System.nanoTime();
        assertThatThrownBy(() -> transport.post(XmlRpc.encodeCall("m", List.of())))
                .isInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void answersThatAreNotXenApiAreNamedAsSuch() throws IOException {
        for (String body : List.of("<html>busy</html>",
                new String(XmlRpcServerCodec.encodeResponse("just a string"), StandardCharsets.UTF_8),
                new String(XmlRpcServerCodec.encodeResponse(java.util.Map.of("Status", "Maybe")), StandardCharsets.UTF_8),
                new String(XmlRpcServerCodec.encodeResponse(java.util.Map.of("Status", "Failure")), StandardCharsets.UTF_8),
                new String(XmlRpcServerCodec.encodeFault(1, "no"), StandardCharsets.UTF_8))) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            Path socket = peer(http("HTTP/1.1 200 OK\r\nContent-Length: " + bytes.length + "\r\n\r\n", bytes));
            XapiClient client = new XapiClient(new UnixSocketTransport(socket, Duration.ofSeconds(5)),
                    XapiCredentials.LOCAL);
            assertThatThrownBy(client::login).as(body).isInstanceOf(BootloaderException.class)
                    .hasMessageContaining("gave an answer to session.login_with_password that is not XenAPI");
            server.close();
        }
    }
}
