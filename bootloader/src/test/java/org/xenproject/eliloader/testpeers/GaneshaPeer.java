package org.xenproject.eliloader.testpeers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real NFS server for tests: nfs-ganesha (VFS backend) exporting a directory read-only
 * over NFSv3 and v4, with its own rpcbind.
 *
 * <p>Why the ceremony: NFSv3 needs a portmapper, and rpcbind on this kind of host only
 * works bound to every address, which we only allow inside the private network namespace
 * ({@code eliloader-test}) that {@code scripts/with-test-netns} creates (loopback only, plus
 * 127.0.0.2 because ganesha rejects its bind address otherwise). So the whole test JVM
 * runs in that namespace, and this peer refuses to start anywhere else rather than
 * skipping: a skipped NFS test would hide a broken NFS source.
 *
 * <p>rpcbind allows one instance per host (it locks a file under /run/rpcbind), and the
 * ports are fixed, so peers are serialised across JVMs by a lock file. Everything ganesha
 * writes (config, log, pid file, NFSv4 recovery directory) lives in a temporary
 * directory removed by {@link #close()}, which stops both daemons by their PIDs, also
 * when start-up failed half way, and from a shutdown hook if a test forgets to.
 *
 * <p>The export: {@code Path = TREE}, {@code Pseudo = /export}, with
 * {@code Mount_Path_Pseudo} so that NFSv3 clients mount it as {@code /export} too,
 * which keeps URLs independent of the temporary directory.
 */
public final class GaneshaPeer implements AutoCloseable {
    /** The namespace scripts/with-test-netns runs commands in; ELILOADER_TEST_NETNS overrides it. */
    public static final String NAMESPACE = namespaceName();
    public static final String HOST = "127.0.0.1";
    public static final int PORTMAPPER_PORT = 111;
    public static final int NFS_PORT = 2049;
    public static final int MOUNT_PORT = 20048;
    public static final String EXPORT = "/export";

    private static final String HOW_TO_RUN = "Run the tests via scripts/with-test-netns, e.g. "
            + "'mvn -q -B -o test-compile && scripts/with-test-netns mvn -q -B -o test -Dtest=Nfs*'.";
    private static final String HOW_TO_INSTALL = "Install the peer with 'apt-get install -y "
            + "--no-install-recommends nfs-ganesha nfs-ganesha-vfs rpcbind nfs-common'.";
    private static final Path LOCK_FILE = Path.of(System.getProperty("java.io.tmpdir"), "eliloader-ganesha-peer.lock");
    private static final long LOCK_WAIT_MILLIS = 120_000;
    private static final long START_WAIT_MILLIS = 20_000;
    private static final long STOP_WAIT_MILLIS = 10_000;

    private final Path tree;
    private final Path workDir;
    private final boolean privilegedPortsOnly;
    private FileChannel lockChannel;
    private FileLock lock;
    private Process rpcbind;
    private Process ganesha;
    private Thread shutdownHook;
    private boolean closed;

    private GaneshaPeer(Path tree, Path workDir, boolean privilegedPortsOnly) {
        this.tree = tree;
        this.workDir = workDir;
        this.privilegedPortsOnly = privilegedPortsOnly;
    }

    /** Starts rpcbind and ganesha exporting {@code tree}; waits until NFS and MOUNT answer. */
    public static GaneshaPeer start(Path tree) {
        return start(tree, false);
    }

    /**
     * As {@link #start(Path)}; with {@code privilegedPortsOnly} the export answers only
     * clients whose source port is below 1024, as Linux's "secure" exports do.
     */
    public static GaneshaPeer start(Path tree, boolean privilegedPortsOnly) {
        if (!Files.isDirectory(tree)) {
            throw new IllegalArgumentException("not a directory: " + tree);
        }
        Path rpcbindBin = executable("rpcbind", "/usr/sbin/rpcbind", "/sbin/rpcbind");
        Path ganeshaBin = executable("ganesha.nfsd", "/usr/bin/ganesha.nfsd", "/usr/sbin/ganesha.nfsd");
        Path rpcinfoBin = executable("rpcinfo", "/usr/sbin/rpcinfo", "/usr/bin/rpcinfo", "/sbin/rpcinfo");
        checkNamespace();
        GaneshaPeer peer;
        try {
            peer = new GaneshaPeer(tree.toAbsolutePath().normalize(),
                    Files.createTempDirectory("eliloader-ganesha-"), privilegedPortsOnly);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            peer.launch(rpcbindBin, ganeshaBin, rpcinfoBin);
            return peer;
        } catch (RuntimeException | Error e) {
            peer.close();
            throw e;
        }
    }

    public String host() {
        return HOST;
    }

    public int portmapperPort() {
        return PORTMAPPER_PORT;
    }

    public int nfsPort() {
        return NFS_PORT;
    }

    public int mountPort() {
        return MOUNT_PORT;
    }

    /** The path NFSv3 clients mount. */
    public String exportPath() {
        return EXPORT;
    }

    /** The exported directory on the local disk. */
    public Path tree() {
        return tree;
    }

    /** Where the config and logs are, while the peer runs. */
    public Path workDir() {
        return workDir;
    }

    /** {@code nfs://127.0.0.1/export}. */
    public String url() {
        return "nfs://" + HOST + EXPORT;
    }

    /** The end of ganesha's log, for assertion messages. */
    public String logTail() {
        return tail(workDir.resolve("ganesha.log"), 30);
    }

    /** Stops ganesha, then rpcbind, by PID; removes the work directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop(ganesha); // first, so that it can unregister from rpcbind
            stop(rpcbind);
        } finally {
            deleteTree(workDir);
            releaseLock();
            if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException alreadyShuttingDown) {
                    // the hook is running or has run
                }
            }
        }
    }

    // ---- start-up -----------------------------------------------------------------------

    private void launch(Path rpcbindBin, Path ganeshaBin, Path rpcinfoBin) {
        acquireLock();
        shutdownHook = new Thread(this::close, "ganesha-peer-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            Path conf = workDir.resolve("ganesha.conf");
            Files.createDirectories(workDir.resolve("recovery"));
            Files.writeString(conf, config(), StandardCharsets.UTF_8);

            rpcbind = new ProcessBuilder(rpcbindBin.toString(), "-f", "-w")
                    .redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("rpcbind.out").toFile())
                    .start();
            waitFor("rpcbind to listen on port " + PORTMAPPER_PORT, () -> accepts(PORTMAPPER_PORT));

            ganesha = new ProcessBuilder(ganeshaBin.toString(), "-F",
                    "-f", conf.toString(),
                    "-L", workDir.resolve("ganesha.log").toString(),
                    "-p", workDir.resolve("ganesha.pid").toString(),
                    "-N", "NIV_EVENT")
                    .redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("ganesha.out").toFile())
                    .start();
            // rpcinfo does the NULL calls, so readiness does not depend on the code under test.
            waitFor("ganesha to answer MOUNT v3 and NFS v3 calls",
                    () -> succeeds(rpcinfoBin.toString(), "-t", HOST, "mountd", "3")
                            && succeeds(rpcinfoBin.toString(), "-n", String.valueOf(NFS_PORT), "-t", HOST, "nfs", "3"));
        } catch (IOException e) {
            throw failure("could not start the NFS peer: " + e.getMessage(), e);
        }
    }

    private String config() {
        return "NFS_CORE_PARAM {\n"
                + "  Bind_addr = " + HOST + ";\n"
                + "  NFS_Port = " + NFS_PORT + ";\n"
                + "  MNT_Port = " + MOUNT_PORT + ";\n"
                + "  Enable_NLM = false;\n"
                + "  Enable_RQUOTA = false;\n"
                + "  Protocols = 3, 4;\n"
                + "  Mount_Path_Pseudo = true;\n"
                + "}\n"
                + "NFSV4 {\n"
                + "  Graceless = true;\n"
                + "  RecoveryBackend = fs;\n"
                + "  RecoveryRoot = \"" + workDir.resolve("recovery") + "\";\n"
                + "}\n"
                + "EXPORT {\n"
                + "  Export_Id = 1;\n"
                + "  Path = \"" + tree + "\";\n"
                + "  Pseudo = " + EXPORT + ";\n"
                + "  Access_Type = RO;\n"
                + "  Squash = No_Root_Squash;\n"
                + "  SecType = sys;\n"
                + "  Protocols = 3, 4;\n"
                + "  Transports = TCP, UDP;\n"
                + "  PrivilegedPort = " + privilegedPortsOnly + ";\n"
                + "  FSAL { Name = VFS; }\n"
                + "}\n";
    }

    private interface Check {
        boolean ok() throws IOException;
    }

    private void waitFor(String what, Check check) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_WAIT_MILLIS);
        while (true) {
            if (rpcbind != null && !rpcbind.isAlive()) {
                throw failure("rpcbind exited with status " + rpcbind.exitValue() + " while waiting for " + what
                        + ":\n" + tail(workDir.resolve("rpcbind.out"), 10), null);
            }
            if (ganesha != null && !ganesha.isAlive()) {
                throw failure("ganesha.nfsd exited with status " + ganesha.exitValue() + " while waiting for "
                        + what + ":\n" + tail(workDir.resolve("ganesha.out"), 10) + "\n" + logTail(), null);
            }
            if (check.ok()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw failure("timed out after " + START_WAIT_MILLIS + " ms waiting for " + what + ":\n"
                        + tail(workDir.resolve("rpcbind.out"), 10) + "\n" + logTail(), null);
            }
            sleep(50);
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean succeeds(String... command) throws IOException {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return false;
            }
            return p.exitValue() == 0;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the NFS peer", e);
        }
    }

    // ---- environment --------------------------------------------------------------------

    private static String namespaceName() {
        String name = System.getenv("ELILOADER_TEST_NETNS");
        return name == null || name.isEmpty() ? "eliloader-test" : name;
    }

    private static Path executable(String name, String... usual) {
        for (String candidate : usual) {
            Path p = Path.of(candidate);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name);
                }
            }
        }
        throw failure(name + " is not installed. " + HOW_TO_INSTALL, null);
    }

    /** Same network namespace as /run/netns/NAMESPACE: same nsfs inode. */
    private static void checkNamespace() {
        Path named = Path.of("/run/netns", NAMESPACE);
        Object mine;
        Object theirs;
        try {
            mine = Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:ino");
            theirs = Files.exists(named) ? Files.getAttribute(named, "unix:ino") : null;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            throw failure("cannot tell which network namespace the tests run in (" + e + ")", e);
        }
        if (theirs == null || !theirs.equals(mine)) {
            throw failure("the tests are not running inside the network namespace " + NAMESPACE
                    + ", where the NFS peer (rpcbind + ganesha) must run", null);
        }
    }

    private void acquireLock() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOCK_WAIT_MILLIS);
        try {
            lockChannel = FileChannel.open(LOCK_FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            while (true) {
                try {
                    lock = lockChannel.tryLock();
                } catch (OverlappingFileLockException sameJvm) {
                    lock = null; // another peer of this JVM is running: wait for it like for others
                }
                if (lock != null) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw failure("another NFS peer has held " + LOCK_FILE + " for " + LOCK_WAIT_MILLIS
                            + " ms; only one can run at a time (one rpcbind per host)", null);
                }
                sleep(100);
            }
        } catch (IOException e) {
            throw failure("cannot lock " + LOCK_FILE + ": " + e.getMessage(), e);
        }
    }

    private void releaseLock() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException ignored) {
            // the lock dies with the channel or the process anyway
        } finally {
            lock = null;
            lockChannel = null;
        }
    }

    // ---- shutdown -----------------------------------------------------------------------

    /** SIGTERM, a grace period, then SIGKILL: the daemon's PID only, never by name. */
    private static void stop(Process p) {
        if (p == null) {
            return;
        }
        try {
            p.destroy();
            if (!p.waitFor(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        } catch (IOException e) {
            return; // leave it for the OS's tmp cleaner rather than mask the real outcome
        }
        for (Path p : paths) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // as above
            }
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no " + file.getFileName() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while managing the NFS peer", e);
        }
    }

    private static IllegalStateException failure(String message, Throwable cause) {
        return new IllegalStateException("NFS test peer: " + message + "\n" + HOW_TO_RUN, cause);
    }
}
