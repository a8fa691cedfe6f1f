package org.xenproject.eliloader.source.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/** "No timeout" on these sockets means the configured read timeout. */
class ReadTimeoutSocketsTest {
    private final ReadTimeoutSockets sockets = new ReadTimeoutSockets(Duration.ofMillis(300));

    @Test
    void zeroMeansTheReadTimeoutAndOtherValuesAreKept() throws Exception {
        try (Socket socket = sockets.createSocket()) {
            assertThat(socket.getSoTimeout()).isEqualTo(300);
            socket.setSoTimeout(0);
            assertThat(socket.getSoTimeout()).isEqualTo(300);
            socket.setSoTimeout(50);
            assertThat(socket.getSoTimeout()).isEqualTo(50);
        }
    }

    @Test
    void aSilentPeerTimesOutEvenAfterAskingForNoTimeout() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 1, loopback);
                Socket client = sockets.createSocket(loopback, server.getLocalPort());
                Socket accepted = server.accept()) {
            client.setSoTimeout(0);
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(System.nanoTime() - start).isBetween(Duration.ofMillis(250).toNanos(), Duration.ofSeconds(5).toNanos());
            assertThat(accepted.isConnected()).isTrue();
        }
    }

    @Test
    void theConnectingFormsConnectAndBind() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 4, loopback)) {
            try (Socket byName = sockets.createSocket(loopback.getHostAddress(), server.getLocalPort());
                    Socket bound = sockets.createSocket(loopback, server.getLocalPort(), loopback, 0)) {
                assertThat(byName.isConnected()).isTrue();
                assertThat(bound.getLocalAddress()).isEqualTo(loopback);
                assertThat(bound.getSoTimeout()).isEqualTo(300);
            }
        }
    }
}
