package org.xenproject.eliloader.source.nfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * ONC RPC: record marking, call and reply headers byte by byte, and the connection's
 * behaviour against a scripted peer (stray xids, huge records, silence, trickling).
 */
class NfsRpcTest {
    private static final byte[] PORT_2049 = Hex.bytes("00000801");

    // ---- record marking ---------------------------------------------------------------

    @Test
    void aCallIsSentAsOneLastFragment() throws Exception {
        XdrWriter w = new XdrWriter().putInt(0).putInt(0xcafe).putInt(1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordMarking.writeRecord(out, w);
        assertThat(Hex.of(out.toByteArray(), out.size())).isEqualTo(Hex.norm("80000008 0000cafe 00000001"));
    }

    @Test
    void fragmentsAreJoinedIntoOneRecord() throws Exception {
        byte[] stream = Hex.bytes("00000004 01020304 00000000 80000002 0506");
        byte[] record = RecordMarking.readRecord(new ByteArrayInputStream(stream), 64, ReplyDeadline.NONE);
        assertThat(record).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void aRecordLargerThanTheLimitIsRefusedFromItsHeader() {
        // 2 GiB announced: refused before any allocation
        byte[] stream = Hex.bytes("ffffffff");
        assertThatThrownBy(() -> RecordMarking.readRecord(new ByteArrayInputStream(stream), 1024, ReplyDeadline.NONE))
                .isInstanceOf(RpcException.class)
                .hasMessageContaining("more than 1024 bytes refused");
        // the limit applies to the sum of the fragments
        byte[] split = Hex.bytes("00000300" + "00".repeat(0x300) + "80000200");
        assertThatThrownBy(() -> RecordMarking.readRecord(new ByteArrayInputStream(split), 1024, ReplyDeadline.NONE))
                .isInstanceOf(RpcException.class)
                .hasMessageContaining("refused");
    }

    @Test
    void endlessEmptyFragmentsAreRefused() {
        byte[] stream = Hex.bytes("00000000".repeat(RecordMarking.MAX_FRAGMENTS + 1));
        assertThatThrownBy(() -> RecordMarking.readRecord(new ByteArrayInputStream(stream), 1024, ReplyDeadline.NONE))
                .isInstanceOf(RpcException.class)
                .hasMessageContaining("fragments");
    }

    @Test
    void aConnectionClosedMidRecordIsAnEof() {
        byte[] stream = Hex.bytes("80000008 0102");
        assertThatThrownBy(() -> RecordMarking.readRecord(new ByteArrayInputStream(stream), 64, ReplyDeadline.NONE))
                .isInstanceOf(EOFException.class);
    }

    // ---- call and reply headers ---------------------------------------------------------

    @Test
    void callHeaderWithAuthNone() {
        XdrWriter w = new XdrWriter();
        RpcMessages.encodeCall(w, 0x11223344, 100000, 2, 3, RpcAuth.NONE);
        assertThat(Hex.of(w)).isEqualTo(Hex.norm(
                "11223344" // xid
                        + " 00000000" // CALL
                        + " 00000002" // RPC version 2
                        + " 000186a0 00000002 00000003" // PMAP v2 GETPORT
                        + " 00000000 00000000" // credential AUTH_NONE, empty
                        + " 00000000 00000000")); // verifier AUTH_NONE, empty
    }

    @Test
    void callHeaderWithAuthSysAsRootFromEliloader() {
        XdrWriter w = new XdrWriter();
        RpcMessages.encodeCall(w, 7, 100003, 3, 6, RpcAuth.sys(0x01020304, "eliloader", 0, 0));
        assertThat(Hex.of(w)).isEqualTo(Hex.norm(
                "00000007 00000000 00000002 000186a3 00000003 00000006"
                        + " 00000001 00000020" // AUTH_SYS, 32-byte body
                        + " 01020304" // stamp
                        + " 00000009 656c696c 6f616465 72000000" // "eliloader", padded
                        + " 00000000 00000000" // uid 0, gid 0
                        + " 00000000" // no supplementary groups
                        + " 00000000 00000000")); // verifier AUTH_NONE
    }

    @Test
    void sysRootUsesTheDocumentedIdentity() throws Exception {
        XdrWriter w = new XdrWriter();
        RpcAuth.sysRoot().encode(w);
        XdrReader r = new XdrReader(w.toByteArray());
        assertThat(r.getInt()).isEqualTo(RpcAuth.AUTH_SYS);
        r.getInt(); // body length
        r.getInt(); // stamp
        assertThat(r.getString(255)).isEqualTo("eliloader");
        assertThat(r.getInt()).isZero();
        assertThat(r.getInt()).isZero();
        assertThat(r.getInt()).isZero();
    }

    @Test
    void successfulReplyLeavesTheReaderAtTheResults() throws Exception {
        XdrReader r = new XdrReader(Hex.bytes(
                "00000009 00000001 00000000" // xid, REPLY, MSG_ACCEPTED
                        + " 00000001 00000004 0a0b0c0d" // a verifier with a body, skipped
                        + " 00000000" // SUCCESS
                        + " 00000801")); // results
        RpcMessages.decodeReplyHeader(r, 9, "test");
        assertThat(r.getInt()).isEqualTo(2049);
    }

    @Test
    void rejectionsAreNamed() {
        assertThatThrownBy(() -> decode("00000001 00000001 00000000 00000000 00000000 00000002 00000002 00000004"))
                .isInstanceOf(RpcException.class).hasMessageContaining("PROG_MISMATCH").hasMessageContaining("2 to 4");
        assertThatThrownBy(() -> decode("00000001 00000001 00000000 00000000 00000000 00000001"))
                .hasMessageContaining("PROG_UNAVAIL");
        assertThatThrownBy(() -> decode("00000001 00000001 00000000 00000000 00000000 00000003"))
                .hasMessageContaining("PROC_UNAVAIL");
        assertThatThrownBy(() -> decode("00000001 00000001 00000000 00000000 00000000 00000004"))
                .hasMessageContaining("GARBAGE_ARGS");
        assertThatThrownBy(() -> decode("00000001 00000001 00000001 00000001 00000005"))
                .hasMessageContaining("AUTH_TOOWEAK").hasMessageContaining("privileged source port");
        assertThatThrownBy(() -> decode("00000001 00000001 00000001 00000000 00000002 00000002"))
                .hasMessageContaining("RPC_MISMATCH");
        assertThatThrownBy(() -> decode("00000002 00000001 00000000"))
                .hasMessageContaining("does not match");
        assertThatThrownBy(() -> decode("00000001 00000000"))
                .hasMessageContaining("message type 0");
    }

    private static void decode(String hex) throws RpcException {
        RpcMessages.decodeReplyHeader(new XdrReader(Hex.bytes(hex)), 1, "test");
    }

    // ---- the connection against a scripted peer ----------------------------------------

    @Test
    void aCallGoesOutWithItsArgumentsAndTheReplyComesBack() throws Exception {
        try (FakeRpcServer server = new FakeRpcServer((call, out) ->
                out.write(FakeRpcServer.success(FakeRpcServer.xidOf(call), PORT_2049)))) {
            RpcConnection c = connection(server.address(), 2000, false);
            XdrReader r = c.call(Portmapper.PROC_GETPORT, "GETPORT", Portmapper.encodeGetPort(100003, 3));
            assertThat(Portmapper.decodeGetPort(r)).isEqualTo(2049);
            byte[] call = server.calls.get(0);
            // after xid: CALL, v2, program, version, procedure, AUTH_NONE x2, then the mapping
            assertThat(Hex.of(Arrays.copyOfRange(call, 4, call.length), call.length - 4)).isEqualTo(Hex.norm(
                    "00000000 00000002 000186a0 00000002 00000003 00000000 00000000 00000000 00000000"
                            + " 000186a3 00000003 00000006 00000000"));
            c.close();
        }
    }

    @Test
    void successiveCallsUseDistinctXids() throws Exception {
        try (FakeRpcServer server = new FakeRpcServer((call, out) ->
                out.write(FakeRpcServer.success(FakeRpcServer.xidOf(call), PORT_2049)))) {
            RpcConnection c = connection(server.address(), 2000, false);
            c.call(0, "NULL", new XdrWriter(0));
            c.call(0, "NULL", new XdrWriter(0));
            assertThat(FakeRpcServer.xidOf(server.calls.get(1))).isNotEqualTo(FakeRpcServer.xidOf(server.calls.get(0)));
            assertThat(server.connections()).isEqualTo(1);
            c.close();
        }
    }

    @Test
    void repliesToOtherXidsAreDropped() throws Exception {
        try (FakeRpcServer server = new FakeRpcServer((call, out) -> {
            int xid = FakeRpcServer.xidOf(call);
            out.write(FakeRpcServer.success(xid - 1, Hex.bytes("00000001"))); // stale answer
            out.write(FakeRpcServer.success(xid + 5, Hex.bytes("00000002"))); // nonsense
            out.write(FakeRpcServer.fragmented(FakeRpcServer.success(xid, PORT_2049), 5));
        })) {
            RpcConnection c = connection(server.address(), 2000, false);
            assertThat(c.call(0, "NULL", new XdrWriter(0)).getInt()).isEqualTo(2049);
            c.close();
        }
    }

    @Test
    void aFloodOfStrayRepliesEndsTheCall() throws Exception {
        try (FakeRpcServer server = new FakeRpcServer((call, out) -> {
            int xid = FakeRpcServer.xidOf(call);
            for (int i = 1; i <= 100; i++) {
                out.write(FakeRpcServer.success(xid + i, PORT_2049));
            }
        })) {
            RpcConnection c = connection(server.address(), 2000, false);
            assertThatThrownBy(() -> c.call(0, "NULL", new XdrWriter(0)))
                    .isInstanceOf(RpcException.class).hasMessageContaining("calls we did not make");
            c.close();
        }
    }

    @Test
    void anAbsurdReplySizeIsRefused() throws Exception {
        try (FakeRpcServer server = new FakeRpcServer((call, out) -> out.write(Hex.bytes("fffffff0")))) {
            RpcConnection c = connection(server.address(), 2000, false);
            assertThatThrownBy(() -> c.call(0, "NULL", new XdrWriter(0)))
                    .isInstanceOf(RpcException.class).hasMessageContaining("refused");
            c.close();
        }
    }

    @Test
    void aSilentServerTimesOutWithinTheCallTimeout() throws Exception {
        try (FakeRpcServer server = new FakeRpcServer((call, out) -> Thread.sleep(60_000))) {
            RpcConnection c = connection(server.address(), 300, false);
            long start = System.nanoTime();
            assertThatThrownBy(() -> c.call(0, "NULL", new XdrWriter(0))).isInstanceOf(SocketTimeoutException.class);
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(250L, 3000L);
            c.close();
        }
    }

    @Test
    void aTricklingServerCannotStretchACallBeyondItsTimeout() throws Exception {
        try (FakeRpcServer server = new FakeRpcServer((call, out) -> {
            byte[] reply = FakeRpcServer.success(FakeRpcServer.xidOf(call), new byte[4096]);
            for (byte b : reply) {
                out.write(b);
                out.flush();
                Thread.sleep(50); // each byte well within a per-read timeout
            }
        })) {
            RpcConnection c = connection(server.address(), 500, false);
            long start = System.nanoTime();
            assertThatThrownBy(() -> c.call(0, "NULL", new XdrWriter(0))).isInstanceOf(SocketTimeoutException.class);
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3000L);
            c.close();
        }
    }

    @Test
    void afterAFailureTheNextCallReconnects() throws Exception {
        int[] calls = {0};
        try (FakeRpcServer server = new FakeRpcServer((call, out) -> {
            if (calls[0]++ == 0) {
                out.write(Hex.bytes("80000004 0000")); // half a record, then hang up
                throw new java.io.IOException("hang up");
            }
            out.write(FakeRpcServer.success(FakeRpcServer.xidOf(call), PORT_2049));
        })) {
            RpcConnection c = connection(server.address(), 2000, false);
            assertThatThrownBy(() -> c.call(0, "NULL", new XdrWriter(0))).isInstanceOf(EOFException.class);
            assertThat(c.call(0, "NULL", new XdrWriter(0)).getInt()).isEqualTo(2049);
            assertThat(server.connections()).isEqualTo(2);
            c.close();
        }
    }

    @Test
    void nothingListeningIsAConnectException() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RpcConnection c = connection(new InetSocketAddress("127.0.0.1", port), 2000, false);
        assertThatThrownBy(() -> c.call(0, "NULL", new XdrWriter(0))).isInstanceOf(ConnectException.class);
    }

