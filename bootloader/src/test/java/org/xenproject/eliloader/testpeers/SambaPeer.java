package org.xenproject.eliloader.testpeers;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Samba smbd serving one tree on 127.0.0.1 as two read-only shares: {@code guest} (guest
 * access) and {@code private} (only {@link #USER}/{@link #PASSWORD}), SMB 2.0.2 at least,
 * NetBIOS off. Every directory Samba writes (private, lock, state, cache, pid, ncalrpc, logs) is
 * under the work dir; the user exists only in the work dir's passdb, mapped to the Unix account
 * root by a {@code username map}, so /etc/passwd is not touched.
 */
public final class SambaPeer implements AutoCloseable {
    public static final String USER = "labuser";
    public static final String PASSWORD = "Smb-pass;9";
    public static final String DOMAIN = "WORKGROUP";
    public static final String GUEST_SHARE = "guest";
    public static final String USER_SHARE = "private";

    private final Daemon daemon;
    private final int port;

    private SambaPeer(Daemon daemon, int port) {
        this.daemon = daemon;
        this.port = port;
    }

    public static SambaPeer serve(Path tree, Path workDir) {
        return serve(tree, workDir, "SMB2_02", "SMB3");
    }

    /** With the server's protocol range, e.g. {@code NT1}..{@code NT1} for an SMB1-only server. */
    public static SambaPeer serve(Path tree, Path workDir, String minProtocol, String maxProtocol) {
        String smbd = "/usr/sbin/smbd";
        if (!Files.isExecutable(Path.of(smbd)) || !Files.isExecutable(Path.of("/usr/bin/smbpasswd"))) {
            throw new IllegalStateException("samba (smbd, smbpasswd) is not installed; run scripts/setup");
        }
        Path dir = workDir.toAbsolutePath().resolve("samba");
        try {
            for (String sub : List.of("private", "lock", "state", "cache", "pid", "ncalrpc", "log")) {
                Files.createDirectories(dir.resolve(sub));
            }
            Files.writeString(dir.resolve("usermap"), "root = " + USER + "\n");
            int port = Ports.free();
            Path root = tree.toAbsolutePath();
            Path config = dir.resolve("smb.conf");
            Files.writeString(config, String.join("\n",
                    "[global]",
                    "  netbios name = ELILOADERTEST",
                    "  workgroup = " + DOMAIN,
                    "  server role = standalone server",
                    "  interfaces = 127.0.0.1",
                    "  bind interfaces only = yes",
                    "  smb ports = " + port,
                    "  disable netbios = yes",
                    "  server min protocol = " + minProtocol,
                    "  server max protocol = " + maxProtocol,
                    "  map to guest = Bad User",
                    "  guest account = nobody",
                    "  passdb backend = tdbsam:" + dir.resolve("private/passdb.tdb"),
                    "  username map = " + dir.resolve("usermap"),
                    "  private dir = " + dir.resolve("private"),
                    "  lock directory = " + dir.resolve("lock"),
                    "  state directory = " + dir.resolve("state"),
                    "  cache directory = " + dir.resolve("cache"),
                    "  pid directory = " + dir.resolve("pid"),
                    "  ncalrpc dir = " + dir.resolve("ncalrpc"),
                    "  log file = " + dir.resolve("log/log.%m"),
                    "  usershare path = ",
                    "  load printers = no",
                    "  printing = bsd",
                    "  printcap name = /dev/null",
                    "  disable spoolss = yes",
                    "",
                    "[" + GUEST_SHARE + "]",
                    "  path = " + root,
                    "  read only = yes",
                    "  guest ok = yes",
                    "",
                    "[" + USER_SHARE + "]",
                    "  path = " + root,
                    "  read only = yes",
                    "  guest ok = no",
                    "  valid users = root",
                    ""));
            addUser(config, dir);
            Daemon daemon = Daemon.start("smbd", List.of(smbd, "-F", "--no-process-group", "-s", config.toString(),
                    "--debug-stdout", "-d", "1"), dir.resolve("log/smbd.out"));
            daemon.awaitListening(port);
            return new SambaPeer(daemon, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up Samba in " + dir, e);
        }
    }

    private static void addUser(Path config, Path dir) throws IOException {
        Process p = new ProcessBuilder("/usr/bin/smbpasswd", "-c", config.toString(), "-s", "-a", "root")
                .redirectErrorStream(true).redirectOutput(dir.resolve("log/smbpasswd.out").toFile()).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write((PASSWORD + "\n" + PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        }
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("smbpasswd failed: " + Files.readString(dir.resolve("log/smbpasswd.out")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** {@code smb://127.0.0.1:PORT/guest/PATH}, for a guest login. */
    public String guestUrl(String path) {
        return "smb://127.0.0.1:" + port + "/" + GUEST_SHARE + "/" + path;
    }

    /** {@code smb://WORKGROUP;labuser@127.0.0.1:PORT/private/PATH}: the password comes from a secret. */
    public String userUrl(String path) {
        return "smb://" + DOMAIN + ";" + USER + "@127.0.0.1:" + port + "/" + USER_SHARE + "/" + path;
    }

    public int port() {
        return port;
    }

    /**
     * The per-connection smbd processes (to cut a transfer short by killing them): the children
     * named plain {@code smbd}, not the helpers {@code smbd-notifyd} and {@code cleanupd}.
     */
    public List<ProcessHandle> connectionProcesses() {
        return daemon.descendants().stream().filter(p -> "smbd".equals(comm(p))).toList();
    }

    private static String comm(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        daemon.close();
    }
}
