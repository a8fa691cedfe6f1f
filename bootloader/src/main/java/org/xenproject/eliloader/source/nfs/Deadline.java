package org.xenproject.eliloader.source.nfs;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A time budget for one RPC call. Before each blocking read it shortens the socket's
 * read timeout to what is left, so the whole call, not just each read, is bounded.
 */
final class Deadline {
    /** No socket, no limit: for decoding records from memory in tests. */
    static final Deadline NONE = new Deadline(null, 0L);

    private final Socket socket;
    private final long endNanos;

    private Deadline(Socket socket, long endNanos) {
        this.socket = socket;
        this.endNanos = endNanos;
    }

    static Deadline after(Socket socket, long millis) {
        return new Deadline(socket, System.nanoTime() + millis * 1_000_000L);
    }

    void check() throws IOException {
        if (socket == null) {
            return;
        }
        long leftMillis = (endNanos - System.nanoTime()) / 1_000_000L;
        if (leftMillis <= 0) {
            throw new SocketTimeoutException("no complete reply in time");
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
    }
}
