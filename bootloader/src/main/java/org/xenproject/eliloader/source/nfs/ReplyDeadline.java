package org.xenproject.eliloader.source.nfs;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

import org.xenproject.eliloader.concurrent.Deadline;

/**
 * The time one RPC call may take, applied to its socket: before each blocking read the socket's
 * read timeout is shortened to what is left of the {@link Deadline}, so the whole reply, not just
 * each read, is bounded (a peer that trickles a record never resets the clock).
 */
final class ReplyDeadline {
    /** No socket, no limit: for decoding records from memory in tests. */
    static final ReplyDeadline NONE = new ReplyDeadline(null, null);

    private final Socket socket;
    private final Deadline deadline;

    private ReplyDeadline(Socket socket, Deadline deadline) {
        this.socket = socket;
        this.deadline = deadline;
    }

    static ReplyDeadline after(Socket socket, long millis) {
        return new ReplyDeadline(socket, Deadline.after(Duration.ofMillis(millis)));
    }

    void check() throws IOException {
        if (socket == null) {
            return;
        }
        long leftMillis = deadline.remaining().toMillis();
        if (leftMillis <= 0) {
            throw new SocketTimeoutException("no complete reply in time");
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
    }
}
