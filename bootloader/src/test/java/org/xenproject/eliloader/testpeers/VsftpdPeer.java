package org.xenproject.eliloader.testpeers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real vsftpd serving a tree on 127.0.0.1 (passive mode, read-only): anonymous logins, and one
 * user ({@link #USER}/{@link #PASSWORD}) mapped to the {@code ftp} account by vsftpd's guest
 * mode. Config, user database, logs and the empty chroot dir live under the work dir; the only
 * thing outside it is the PAM service file vsftpd needs for the user login
 * ({@code /etc/pam.d/eliloader-test-ftp-ID}: {@code pam_userdb} against the work dir's database),
 * removed again by {@link #close()}. The user database is written with Debian's python3
 * ({@code dbm.ndbm} is Berkeley DB there, which pam_userdb reads).
 *
 * <p>The tree must be readable by the {@code ftp} account (world-readable, as fixture trees are).
 */
public final class VsftpdPeer implements AutoCloseable {
    public static final String USER = "labuser";
    public static final String PASSWORD = "Ftp-pass 9";

    private final Daemon daemon;
    private final int port;
    private final Path pamService;
    private final Path workDir;

    private VsftpdPeer(Daemon daemon, int port, Path pamService, Path workDir) {
        this.daemon = daemon;
        this.port = port;
        this.pamService = pamService;
        this.workDir = workDir;
    }

    public static VsftpdPeer serve(Path tree, Path workDir) {
        return serve(tree, workDir, 0);
    }

    /**
     * With every transfer throttled to {@code bytesPerSecond} (0: unlimited), so that a test can
     * break one midway: loopback sockets otherwise buffer tens of megabytes at once.
     */
    public static VsftpdPeer serve(Path tree, Path workDir, long bytesPerSecond) {
        String vsftpd = "/usr/sbin/vsftpd";
        if (!Files.isExecutable(Path.of(vsftpd))) {
            throw new IllegalStateException("vsftpd is not installed; run scripts/setup");
        }
        Path dir = workDir.toAbsolutePath().resolve("vsftpd");
        Path pam = null;
        try {
            Files.createDirectories(dir);
            Path empty = dir.resolve("empty");
            Files.createDirectories(empty);
            Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("r-xr-xr-x"));
            Path users = dir.resolve("users");
            writeUserDb(users, dir);
            String service = "eliloader-test-ftp-" + UUID.randomUUID().toString().substring(0, 8);
            pam = Path.of("/etc/pam.d", service);
            Files.writeString(pam, "# written by VsftpdPeer for one test run; removed when it stops\n"
                    + "auth required pam_userdb.so db=" + users + "\n"
                    + "account required pam_permit.so\n");
            int port = Ports.free();
            Path root = tree.toAbsolutePath();
            Path config = dir.resolve("vsftpd.conf");
            Files.writeString(config, String.join("\n",
                    "listen=YES", "listen_ipv6=NO", "listen_address=127.0.0.1", "listen_port=" + port,
                    "background=NO", "run_as_launching_user=NO",
                    "anonymous_enable=YES", "no_anon_password=YES", "anon_root=" + root,
                    "local_enable=YES", "guest_enable=YES", "guest_username=ftp", "local_root=" + root,
                    "chroot_local_user=YES", "pam_service_name=" + service, "delay_failed_login=0",
                    "write_enable=NO", "pasv_enable=YES", "pasv_address=127.0.0.1", "port_enable=NO",
                    "secure_chroot_dir=" + empty, "seccomp_sandbox=NO", "ftpd_banner=eliloader test ftp",
                    "anon_max_rate=" + bytesPerSecond, "local_max_rate=" + bytesPerSecond,
                    "xferlog_enable=YES", "dual_log_enable=YES", "log_ftp_protocol=YES",
                    "vsftpd_log_file=" + dir.resolve("vsftpd.log"), "xferlog_file=" + dir.resolve("xfer.log"), ""));
            Daemon daemon = Daemon.start("vsftpd", List.of(vsftpd, config.toString()), dir.resolve("stdout.log"));
            daemon.awaitListening(port);
            return new VsftpdPeer(daemon, port, pam, dir);
        } catch (IOException e) {
            deleteQuietly(pam);
            throw new UncheckedIOException("cannot set up vsftpd in " + dir, e);
        } catch (RuntimeException e) {
            deleteQuietly(pam);
            throw e;
        }
    }

    private static void writeUserDb(Path users, Path dir) throws IOException {
        Path python = Path.of("/usr/bin/python3");
        Process p = new ProcessBuilder(python.toString(), "-c",
                "import dbm.ndbm, sys\n"
                        + "d = dbm.ndbm.open(sys.argv[1], 'n', 0o600)\n"
                        + "d[sys.argv[2].encode()] = sys.argv[3].encode()\n"
                        + "d.close()\n",
                users.toString(), USER, PASSWORD)
                .redirectErrorStream(true).redirectOutput(dir.resolve("userdb.log").toFile()).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(Path.of(users + ".db"))) {
                throw new IOException("cannot write the vsftpd user database with " + python + ": "
                        + Files.readString(dir.resolve("userdb.log")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** {@code ftp://127.0.0.1:PORT/PATH} (anonymous). */
    public String url(String path) {
        return "ftp://127.0.0.1:" + port + "/" + path;
    }

    /** {@code ftp://USER@127.0.0.1:PORT/PATH}: the password comes from a secret. */
    public String userUrl(String path) {
        return "ftp://" + USER + "@127.0.0.1:" + port + "/" + path;
    }

    public int port() {
        return port;
    }

    /** The per-session processes vsftpd forked (to cut a transfer short by killing them). */
    public List<ProcessHandle> sessionProcesses() {
        return daemon.descendants();
    }

    /** vsftpd's log of logins and transfers. */
    public String log() {
        try {
            Path log = workDir.resolve("vsftpd.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            daemon.close();
        } finally {
            deleteQuietly(pamService);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }
}
