package org.xenproject.eliloader.source.nfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.source.InstallSource;

/**
 * {@link NfsSource} against scripted portmapper, MOUNT and NFS servers, for the paths a
 * real server does not take on demand: NFS missing from the portmapper, JUKEBOX, a small
 * FSINFO preference, Kerberos-only exports, servers that stop making progress.
 */
class NfsSourceScriptedTest {
    private static final byte[] ROOT = "ROOT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FILE = "FILE".getBytes(StandardCharsets.US_ASCII);
    private static final int NF3REG = 1;
    private static final int NF3DIR = 2;

    private final byte[] content = content(20_000);
    private final List<String> log = new CopyOnWriteArrayList<>();
    private List<String> exports = List.of("/srv");
    private int[] flavors = {RpcAuth.AUTH_SYS};
    private boolean portmapperKnowsMount = true;
    private int jukeboxes = 1;
    private boolean stalls;

    private FakeRpcServer nfs;
    private FakeRpcServer mount;
    private FakeRpcServer portmapper;

    @AfterEach
    void stopServers() throws IOException {
        for (FakeRpcServer s : new FakeRpcServer[] {portmapper, mount, nfs}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @Test
    void opensFindsNfsOn2049WhenThePortmapperDoesNotKnowItAndReadsInNegotiatedChunks() throws Exception {
        startServers();
        try (NfsSource source = NfsSource.connect(NfsLocation.parse("nfs://127.0.0.1/srv"), options())) {
            assertThat(source.exportPath()).isEqualTo("/srv");
            assertThat(source.readSize()).isEqualTo(8192); // FSINFO rtpref
            assertThat(source.exists("f")).isTrue();
            assertThat(source.exists("missing")).isFalse();
            try (InstallSource.Resource r = source.open("f"); InputStream in = r.stream()) {
                assertThat(r.length()).hasValue(content.length);
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
        }
        assertThat(log).containsSubsequence(
                "GETPORT 100005", "GETPORT 100003", // portmapper: MOUNT, then NFS (answered 0)
                "EXPORT", "MNT /srv",
                "FSINFO",
                "READ 0 8192", "READ 0 8192", // the first answered JUKEBOX, then retried
                "READ 8192 8192", "READ 16384 8192",
                "UMNT /srv");
        // the NFS calls carry AUTH_SYS as root from "eliloader"
        XdrReader call = new XdrReader(nfs.calls.get(0));
        call.skip(24);
        assertThat(call.getInt()).isEqualTo(RpcAuth.AUTH_SYS);
        call.skip(8);
        assertThat(call.getString(255)).isEqualTo("eliloader");
    }

    @Test
    void aKerberosOnlyExportIsRefusedByName() throws Exception {
        flavors = new int[] {390003, 390004};
        startServers();
        assertThatThrownBy(() -> NfsSource.connect(NfsLocation.parse("nfs://127.0.0.1/srv"), options()))
                .isInstanceOfSatisfying(BootloaderException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SOURCE))
                .hasMessageContaining("only with krb5, krb5i");
        assertThat(log).contains("UMNT /srv"); // the failed open still unmounts
    }

    @Test
    void anAuthNoneExportIsReadWithAuthNone() throws Exception {
        flavors = new int[] {RpcAuth.AUTH_NONE};
        startServers();
        try (NfsSource source = NfsSource.connect(NfsLocation.parse("nfs://127.0.0.1/srv"), options())) {
            assertThat(source.exists("f")).isTrue();
        }
        XdrReader call = new XdrReader(nfs.calls.get(0));
        call.skip(24);
        assertThat(call.getInt()).isEqualTo(RpcAuth.AUTH_NONE);
    }

    @Test
    void aRefusedMountNamesTheServerThePathAndTheExports() throws Exception {
        exports = List.of("/other", "/more");
        startServers();
        assertThatThrownBy(() -> NfsSource.connect(NfsLocation.parse("nfs:127.0.0.1:/data/tree"), options()))
                .isInstanceOf(BootloaderException.class)
                .hasMessage("NFS server 127.0.0.1 refused to mount /data/tree: MNT3ERR_NOENT (exports: /other, /more)");
        assertThat(log).containsSubsequence("MNT /data/tree", "MNT /data", "MNT /");
    }

    @Test
    void aPortmapperWithoutMountIsNamed() throws Exception {
        portmapperKnowsMount = false;
        startServers();
        assertThatThrownBy(() -> NfsSource.connect(NfsLocation.parse("nfs://127.0.0.1/srv"), options()))
                .isInstanceOf(BootloaderException.class)
                .hasMessage("NFS server 127.0.0.1 has no MOUNT v3 service over TCP registered with its portmapper");
    }

    @Test
    void noPortmapperIsNamed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        NfsOptions options = options().withPortmapperPort(port);
        assertThatThrownBy(() -> NfsSource.connect(NfsLocation.parse("nfs://127.0.0.1/srv"), options))
                .isInstanceOf(BootloaderException.class)
                .hasMessageStartingWith("cannot connect to NFS server 127.0.0.1 port " + port + " (portmapper)");
    }

    @Test
    void aServerThatStopsMakingProgressIsReportedNotLoopedOn() throws Exception {
        stalls = true;
        startServers();
        try (NfsSource source = NfsSource.connect(NfsLocation.parse("nfs://127.0.0.1/srv"), options());
             InstallSource.Resource r = source.open("f");
             InputStream in = r.stream()) {
            assertThatThrownBy(in::readAllBytes)
                    .isInstanceOf(BootloaderException.class)
                    .hasMessageContaining("nfs://127.0.0.1/srv/f")
                    .hasMessageContaining("no data at offset 0");
        }
    }

    @Test
    void aClosedSourceRefusesFurtherUse() throws Exception {
        startServers();
        NfsSource source = NfsSource.connect(NfsLocation.parse("nfs://127.0.0.1/srv"), options());
        InputStream in = source.open("f").stream();
        source.close();
        source.close(); // idempotent
        assertThatThrownBy(() -> source.exists("f")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(in::read).isInstanceOf(IllegalStateException.class);
        assertThat(log.stream().filter("UMNT /srv"::equals)).hasSize(1);
    }

    // ---- the scripted servers ------------------------------------------------------------

    private NfsOptions options() {
        return NfsOptions.defaults()
                .withConnectTimeout(Duration.ofSeconds(2))
                .withCallTimeout(Duration.ofSeconds(5))
                .withPortmapperPort(portmapper == null ? 111 : portmapper.port())
                .withDefaultNfsPort(nfs == null ? 2049 : nfs.port());
    }

    private void startServers() throws IOException {
        nfs = new FakeRpcServer(this::answerNfs);
        mount = new FakeRpcServer(this::answerMount);
        portmapper = new FakeRpcServer(this::answerPortmapper);
    }

    private void answerPortmapper(byte[] record, OutputStream out) throws IOException {
        Call call = Call.parse(record);
        int program = call.args.getInt();
        log.add("GETPORT " + program);
        int port = program == MountClient.PROGRAM && portmapperKnowsMount ? mount.port() : 0;
        out.write(FakeRpcServer.success(call.xid, new XdrWriter().putInt(port).toByteArray()));
    }

    private void answerMount(byte[] record, OutputStream out) throws IOException {
        Call call = Call.parse(record);
        XdrWriter w = new XdrWriter();
        switch (call.proc) {
            case MountClient.PROC_EXPORT:
                log.add("EXPORT");
                for (String e : exports) {
                    w.putBoolean(true).putString(e).putBoolean(false);
                }
                w.putBoolean(false);
                break;
            case MountClient.PROC_MNT: {
                String path = call.args.getString(1024);
                log.add("MNT " + path);
                if (path.equals("/srv")) {
                    w.putInt(0).putOpaque(ROOT).putInt(flavors.length);
                    for (int f : flavors) {
                        w.putInt(f);
                    }
                } else {
                    w.putInt(2); // MNT3ERR_NOENT
                }
                break;
            }
            case MountClient.PROC_UMNT:
                log.add("UMNT " + call.args.getString(1024));
                break;
            default:
                throw new IOException("unexpected MOUNT procedure " + call.proc);
        }
        out.write(FakeRpcServer.success(call.xid, w.toByteArray()));
    }

    private void answerNfs(byte[] record, OutputStream out) throws IOException {
        Call call = Call.parse(record);
        XdrWriter w = new XdrWriter();
        switch (call.proc) {
            case Nfs3Client.PROC_FSINFO:
                log.add("FSINFO");
                w.putInt(0).putBoolean(false)
                        .putInt(8192).putInt(8192).putInt(4096) // rtmax, rtpref, rtmult
                        .putInt(8192).putInt(8192).putInt(4096).putInt(4096) // wtmax, wtpref, wtmult, dtpref
                        .putLong(Long.MAX_VALUE).putInt(0).putInt(1).putInt(0x1b);
                break;
            case Nfs3Client.PROC_GETATTR: {
                byte[] handle = call.args.getOpaque(64);
                w.putInt(0);
                fattr(w, Arrays.equals(handle, ROOT) ? NF3DIR : NF3REG, Arrays.equals(handle, ROOT) ? 4096 : content.length);
                break;
            }
            case Nfs3Client.PROC_LOOKUP: {
                call.args.getOpaque(64);
                String name = call.args.getString(255);
                if (name.equals("f")) {
                    w.putInt(0).putOpaque(FILE).putBoolean(true);
                    fattr(w, NF3REG, content.length);
                    w.putBoolean(false);
                } else {
                    w.putInt(2).putBoolean(false); // NFS3ERR_NOENT, no directory attributes
                }
                break;
            }
            case Nfs3Client.PROC_READ: {
                call.args.getOpaque(64);
                long offset = call.args.getLong();
                int count = call.args.getInt();
                log.add("READ " + offset + " " + count);
                if (jukeboxes > 0) {
                    jukeboxes--;
                    w.putInt(Nfs3Client.NFS3ERR_JUKEBOX).putBoolean(false);
                    break;
                }
                int n = stalls ? 0 : (int) Math.max(0, Math.min(count, content.length - offset));
                w.putInt(0).putBoolean(false).putInt(n).putBoolean(!stalls && offset + n >= content.length)
                        .putOpaque(content, (int) Math.min(offset, content.length), n);
                break;
            }
            default:
                throw new IOException("unexpected NFS procedure " + call.proc);
        }
        out.write(FakeRpcServer.success(call.xid, w.toByteArray()));
    }

    private static void fattr(XdrWriter w, int type, long size) {
        w.putInt(type).putInt(0644).putInt(1).putInt(0).putInt(0)
                .putLong(size).putLong(size).putInt(0).putInt(0)
                .putLong(1).putLong(2).putInt(0).putInt(0).putInt(0).putInt(0).putInt(0).putInt(0);
    }

    private static byte[] content(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + (i >> 8));
        }
        return b;
    }

    /** The header fields of a received call, and its arguments. */
    private static final class Call {
        int xid;
        int proc;
        XdrReader args;

        static Call parse(byte[] record) throws RpcException {
            XdrReader r = new XdrReader(record);
            Call c = new Call();
            c.xid = r.getInt();
            r.skip(12); // CALL, RPC version, program
            r.getInt(); // version
            c.proc = r.getInt();
            r.getInt();
            r.skipOpaque(400); // credential
            r.getInt();
            r.skipOpaque(400); // verifier
            c.args = r;
            return c;
        }
    }

}