    @Test
    void aReservedSourcePortIsUsedWhenThePrivilegeAllows() throws Exception {
        try (FakeRpcServer server = new FakeRpcServer((call, out) ->
                out.write(FakeRpcServer.success(FakeRpcServer.xidOf(call), PORT_2049)))) {
            // the fake serves one connection at a time: close each before the next
            RpcConnection reserved = connection(server.address(), 2000, true);
            reserved.call(0, "NULL", new XdrWriter(0));
            int reservedPort = reserved.localPort();
            reserved.close();
            RpcConnection ordinary = connection(server.address(), 2000, false);
            ordinary.call(0, "NULL", new XdrWriter(0));
            int ordinaryPort = ordinary.localPort();
            ordinary.close();
            if ("root".equals(System.getProperty("user.name"))) {
                assertThat(reservedPort).isBetween(665, 1023);
            } else {
                assertThat(reservedPort).isPositive(); // fell back to an ordinary port
            }
            assertThat(ordinaryPort).isGreaterThanOrEqualTo(1024);
            assertThat(server.clientPorts).containsExactly(reservedPort, ordinaryPort);
        }
    }

    private static RpcConnection connection(InetSocketAddress address, int callTimeoutMillis, boolean reserved) {
        return new RpcConnection(address, 100000, 2, "test", RpcAuth.NONE, 2000, callTimeoutMillis, 64 * 1024,
                reserved);
    }
}
