package org.xenproject.eliloader.source.nfs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted RPC peer on 127.0.0.1 for testing the transport against misbehaviour no
 * real server offers on demand: stray xids, huge fragments, silence, trickling.
 * Each received call record is handed to the {@link Script}, which writes whatever raw
 * bytes it wants back.
 */
final class FakeRpcServer implements AutoCloseable {
    interface Script {
        /** @param call the call record without its record mark */
        void answer(byte[] call, OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final Thread thread;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    final List<byte[]> calls = new CopyOnWriteArrayList<>();
    final List<Integer> clientPorts = new CopyOnWriteArrayList<>();

    FakeRpcServer(Script script) throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(() -> serve(script), "fake-rpc-server");
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return accepted.size();
    }

    private void serve(Script script) {
        try {
            while (!server.isClosed()) {
                Socket s = server.accept();
                accepted.add(s);
                clientPorts.add(s.getPort());
                try {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    while (true) {
                        byte[] call = RecordMarking.readRecord(in, 1 << 20, ReplyDeadline.NONE);
                        calls.add(call);
                        script.answer(call, out);
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    s.close(); // client went away or the test is over: take the next connection
                }
            }
        } catch (IOException closed) {
            // close() closed the server socket
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
        thread.interrupt();
    }

    static int xidOf(byte[] call) {
        return ((call[0] & 0xff) << 24) | ((call[1] & 0xff) << 16) | ((call[2] & 0xff) << 8) | (call[3] & 0xff);
    }

    /** An accepted, successful reply to {@code xid} carrying {@code results}, record mark included. */
    static byte[] success(int xid, byte[] results) {
        XdrWriter w = new XdrWriter();
        w.putInt(0).putInt(xid).putInt(RpcMessages.REPLY).putInt(RpcMessages.MSG_ACCEPTED)
                .putInt(0).putInt(0).putInt(RpcMessages.SUCCESS);
        w.putRaw(results, 0, results.length);
        w.setInt(0, RecordMarking.LAST_FRAGMENT | (w.length() - 4));
        return w.toByteArray();
    }

    /** Splits a whole-record reply into fragments of {@code size} bytes. */
    static byte[] fragmented(byte[] markedRecord, int size) {
        byte[] body = new byte[markedRecord.length - 4];
        System.arraycopy(markedRecord, 4, body, 0, body.length);
        XdrWriter w = new XdrWriter();
        for (int off = 0; off < body.length; off += size) {
            int n = Math.min(size, body.length - off);
            boolean last = off + n == body.length;
            w.putInt((last ? RecordMarking.LAST_FRAGMENT : 0) | n);
            w.putRaw(body, off, n);
        }
        return w.toByteArray();
    }

    static List<byte[]> records(byte[] stream) throws IOException {
        List<byte[]> out = new ArrayList<>();
        ByteArrayInputStream in = new ByteArrayInputStream(stream);
        while (in.available() > 0) {
            out.add(RecordMarking.readRecord(in, 1 << 20, ReplyDeadline.NONE));
        }
        return out;
    }
}
