package org.xenproject.eliloader.toolstack.xenapi;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.xenproject.eliloader.concurrent.Deadline;

/**
 * HTTP/1.1 POST to {@code /} over xapi's unix domain socket (dom0's {@code /var/lib/xcp/xapi}),
 * one connection per call, as the python XenAPI's local transport does. Every call has a
 * deadline; the answer is read with {@link HttpResponseReader}'s limits.
 */
final class UnixSocketTransport implements XapiTransport {
    private final Path socket;
    private final Duration timeout;

    UnixSocketTransport(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    @Override
    public byte[] post(byte[] request) throws IOException {
        Deadline deadline = Deadline.after(timeout);
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            try (Selector selector = Selector.open()) {
                String head = "POST / HTTP/1.1\r\n"
                        + "Host: localhost\r\n"
                        + "User-Agent: eliloader\r\n"
                        + "Content-Type: text/xml\r\n"
                        + "Content-Length: " + request.length + "\r\n"
                        + "Connection: close\r\n"
                        + "\r\n";
                ByteBuffer out = ByteBuffer.allocate(head.length() + request.length);
                out.put(head.getBytes(StandardCharsets.US_ASCII)).put(request).flip();
                write(channel, selector, out, deadline);
                return HttpResponseReader.readBody(new ChannelInput(channel, selector, deadline), MAX_RESPONSE_BYTES);
            }
        }
    }

    private void write(SocketChannel channel, Selector selector, ByteBuffer out, Deadline deadline) throws IOException {
        SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                await(selector, deadline);
            }
        }
        key.interestOps(SelectionKey.OP_READ);
    }

    private void await(Selector selector, Deadline deadline) throws IOException {
        long leftMillis = deadline.remaining().toMillis();
        if (deadline.expired() || selector.select(Math.max(1, leftMillis)) == 0 && deadline.expired()) {
            throw new SocketTimeoutException("no answer within " + timeout.toSeconds() + " s");
        }
        selector.selectedKeys().clear();
    }

    @Override
    public String describe() {
        return "xapi on the unix socket " + socket;
    }

    @Override
    public void close() {
        // a connection lives for one call only
    }

    /** Blocking reads from the non-blocking channel, bounded by the call's deadline. */
    private final class ChannelInput extends InputStream {
        private final SocketChannel channel;
        private final Selector selector;
        private final Deadline deadline;
        private final ByteBuffer buffer = ByteBuffer.allocate(16 << 10);
        private boolean eof;

        ChannelInput(SocketChannel channel, Selector selector, Deadline deadline) {
            this.channel = channel;
            this.selector = selector;
            this.deadline = deadline;
            buffer.flip();
        }

        private boolean fill() throws IOException {
            while (!buffer.hasRemaining() && !eof) {
                buffer.clear();
                int n = channel.read(buffer);
                buffer.flip();
                if (n < 0) {
                    eof = true;
                } else if (n == 0) {
                    await(selector, deadline);
                }
            }
            return buffer.hasRemaining();
        }

        @Override
        public int read() throws IOException {
            return fill() ? buffer.get() & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, buffer.remaining());
            buffer.get(b, off, n);
            return n;
        }
    }
}
