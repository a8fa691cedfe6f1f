package org.xenproject.eliloader.source.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import okhttp3.HttpUrl;

import org.xenproject.eliloader.source.Attempts;

/**
 * The client for the common case: a cleartext {@code http://} request sent straight to the server
 * (no proxy), one connection per request. It speaks just the HTTP/1.1 a GET or HEAD needs
 * (Content-Length, chunked and close-delimited bodies, interim 1xx answers skipped) and copies
 * the body straight from the socket into the caller's buffer. A VM start then pays neither for
 * starting OkHttp (its platform probe, security providers, logging, a TLS context) nor for its
 * per-segment reads; https and proxies still go through OkHttp.
 *
 * <p>Timeouts: the connect timeout per address, and for every read the read timeout or what is
 * left of the file's overall deadline, whichever is shorter.
 */
final class PlainHttp {
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_HEADER_LINES = 200;

    private PlainHttp() {
    }

    /**
     * Sends one request and reads the answer's head; the body is left for the caller.
     *
     * @param headers extra request headers, name then value
     */
    static HttpReply execute(String method, HttpUrl url, Map<String, String> headers, Duration connectTimeout,
            Duration readTimeout, Attempts attempts) throws IOException {
        if (url.isHttps()) {
            throw new IllegalArgumentException("PlainHttp is for http URLs: " + url);
        }
        Socket socket = connect(url, connectTimeout, attempts);
        boolean ok = false;
        try {
            Timeouts timeouts = new Timeouts(socket, readTimeout, attempts);
            timeouts.beforeRead();
            OutputStream out = socket.getOutputStream();
            out.write(request(method, url, headers));
            out.flush();
            Head head = new Head(socket.getInputStream(), timeouts);
            Reply reply = head.read(socket, method.equals("HEAD"));
            ok = true;
            return reply;
        } finally {
            if (!ok) {
                closeQuietly(socket);
            }
        }
    }

    private static Socket connect(HttpUrl url, Duration connectTimeout, Attempts attempts) throws IOException {
        InetAddress[] addresses = InetAddress.getAllByName(url.host());
        IOException last = null;
        for (InetAddress address : addresses) {
            Socket socket = new Socket();
            try {
                int timeout = (int) Math.max(1, Math.min(connectTimeout.toMillis(), attempts.remaining().toMillis()));
                socket.connect(new InetSocketAddress(address, url.port()), timeout);
                socket.setTcpNoDelay(true);
                return socket;
            } catch (IOException e) {
                closeQuietly(socket);
                ConnectException failure = new ConnectException("Failed to connect to " + address + ":" + url.port()
                        + ": " + e.getMessage());
                failure.initCause(e);
                last = e instanceof java.net.SocketTimeoutException ? e : failure;
            }
        }
        throw last != null ? last : new ConnectException("no address for " + url.host());
    }

