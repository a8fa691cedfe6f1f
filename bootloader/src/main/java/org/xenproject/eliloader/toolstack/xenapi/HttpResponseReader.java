package org.xenproject.eliloader.toolstack.xenapi;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one HTTP/1.x response strictly: CRLF line ends, a bounded header block, no folded
 * headers, one framing (chunked, or a single Content-Length, or the end of the connection), a
 * bounded body, and status 200 (after any 1xx interim answers).
 */
final class HttpResponseReader {
    static final int MAX_HEADER_BYTES = 64 << 10;
    static final int MAX_HEADERS = 100;
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] ([0-9]{3})(?: (.*))?");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern CHUNK_SIZE = Pattern.compile("([0-9A-Fa-f]{1,8})(;.*)?");

    private final InputStream in;
    private final int maxBody;
    private int headerBytes;

    private HttpResponseReader(InputStream in, int maxBody) {
        this.in = in;
        this.maxBody = maxBody;
    }

    /** The body of a 200 response; any other status, or a malformed response, is an IOException. */
    static byte[] readBody(InputStream in, int maxBody) throws IOException {
        return new HttpResponseReader(in, maxBody).read();
    }

    private byte[] read() throws IOException {
        while (true) {
            String statusLine = line();
            Matcher m = STATUS_LINE.matcher(statusLine);
            if (!m.matches()) {
                throw new IOException("not an HTTP/1.x status line: \"" + printable(statusLine) + "\"");
            }
            int status = Integer.parseInt(m.group(1));
            List<String[]> headers = headers();
            if (status >= 100 && status < 200 && status != 101) {
                continue; // interim answer; the real one follows
            }
            if (status != 200) {
                String reason = m.group(2) == null ? "" : " " + printable(m.group(2));
                throw new IOException("HTTP " + status + reason);
            }
            return body(headers);
        }
    }

    private List<String[]> headers() throws IOException {
        List<String[]> headers = new ArrayList<>();
        while (true) {
            String line = line();
            if (line.isEmpty()) {
                return headers;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new IOException("folded HTTP header lines are not accepted");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !TOKEN.matcher(line.substring(0, colon)).matches()) {
                throw new IOException("malformed HTTP header \"" + printable(line) + "\"");
            }
            if (headers.size() == MAX_HEADERS) {
                throw new IOException("more than " + MAX_HEADERS + " HTTP headers");
            }
            headers.add(new String[] {line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip()});
        }
    }

    private byte[] body(List<String[]> headers) throws IOException {
        String transferEncoding = null;
        String contentLength = null;
        for (String[] h : headers) {
            if (h[0].equals("transfer-encoding")) {
                if (transferEncoding != null) {
                    throw new IOException("more than one Transfer-Encoding header");
                }
                transferEncoding = h[1];
            } else if (h[0].equals("content-length")) {
                if (contentLength != null && !contentLength.equals(h[1])) {
                    throw new IOException("conflicting Content-Length headers");
                }
                contentLength = h[1];
            }
        }
        if (transferEncoding != null) {
            if (contentLength != null) {
                throw new IOException("both Transfer-Encoding and Content-Length");
            }
            if (!transferEncoding.equalsIgnoreCase("chunked")) {
                throw new IOException("unsupported Transfer-Encoding \"" + printable(transferEncoding) + "\"");
            }
            return chunked();
        }
        if (contentLength != null) {
            if (!contentLength.matches("[0-9]{1,10}")) {
                throw new IOException("bad Content-Length \"" + printable(contentLength) + "\"");
            }
            long length = Long.parseLong(contentLength);
            if (length > maxBody) {
                throw new IOException("response of " + length + " bytes exceeds the limit of " + maxBody);
            }
            byte[] body = in.readNBytes((int) length);
            if (body.length != length) {
                throw new EOFException("the connection ended after " + body.length + " of " + length + " body bytes");
            }
            return body;
        }
        // no framing: the body runs to the end of the connection
        byte[] body = in.readNBytes(maxBody + 1);
        if (body.length > maxBody) {
            throw new IOException("response exceeds the limit of " + maxBody + " bytes");
        }
        return body;
    }

    private byte[] chunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line();
            Matcher m = CHUNK_SIZE.matcher(sizeLine);
            if (!m.matches()) {
                throw new IOException("bad chunk size line \"" + printable(sizeLine) + "\"");
            }
            long size = Long.parseLong(m.group(1), 16);
            if (size == 0) {
                headers(); // trailers, ignored
                return body.toByteArray();
            }
            if (body.size() + size > maxBody) {
                throw new IOException("response exceeds the limit of " + maxBody + " bytes");
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length != size) {
                throw new EOFException("the connection ended inside a chunk");
            }
            body.write(chunk);
            if (!line().isEmpty()) {
                throw new IOException("chunk data longer than its size");
            }
        }
    }

    /** One CRLF-terminated line of the header block, without the CRLF. */
    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the connection ended inside the HTTP header");
            }
            if (++headerBytes > MAX_HEADER_BYTES) {
                throw new IOException("HTTP header block larger than " + MAX_HEADER_BYTES + " bytes");
            }
            if (b == '\r') {
                int next = in.read();
                headerBytes++;
                if (next != '\n') {
                    throw new IOException("a CR not followed by LF in the HTTP header");
                }
                return line.toString(StandardCharsets.ISO_8859_1);
            }
            if (b == '\n') {
                throw new IOException("a bare LF in the HTTP header");
            }
            if (b == 0) {
                throw new IOException("a NUL byte in the HTTP header");
            }
            line.write(b);
        }
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < 60; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
