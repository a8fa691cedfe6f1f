package org.xenproject.eliloader.source.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import okhttp3.HttpUrl;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.source.Attempts;
import org.xenproject.eliloader.source.RetryPolicy;

/**
 * The small http client against a scripted server on 127.0.0.1, for what nginx serving files does
 * not send: chunked and close-delimited bodies, interim answers, folded and repeated headers,
 * broken framing. (HttpSourceTest covers it against nginx.)
 */
class PlainHttpTest {
    private ServerSocket server;
    private CompletableFuture<String> request;

    @BeforeEach
    void listen() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws IOException {
        server.close();
    }

    /** The server answers the next connection with {@code answer} (bytes as written), then closes. */
    private void answer(String answer) {
        answer(answer.getBytes(StandardCharsets.ISO_8859_1), 0);
    }

    private void answer(byte[] answer, long stallMillis) {
        request = CompletableFuture.supplyAsync(() -> {
            try (Socket s = server.accept()) {
                String head = readHead(s.getInputStream());
                OutputStream out = s.getOutputStream();
                out.write(answer);
                out.flush();
                if (stallMillis > 0) {
                    Thread.sleep(stallMillis);
                }
                return head;
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private HttpUrl url(String path) {
        return HttpUrl.get("http://127.0.0.1:" + server.getLocalPort() + path);
    }

    private static Attempts attempts() {
        return new Attempts(new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1)), Duration.ofSeconds(20), "test");
    }

    private HttpReply get(String path, Map<String, String> headers) throws IOException {
        return PlainHttp.execute("GET", url(path), headers, Duration.ofSeconds(5), Duration.ofSeconds(5), attempts());
    }

    private static String body(HttpReply reply) throws IOException {
        try (reply; InputStream in = reply.body()) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void theRequestHasTheHostPortPathQueryAndHeadersAndClosesTheConnection() throws Exception {
        answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: \"abc\"\r\n\r\nhello");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Range", "bytes=3-");
        HttpReply reply = get("/a%20b/c?x=1&y=%2F", headers);
        assertThat(reply.code()).isEqualTo(200);
        assertThat(reply.message()).isEqualTo("OK");
        assertThat(reply.header("etag")).isEqualTo("\"abc\"");
        assertThat(reply.contentLength()).isEqualTo(5);
        assertThat(body(reply)).isEqualTo("hello");
        assertThat(request.get(5, TimeUnit.SECONDS)).isEqualTo("GET /a%20b/c?x=1&y=%2F HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + server.getLocalPort() + "\r\nRange: bytes=3-\r\nConnection: close\r\n\r\n");
    }

    @Test
    void chunkedBodiesWithExtensionsAndTrailersAreDecoded() throws Exception {
        answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n1\r\n \r\n6\r\nworld!\r\n0\r\nX-Trailer: yes\r\n\r\n");
        HttpReply reply = get("/", Map.of());
        assertThat(reply.contentLength()).isEqualTo(-1);
        assertThat(body(reply)).isEqualTo("hello world!");
    }

    @Test
    void aBodyWithoutLengthEndsWithTheConnection() throws Exception {
        answer("HTTP/1.0 200 OK\r\nServer: old\r\n\r\nall of it");
        assertThat(body(get("/", Map.of()))).isEqualTo("all of it");
    }

    @Test
    void interimAnswersAreSkippedAndFoldedOrRepeatedHeadersRead() throws Exception {
        answer("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n"
                + "HTTP/1.1 302 Found\nLocation: /one\n  /continued\nlocation: /two\nContent-Length: 0\n\n");
        HttpReply reply = get("/", Map.of());
        assertThat(reply.code()).isEqualTo(302);
        assertThat(reply.header("Location")).isEqualTo("/one /continued");
        assertThat(body(reply)).isEmpty();
    }

    @Test
    void headAnswersHaveNoBodyWhateverTheirLength() throws Exception {
        answer("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
        HttpReply reply = PlainHttp.execute("HEAD", url("/f"), Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(5),
                attempts());
        assertThat(reply.code()).isEqualTo(200);
        assertThat(body(reply)).isEmpty();
        assertThat(request.get(5, TimeUnit.SECONDS)).startsWith("HEAD /f HTTP/1.1\r\n");
    }

    @Test
    void aBodyShorterThanItsLengthIsAnError() throws Exception {
        answer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
        HttpReply reply = get("/", Map.of());
        assertThatThrownBy(() -> body(reply)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("after 5 of 10 bytes");
    }

    @Test
    void aChunkedBodyCutShortIsAnError() throws Exception {
        answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc");
        HttpReply reply = get("/", Map.of());
        assertThatThrownBy(() -> body(reply)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void malformedAnswersAreProtocolErrors() throws Exception {
        for (String bad : new String[] {"SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
                "HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "HTTP/1.1 200 OK\r\nX: " + "y".repeat(70_000) + "\r\n\r\n", ""}) {
            answer(bad);
            assertThatThrownBy(() -> body(get("/", Map.of()))).as(bad.length() > 60 ? bad.substring(0, 60) : bad)
                    .isInstanceOf(ProtocolException.class);
        }
    }

    @Test
    void aStalledServerIsAReadTimeout() throws Exception {
        answer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".getBytes(StandardCharsets.ISO_8859_1), 3000);
        HttpReply reply = PlainHttp.execute("GET", url("/"), Map.of(), Duration.ofSeconds(5), Duration.ofMillis(300),
                attempts());
        long start = System.nanoTime();
        assertThatThrownBy(() -> body(reply)).isInstanceOf(SocketTimeoutException.class);
        assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(2).toNanos());
    }

    @Test
    void aClosedPortIsAConnectFailureNamingTheAddress() throws Exception {
        int port = server.getLocalPort();
        server.close();
        assertThatThrownBy(() -> PlainHttp.execute("GET", HttpUrl.get("http://127.0.0.1:" + port + "/"), Map.of(),
                Duration.ofSeconds(2), Duration.ofSeconds(2), attempts()))
                .isInstanceOf(java.net.ConnectException.class).hasMessageContaining("127.0.0.1:" + port);
    }
}