    private static byte[] request(String method, HttpUrl url, Map<String, String> headers) {
        StringBuilder r = new StringBuilder(256);
        r.append(method).append(' ').append(url.encodedPath());
        if (url.encodedQuery() != null) {
            r.append('?').append(url.encodedQuery());
        }
        r.append(" HTTP/1.1\r\nHost: ");
        String host = url.host();
        r.append(host.indexOf(':') >= 0 ? "[" + host + "]" : host);
        if (url.port() != HttpUrl.defaultPort(url.scheme())) {
            r.append(':').append(url.port());
        }
        r.append("\r\n");
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String value = h.getValue();
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header " + h.getKey() + " holds a line break");
            }
            r.append(h.getKey()).append(": ").append(value).append("\r\n");
        }
        r.append("Connection: close\r\n\r\n");
        return r.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to release
        }
    }

    /** Sets the socket's read timeout before each read: the read timeout, or less near the deadline. */
    private static final class Timeouts {
        private final Socket socket;
        private final long readTimeoutMillis;
        private final Attempts attempts;
        private int current = -1;

        Timeouts(Socket socket, Duration readTimeout, Attempts attempts) {
            this.socket = socket;
            this.readTimeoutMillis = Math.max(1, readTimeout.toMillis());
            this.attempts = attempts;
        }

        void beforeRead() throws IOException {
            attempts.checkDeadline();
            int millis = (int) Math.max(1, Math.min(Math.min(readTimeoutMillis, attempts.remaining().toMillis()),
                    Integer.MAX_VALUE));
            if (millis != current) {
                socket.setSoTimeout(millis);
                current = millis;
            }
        }
    }

    /** The socket's bytes: a buffer for the head, then the body read straight into the caller's array. */
    private static final class Head {
        private final InputStream in;
        private final Timeouts timeouts;
        private final byte[] buffer = new byte[16 * 1024];
        private int pos;
        private int limit;
        private int headBytes;

        Head(InputStream in, Timeouts timeouts) {
            this.in = in;
            this.timeouts = timeouts;
        }

        Reply read(Socket socket, boolean head) throws IOException {
            while (true) {
                String status = line();
                if (status == null) {
                    throw new ProtocolException("the server closed the connection without an answer");
                }
                // HTTP/1.1 200 OK
                if (!status.startsWith("HTTP/1.") || status.length() < 12 || status.charAt(8) != ' ') {
                    throw new ProtocolException("unexpected status line: " + printable(status));
                }
                int code;
                try {
                    code = Integer.parseInt(status.substring(9, 12));
                } catch (NumberFormatException e) {
                    throw new ProtocolException("unexpected status line: " + printable(status));
                }
                String message = status.length() > 13 ? status.substring(13) : "";
                Map<String, String> headers = headers();
                if (code >= 100 && code < 200) {
                    if (code == 101) {
                        throw new ProtocolException("the server switched protocols");
                    }
                    continue; // 100 Continue, 103 Early Hints: the answer follows
                }
                return new Reply(socket, code, message, headers, body(code, head, headers));
            }
        }

        private Map<String, String> headers() throws IOException {
            Map<String, String> headers = new LinkedHashMap<>();
            String previous = null;
            for (int n = 0; ; n++) {
                String line = line();
                if (line == null) {
                    throw new ProtocolException("the connection closed in the middle of the headers");
                }
                if (line.isEmpty()) {
                    return headers;
                }
                if (n >= MAX_HEADER_LINES) {
                    throw new ProtocolException("more than " + MAX_HEADER_LINES + " header lines");
                }
                if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && previous != null) {
                    headers.computeIfPresent(previous, (k, v) -> v + " " + line.strip()); // obsolete folding
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new ProtocolException("malformed header line: " + printable(line));
                }
                String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).strip();
                String existing = headers.get(name);
                if (existing == null) {
                    headers.put(name, value);
                } else if (name.equals("content-length") && !existing.equals(value)) {
                    throw new ProtocolException("conflicting Content-Length headers");
                } else if (name.equals("transfer-encoding")) {
                    headers.put(name, existing + ", " + value);
                } // other repeated headers: the first value is the one used
                previous = name;
            }
        }

        private Body body(int code, boolean head, Map<String, String> headers) throws IOException {
            if (head || code == 204 || code == 304) {
                return new Body(this, Body.NONE, 0);
            }
            String encoding = headers.get("transfer-encoding");
            if (encoding != null) {
                List<String> codings = List.of(encoding.toLowerCase(Locale.ROOT).split("\\s*,\\s*"));
                return new Body(this, codings.get(codings.size() - 1).equals("chunked") ? Body.CHUNKED : Body.UNTIL_CLOSE, -1);
            }
            String length = headers.get("content-length");
            if (length != null) {
                long n;
                try {
                    n = Long.parseLong(length);
                } catch (NumberFormatException e) {
                    n = -1;
                }
                if (n < 0) {
                    throw new ProtocolException("bad Content-Length: " + printable(length));
                }
                return new Body(this, Body.FIXED, n);
            }
            return new Body(this, Body.UNTIL_CLOSE, -1);
        }

        /** A line of the head (CRLF or LF ended, ISO-8859-1), or null at the end of the stream. */
        String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            while (true) {
                if (pos == limit && !fill()) {
                    return line.length() == 0 ? null : line.toString();
                }
                byte b = buffer[pos++];
                if (++headBytes > MAX_HEADER_BYTES) {
                    throw new ProtocolException("the answer's head is longer than " + MAX_HEADER_BYTES + " bytes");
                }
                if (b == '\n') {
                    int end = line.length();
                    if (end > 0 && line.charAt(end - 1) == '\r') {
                        line.setLength(end - 1);
                    }
                    return line.toString();
                }
                line.append((char) (b & 0xff));
            }
        }

        private boolean fill() throws IOException {
            timeouts.beforeRead();
            int n = in.read(buffer, 0, buffer.length);
            if (n <= 0) {
                return false;
            }
            pos = 0;
            limit = n;
            return true;
        }

        /** Body bytes: what the head's buffer still holds, then straight from the socket. */
        int raw(byte[] b, int off, int len) throws IOException {
            if (pos < limit) {
                int n = Math.min(len, limit - pos);
                System.arraycopy(buffer, pos, b, off, n);
                pos += n;
                return n;
            }
            timeouts.beforeRead();
            return in.read(b, off, len);
        }

        void resetHeadCount() {
            headBytes = 0;
        }

        private static String printable(String s) {
            String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
            return cut.replaceAll("[^\\x20-\\x7e]", "?");
        }
    }

    /** A response body framed by its length, by chunks, or by the end of the connection. */
    private static final class Body extends InputStream {
        static final int NONE = 0;
        static final int FIXED = 1;
        static final int CHUNKED = 2;
        static final int UNTIL_CLOSE = 3;

        private final Head source;
        private final int framing;
        private final long length;
        private long remaining;
        private boolean firstChunk = true;
        private boolean done;

        Body(Head source, int framing, long length) {
            this.source = source;
            this.framing = framing;
            this.length = length;
            this.remaining = framing == FIXED ? length : 0;
            this.done = framing == NONE || framing == FIXED && length == 0;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (done) {
                return -1;
            }
            switch (framing) {
                case FIXED: {
                    int n = source.raw(b, off, (int) Math.min(len, remaining));
                    if (n < 0) {
                        throw new ProtocolException("unexpected end of stream after " + (length - remaining) + " of "
                                + length + " bytes");
                    }
                    remaining -= n;
                    done = remaining == 0;
                    return n;
                }
                case CHUNKED: {
                    if (remaining == 0 && !nextChunk()) {
                        return -1;
                    }
                    int n = source.raw(b, off, (int) Math.min(len, remaining));
                    if (n < 0) {
                        throw new ProtocolException("unexpected end of stream in a chunk");
                    }
                    remaining -= n;
                    return n;
                }
                default: {
                    int n = source.raw(b, off, len);
                    done = n < 0;
                    return n;
                }
            }
        }

        /** Reads the next chunk's size; false after the last chunk (and its trailers). */
        private boolean nextChunk() throws IOException {
            source.resetHeadCount();
            if (!firstChunk) {
                String end = source.line();
                if (end == null || !end.isEmpty()) {
                    throw new ProtocolException("a chunk does not end with CRLF");
                }
            }
            firstChunk = false;
            String sizeLine = source.line();
            if (sizeLine == null) {
                throw new ProtocolException("unexpected end of stream before a chunk");
            }
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 0) {
                throw new ProtocolException("bad chunk size: " + Head.printable(sizeLine));
            }
            if (size == 0) {
                for (int n = 0; ; n++) { // trailers, then the empty line
                    String trailer = source.line();
                    if (trailer == null || trailer.isEmpty()) {
                        break;
                    }
                    if (n >= MAX_HEADER_LINES) {
                        throw new ProtocolException("too many trailer lines");
                    }
                }
                done = true;
                return false;
            }
            remaining = size;
            return true;
        }
    }

    /** An answer read by this client; closing it closes the connection. */
    private static final class Reply implements HttpReply {
        private final Socket socket;
        private final int code;
        private final String message;
        private final Map<String, String> headers;
        private final Body body;

        Reply(Socket socket, int code, String message, Map<String, String> headers, Body body) {
            this.socket = socket;
            this.code = code;
            this.message = message;
            this.headers = headers;
            this.body = body;
        }

        @Override
        public int code() {
            return code;
        }

        @Override
        public String message() {
            return message;
        }

        @Override
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public long contentLength() {
            return body.framing == Body.FIXED ? body.length : -1;
        }

        @Override
        public InputStream body() {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    return body.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return body.read(b, off, len);
                }

                @Override
                public void close() {
                    Reply.this.close();
                }
            };
        }

        @Override
        public void close() {
            closeQuietly(socket);
        }
    }
}
