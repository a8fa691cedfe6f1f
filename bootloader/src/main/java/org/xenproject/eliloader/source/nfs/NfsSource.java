package org.xenproject.eliloader.source.nfs;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.source.Attempts;
import org.xenproject.eliloader.source.InstallSource;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.source.SourceOptions;
import org.xenproject.eliloader.source.TreePath;
import org.xenproject.eliloader.source.Validators;
import org.xenproject.eliloader.error.MessageText;

/**
 * An install tree on an NFS server, read over NFS version 3 entirely in user space.
 *
 * <h2>Why a client of our own</h2>
 * The bootloader cannot mount: a deprivileged dom0 may not, and the hosts we test on
 * have no NFS in their kernel. Java has no maintained NFSv3 client. The one on Maven
 * Central, {@code com.emc.ecs:nfs-client}, is unmaintained, is built on netty 3, and its
 * non-daemon netty threads keep the JVM alive unless a global shutdown is called, which a
 * short-lived program that must exit promptly on every path cannot afford. What we need
 * is small: the portmapper's GETPORT, MOUNT's MNT/UMNT/EXPORT, and NFS's LOOKUP, GETATTR,
 * READLINK, READ and FSINFO, over TCP with AUTH_SYS. That is a few hundred lines of
 * plain sockets that we can read, test byte by byte, and bound in time and memory.
 *
 * <h2>How a location is opened</h2>
 * <ol>
 *   <li>The portmapper (port 111) gives the MOUNT v3 TCP port, and the NFS v3 port unless
 *       the location names one; when the portmapper does not know NFS, 2049 is used.</li>
 *   <li>The export is found by asking the server's export list for the longest exported
 *       directory that contains the path, then by trying MNT on the path and each of its
 *       parents, longest first (Linux servers also mount directories below an export).
 *       The rest of the path is looked up inside the export.</li>
 *   <li>FSINFO sets the READ size: the server's preferred size, within its maximum and
 *       {@link NfsOptions#maxReadSize()}.</li>
 * </ol>
 * Files are read with READ calls of that size through an {@link InputStream}; only one
 * chunk is held in memory at a time. Symbolic links inside the export are followed
 * (Debian mirrors use them for {@code current}); an absolute link target is understood
 * relative to the export when it starts with the export's path, and refused otherwise.
 * {@link #close()} sends UMNT, as a courtesy to servers that record mounts.
 *
 * <h2>Credentials and ports</h2>
 * AUTH_SYS as uid 0, gid 0, machine name "eliloader", or AUTH_NONE if that is all the
 * export accepts. By default connections to MOUNT and NFS come from a port below 1024
 * when the process may bind one, because Linux servers require it unless the export is
 * marked "insecure"; see {@link NfsOptions#withReservedSourcePort(boolean)}.
 *
 * <h2>Settings and retries</h2>
 * {@link #open(Repository, SourceOptions)} takes the host's settings ({@link NfsOptions#from}):
 * the connect timeout, the read timeout as the limit of each call, and the retries and overall
 * time, which bound the opening of the tree and each file. A call that timed out or lost its
 * connection is tried again on a new connection; a refused connection, an NFS status or an RPC
 * rejection is not.
 *
 * <p>Every failure is a {@link BootloaderException} with code INVALID_SOURCE whose
 * message names the server, and the file when there is one. Instances are thread-safe;
 * calls are serialised on one connection.
 */
public final class NfsSource implements InstallSource {
    /** Like Linux's MAXSYMLINKS: deeper chains are loops in practice. */
    private static final int MAX_SYMLINKS = 40;
    /** Read size when the server gives no usable FSINFO preference. */
    private static final int DEFAULT_READ_SIZE = 64 * 1024;
    /** Room for the RPC and READ headers around the data in a reply. */
    private static final int REPLY_OVERHEAD = 4096;
    private static final int SMALL_REPLY = 64 * 1024;
    private static final int EXPORT_LIST_REPLY = 1024 * 1024;
    private static final int MAX_ERRORS_LISTED = 8;

    private final NfsLocation location;
    private final NfsOptions options;
    private final String server;
    private final InetAddress address;
    private final int mountPort;
    private final String exportPath;
    private final byte[] exportHandle;
    private final Nfs3Client nfs;
    /** Handles from the export's root down to the tree's root, both included. */
    private final List<byte[]> rootChain;
    private final int readSize;
    private volatile boolean closed;

    private NfsSource(Builder b) {
        this.location = b.location;
        this.options = b.options;
        this.server = b.location.host();
        this.address = b.address;
        this.mountPort = b.mountPort;
        this.exportPath = b.exportPath;
        this.exportHandle = b.exportHandle;
        this.nfs = b.nfs;
        this.rootChain = b.rootChain;
        this.readSize = b.readSize;
    }

    /** Opens the repository with the host's settings: timeouts, overall time and retries ({@link NfsOptions#from}). */
    public static NfsSource open(Repository repository, SourceOptions options) {
        return connect(NfsLocation.of(repository), NfsOptions.from(options));
    }

    /**
     * Connects, mounts the export holding {@code location}'s path and checks that the path
     * is a directory.
     *
     * @throws BootloaderException INVALID_SOURCE when the server cannot be reached, refuses
     *                             the mount, or the path is not a directory
     */
    public static NfsSource connect(NfsLocation location, NfsOptions options) {
        Attempts attempts = new Attempts(options.retry(), options.overallTimeout(), location.toUrl());
        while (true) {
            Builder b = new Builder(location, options);
            try {
                b.connect();
                return new NfsSource(b);
            } catch (BootloaderException e) {
                b.abandon();
                if (!(e.getCause() instanceof IOException io) || !isTransient(io)) {
                    throw e;
                }
                try {
                    attempts.failed(io, "");
                } catch (IOException spent) {
                    if (attempts.retriesUsed() == 0) {
                        throw e;
                    }
                    throw BootloaderException.invalidSource(e.getMessage() + " (" + gaveUp(attempts, spent) + ")", io);
                }
            } catch (RuntimeException e) {
                b.abandon();
                throw e;
            }
        }
    }

    /**
     * A call that timed out or lost its connection is worth another try (the connection is opened
     * again, and NFSv3 handles stay valid); a refused connection, a status or an RPC rejection is
     * not: nothing listens there, or the server has answered.
     */
    static boolean isTransient(IOException e) {
        if (e instanceof NfsStatusException || e instanceof RpcException || e instanceof TreePathException
                || e instanceof UnknownHostException) {
            return false;
        }
        if (e instanceof ConnectException) {
            return e.getCause() instanceof SocketTimeoutException; // not accepted in time, unlike refused
        }
        return true;
    }

    private static String gaveUp(Attempts attempts, IOException spent) {
        return String.valueOf(spent.getMessage()).startsWith("gave up after the overall timeout")
                ? "gave up after the overall timeout"
                : "gave up after " + (attempts.retriesUsed() + 1) + " attempts";
    }

    /** Runs one call of a file's reads or lookups, retrying transient failures within the file's budget. */
    private static <T> T call(Attempts attempts, Attempts.Operation<T> operation) throws IOException {
        while (true) {
            attempts.checkDeadline();
            try {
                return operation.run();
            } catch (IOException e) {
                if (!isTransient(e)) {
                    throw e;
                }
                try {
                    attempts.failed(e, "");
                } catch (IOException spent) {
                    if (attempts.retriesUsed() == 0) {
                        throw e;
                    }
                    throw new RetriesSpent(e, gaveUp(attempts, spent));
                }
            }
        }
    }

    /** The last transient failure of a call whose retries are spent; messages describe the failure. */
    static final class RetriesSpent extends IOException {
        private static final long serialVersionUID = 1L;
        final IOException last;
        final String note;

        RetriesSpent(IOException last, String note) {
            super(note, last);
            this.last = last;
            this.note = note;
        }
    }

    private Attempts attempts(String path) {
        return new Attempts(options.retry(), options.overallTimeout(), describe(path));
    }

    /** The location this source reads. */
    public NfsLocation location() {
        return location;
    }

    /** The exported directory that was mounted; the tree is this or below it. */
    public String exportPath() {
        return exportPath;
    }

    /** The size of the READ calls, after negotiation with the server. */
    public int readSize() {
        return readSize;
    }

    /** The local port of the NFS connection, or -1 when none is open; for tests. */
    int nfsLocalPort() {
        return nfs.connection().localPort();
    }

    @Override
    public String describe(String path) {
        return location.describe(path);
    }

    @Override
    public boolean exists(String path) {
        checkOpen(path);
        TreePath.check(path, location.toUrl());
        try {
            Attempts attempts = attempts(path);
            Nfs3Client.Attributes attributes = call(attempts, () -> resolve(path)).attributes;
            return attributes.type == Nfs3Client.NF3REG;
        } catch (NfsStatusException e) {
            if (isMissing(e)) {
                return false;
            }
            throw failure(path, e);
        } catch (IOException e) {
            throw failure(path, e);
        }
    }

    @Override
    public Resource open(String path) {
        checkOpen(path);
        TreePath.check(path, location.toUrl());
        Attempts attempts = attempts(path);
        Target target;
        try {
            target = call(attempts, () -> resolve(path));
        } catch (NfsStatusException e) {
            if (isMissing(e)) {
                throw BootloaderException.invalidSource(describe(path) + " does not exist (" + e.statusName() + ")",
                        e);
            }
            throw failure(path, e);
        } catch (IOException e) {
            throw failure(path, e);
        }
        if (target.attributes.type != Nfs3Client.NF3REG) {
            throw BootloaderException.invalidSource(describe(path) + " is not a regular file ("
                    + typeName(target.attributes.type) + ")");
        }
        return new NfsResource(path, target.handle, target.attributes.size, attempts, validators(target.attributes));
    }

    private static Validators validators(Nfs3Client.Attributes a) {
        return a.mtimeNanos == 0 ? Validators.NONE : Validators.of("size", Long.toString(a.size), "mtime",
                Long.toString(a.mtimeNanos), "file", Long.toString(a.fileId));
    }

    /** Unchanged when size, modification time and file id (GETATTR by LOOKUP) are those of the cached copy. */
    @Override
    public Resource openIfChanged(String path, Validators known) {
        if (!known.isEmpty()) {
            checkOpen(path);
            TreePath.check(path, location.toUrl());
            try {
                Target target = call(attempts(path), () -> resolve(path));
                if (target.attributes != null && target.attributes.type == Nfs3Client.NF3REG
                        && validators(target.attributes).equals(known)) {
                    return Resource.unchanged(known);
                }
            } catch (IOException | RuntimeException e) {
                // open says what is wrong
            }
        }
        return open(path);
    }

    /*
     * No cacheIdentity: not cached. nfs-ganesha (the test peer) answered LOOKUP with the old size
     * and mtime after the file was rewritten on its own file system, so attributes cannot prove an
     * NFS file unchanged, and a cache must never hand over a stale file. The validators above are
     * kept for when a server's attributes can be trusted (e.g. a setting naming such servers).
     */

    /** Closes the connection and tells the server we unmounted. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        nfs.connection().close();
        unmountQuietly(address, mountPort, exportPath, options);
    }

    // ---- path resolution ---------------------------------------------------------------

    /**
     * A path that cannot be followed for a reason of the tree's shape rather than a
     * server status: a link loop, a link or ".." leaving the export.
     */
    static final class TreePathException extends IOException {
        private static final long serialVersionUID = 1L;

        TreePathException(String message) {
            super(message);
        }
    }

    /** A resolved file: its handle and attributes. */
    private static final class Target {
        final byte[] handle;
        final Nfs3Client.Attributes attributes;

        Target(byte[] handle, Nfs3Client.Attributes attributes) {
            this.handle = handle;
            this.attributes = attributes;
        }
    }

    private Target resolve(String relative) throws IOException {
        return walk(nfs, exportPath, exportHandle, new ArrayList<>(rootChain), relative);
    }

    /**
     * Looks {@code relative} up component by component from the last handle of
     * {@code chain}, following symbolic links, including a final one.
     * ".." pops {@code chain}, and may not climb above the export's root.
     */
    private static Target walk(Nfs3Client nfs, String exportPath, byte[] exportHandle, List<byte[]> chain,
                               String relative) throws IOException {
        ArrayDeque<String> pending = new ArrayDeque<>();
        pushComponents(pending, relative);
        Nfs3Client.Attributes attributes = null;
        int links = 0;
        while (!pending.isEmpty()) {
            String name = pending.removeFirst();
            if (name.equals("..")) {
                if (chain.size() <= 1) {
                    throw new TreePathException("the path climbs above the export " + exportPath);
                }
                chain.remove(chain.size() - 1);
                attributes = null;
                continue;
            }
            if (attributes != null && attributes.type != Nfs3Client.NF3DIR) {
                throw new NfsStatusException("LOOKUP", Nfs3Client.NFS3ERR_NOTDIR, "NFS3ERR_NOTDIR");
            }
            byte[] directory = chain.get(chain.size() - 1);
            Nfs3Client.Lookup found = nfs.lookup(directory, name);
            Nfs3Client.Attributes foundAttributes =
                    found.attributes != null ? found.attributes : nfs.getattr(found.handle);
            if (foundAttributes.type == Nfs3Client.NF3LNK) {
                if (++links > MAX_SYMLINKS) {
                    throw new TreePathException("too many levels of symbolic links");
                }
                String target = nfs.readlink(found.handle);
                if (target.startsWith("/")) {
                    String inside = insideExport(exportPath, target);
                    if (inside == null) {
                        throw new TreePathException("symbolic link " + MessageText.printable(name) + " points to "
                                + MessageText.printable(target) + ", outside the export " + exportPath);
                    }
                    chain.clear();
                    chain.add(exportHandle);
                    pushComponents(pending, inside);
                } else {
                    pushComponents(pending, target);
                }
                attributes = null; // the directory holding the link is a directory
                continue;
            }
            chain.add(found.handle);
            attributes = foundAttributes;
        }
        if (attributes == null) {
            // the path named a directory already in the chain (empty, "." or "..")
            byte[] handle = chain.get(chain.size() - 1);
            return new Target(handle, nfs.getattr(handle));
        }
        return new Target(chain.get(chain.size() - 1), attributes);
    }

    /** Puts the components of {@code path} in front of {@code pending}, in order. */
    private static void pushComponents(ArrayDeque<String> pending, String path) {
        int end = path.length();
        while (end > 0) {
            int slash = path.lastIndexOf('/', end - 1);
            String part = path.substring(slash + 1, end);
            if (!part.isEmpty() && !part.equals(".")) {
                pending.addFirst(part);
            }
            end = slash < 0 ? 0 : slash;
        }
    }

    /** The part of absolute {@code path} below {@code export}, or null when it is outside. */
    static String insideExport(String export, String path) {
        if (export.equals("/")) {
            return path.substring(1);
        }
        if (path.equals(export)) {
            return "";
        }
        if (path.startsWith(export) && path.charAt(export.length()) == '/') {
            return path.substring(export.length() + 1);
        }
        return null;
    }

    private static boolean isMissing(NfsStatusException e) {
        return e.status() == Nfs3Client.NFS3ERR_NOENT || e.status() == Nfs3Client.NFS3ERR_NOTDIR;
    }

    // ---- errors ------------------------------------------------------------------------

    private void checkOpen(String path) {
        if (closed) {
            throw new IllegalStateException("NFS source " + location + " is closed; cannot read " + path);
        }
    }

    private BootloaderException failure(String path, IOException e) {
        if (e instanceof RetriesSpent spent) {
            BootloaderException last = failure(path, spent.last);
            return BootloaderException.invalidSource(last.getMessage() + " (" + spent.note + ")", spent.last);
        }
        String reason;
        if (e instanceof NfsStatusException) {
            reason = ((NfsStatusException) e).statusName() + " from NFS server " + server;
        } else if (e instanceof TreePathException) {
            reason = e.getMessage();
        } else {
            reason = transportReason(server, nfs.connection(), options, e);
        }
        return BootloaderException.invalidSource("cannot read " + describe(path) + ": " + reason, e);
    }

    /** Why a call over {@code c} failed, in words naming the server and the service. */
    static String transportReason(String server, RpcConnection c, NfsOptions options, IOException e) {
        String service = "NFS server " + server + " port " + c.address().getPort() + " (" + c.name() + ")";
        if (e instanceof ConnectException) {
            return "cannot connect to " + service + ": " + e.getMessage();
        }
        if (e instanceof SocketTimeoutException) {
            return service + " did not answer within " + seconds(options.callTimeoutMillis());
        }
        if (e instanceof EOFException) {
            return service + " closed the connection";
        }
        return service + ": " + e.getMessage();
    }

    private static String seconds(int millis) {
        return millis % 1000 == 0 ? (millis / 1000) + " s" : millis + " ms";
    }

    static String typeName(int type) {
        switch (type) {
            case 1: return "regular file";
            case 2: return "directory";
            case 3: return "block device";
            case 4: return "character device";
            case 5: return "symbolic link";
            case 6: return "socket";
            case 7: return "fifo";
            default: return "type " + type;
        }
    }

    private static void unmountQuietly(InetAddress address, int mountPort, String exportPath, NfsOptions options) {
        if (exportPath == null || mountPort <= 0) {
            return;
        }
        // Advisory only (servers use it for showmount): short timeouts, failures ignored.
        int timeout = Math.min(options.callTimeoutMillis(), 5000);
        RpcConnection c = new RpcConnection(new InetSocketAddress(address, mountPort), MountClient.PROGRAM,
                MountClient.VERSION, "MOUNT v3", RpcAuth.sysRoot(), Math.min(options.connectTimeoutMillis(), 5000),
                timeout, SMALL_REPLY, options.reservedSourcePort());
        try {
            new MountClient(c).unmount(exportPath);
        } catch (IOException ignored) {
            // The server forgets the mount anyway; nothing the caller could do about it.
        } finally {
            c.close();
        }
    }

    // ---- opening -----------------------------------------------------------------------

    /** The steps of {@link #connect(NfsLocation, NfsOptions)}, with what to undo on failure. */
    private static final class Builder {
        final NfsLocation location;
        final NfsOptions options;
        final String server;
        InetAddress address;
        int mountPort;
        String exportPath;
        byte[] exportHandle;
        Nfs3Client nfs;
        List<byte[]> rootChain;
        int readSize;

        Builder(NfsLocation location, NfsOptions options) {
            this.location = location;
            this.options = options;
            this.server = location.host();
        }

        void connect() {
            try {
                address = InetAddress.getByName(server);
            } catch (UnknownHostException e) {
                throw BootloaderException.invalidSource("cannot resolve NFS server " + server, e);
            }
            int nfsPort = findPorts();
            RpcAuth auth = mount();
            RpcConnection nfsConnection = new RpcConnection(new InetSocketAddress(address, nfsPort),
                    Nfs3Client.PROGRAM, Nfs3Client.VERSION, "NFS v3", auth, options.connectTimeoutMillis(),
                    options.callTimeoutMillis(), options.maxReadSize() + REPLY_OVERHEAD,
                    options.reservedSourcePort());
            nfs = new Nfs3Client(nfsConnection);
            try {
                nfsConnection.connect();
                readSize = negotiateReadSize(nfs.fsinfo(exportHandle));
            } catch (NfsStatusException e) {
                readSize = Math.min(DEFAULT_READ_SIZE, options.maxReadSize()); // FSINFO is advisory
            } catch (IOException e) {
                throw BootloaderException.invalidSource(
                        transportReason(server, nfsConnection, options, e), e);
            }
            findTreeRoot();
        }

        /** Asks the portmapper for MOUNT's port and returns NFS's. */
        private int findPorts() {
            RpcConnection pmap = new RpcConnection(new InetSocketAddress(address, options.portmapperPort()),
                    Portmapper.PROGRAM, Portmapper.VERSION, "portmapper", RpcAuth.NONE,
                    options.connectTimeoutMillis(), options.callTimeoutMillis(), SMALL_REPLY, false);
            try {
                mountPort = Portmapper.getPort(pmap, MountClient.PROGRAM, MountClient.VERSION);
                if (mountPort == 0) {
                    throw BootloaderException.invalidSource("NFS server " + server
                            + " has no MOUNT v3 service over TCP registered with its portmapper");
                }
                if (location.port().isPresent()) {
                    return location.port().getAsInt();
                }
                int nfsPort = Portmapper.getPort(pmap, Nfs3Client.PROGRAM, Nfs3Client.VERSION);
                return nfsPort != 0 ? nfsPort : options.defaultNfsPort();
            } catch (IOException e) {
                throw BootloaderException.invalidSource(transportReason(server, pmap, options, e), e);
            } finally {
                pmap.close();
            }
        }

        /** Mounts the longest exported prefix of the path; returns the credential to use. */
        private RpcAuth mount() {
            String path = location.path();
            RpcConnection c = new RpcConnection(new InetSocketAddress(address, mountPort), MountClient.PROGRAM,
                    MountClient.VERSION, "MOUNT v3", RpcAuth.sysRoot(), options.connectTimeoutMillis(),
                    options.callTimeoutMillis(), EXPORT_LIST_REPLY, options.reservedSourcePort());
            try {
                MountClient mountd = new MountClient(c);
                List<String> exports = null;
                try {
                    exports = mountd.exports();
                } catch (NfsStatusException | RpcException e) {
                    // Some servers hide their export list; trying MNT on prefixes still works.
                }
                List<String> candidates = candidates(exports, path);
                NfsStatusException first = null;
                for (String candidate : candidates) {
                    MountClient.Mounted mounted;
                    try {
                        mounted = mountd.mount(candidate);
                    } catch (NfsStatusException e) {
                        if (first == null) {
                            first = e;
                        }
                        continue;
                    } catch (RpcException e) {
                        // MNT answered at the RPC level (auth, garbage): every candidate would fail so
                        throw BootloaderException.invalidSource("NFS server " + server + " refused to mount "
                                + candidate + ": " + e.getMessage(), e);
                    }
                    exportPath = candidate;
                    exportHandle = mounted.handle;
                    return chooseAuth(mounted.flavors);
                }
                String failedPath = candidates.get(0);
                throw BootloaderException.invalidSource("NFS server " + server + " refused to mount " + failedPath
                        + ": " + first.statusName() + exportsHint(exports), first);
            } catch (IOException e) {
                throw BootloaderException.invalidSource(transportReason(server, c, options, e), e);
            } finally {
                c.close();
            }
        }

        private RpcAuth chooseAuth(int[] flavors) {
            boolean none = false;
            StringBuilder names = new StringBuilder();
            for (int flavor : flavors) {
                if (flavor == RpcAuth.AUTH_SYS) {
                    return RpcAuth.sysRoot();
                }
                none |= flavor == RpcAuth.AUTH_NONE;
                names.append(names.length() == 0 ? "" : ", ").append(RpcAuth.flavorName(flavor));
            }
            if (flavors.length == 0) {
                return RpcAuth.sysRoot(); // RFC 1813 servers that predate the list mean AUTH_SYS
            }
            if (none) {
                return RpcAuth.NONE;
            }
            throw BootloaderException.invalidSource("NFS server " + server + " exports " + exportPath
                    + " only with " + names + "; eliloader speaks AUTH_SYS and AUTH_NONE");
        }

        private int negotiateReadSize(Nfs3Client.FsInfo info) {
            long size = info.rtpref >= NfsOptions.MIN_READ_SIZE ? info.rtpref : DEFAULT_READ_SIZE;
            if (info.rtmax >= 512 && size > info.rtmax) {
                size = info.rtmax;
            }
            return (int) Math.min(size, options.maxReadSize());
        }

        /** Looks up the rest of the location's path below the export; it must be a directory. */
        private void findTreeRoot() {
            String rest = insideExport(exportPath, location.path());
            List<byte[]> chain = new ArrayList<>();
            chain.add(exportHandle);
            Target root;
            try {
                root = walk(nfs, exportPath, exportHandle, chain, rest == null ? "" : rest);
            } catch (NfsStatusException e) {
                String what = isMissing(e) ? " does not exist" : " cannot be opened";
                throw BootloaderException.invalidSource(location.toUrl() + what + " on NFS server " + server
                        + " (" + e.statusName() + " below the export " + exportPath + ")", e);
            } catch (TreePathException e) {
                throw BootloaderException.invalidSource(location.toUrl() + " cannot be opened: " + e.getMessage(), e);
            } catch (IOException e) {
                throw BootloaderException.invalidSource(transportReason(server, nfs.connection(), options, e), e);
            }
            if (root.attributes.type != Nfs3Client.NF3DIR) {
                throw BootloaderException.invalidSource(location.toUrl() + " is not a directory ("
                        + typeName(root.attributes.type) + ")");
            }
            rootChain = chain;
        }

        /** Closes what {@link #connect()} opened before it failed. */
        void abandon() {
            if (nfs != null) {
                nfs.connection().close();
            }
            if (exportHandle != null) {
                unmountQuietly(address, mountPort, exportPath, options);
            }
        }

        private static String exportsHint(List<String> exports) {
            if (exports == null) {
                return "";
            }
            if (exports.isEmpty()) {
                return " (its export list is empty)";
            }
            StringBuilder b = new StringBuilder(" (exports: ");
            for (int i = 0; i < exports.size() && i < MAX_ERRORS_LISTED; i++) {
                b.append(i == 0 ? "" : ", ").append(MessageText.printable(exports.get(i)));
            }
            if (exports.size() > MAX_ERRORS_LISTED) {
                b.append(", and ").append(exports.size() - MAX_ERRORS_LISTED).append(" more");
            }
            return b.append(')').toString();
        }
    }

    /**
     * The directories to try MNT on: the exported ones that contain {@code path}, longest
     * first, then {@code path} itself and its parents, longest first.
     */
    static List<String> candidates(List<String> exports, String path) {
        List<String> result = new ArrayList<>();
        if (exports != null) {
            List<String> covering = new ArrayList<>();
            for (String export : exports) {
                String e = export.length() > 1 && export.endsWith("/")
                        ? export.substring(0, export.length() - 1) : export;
                if (e.startsWith("/") && insideExport(e, path) != null && !covering.contains(e)) {
                    covering.add(e);
                }
            }
            while (!covering.isEmpty()) { // few entries: a selection sort keeps it plain
                int longest = 0;
                for (int i = 1; i < covering.size(); i++) {
                    if (covering.get(i).length() > covering.get(longest).length()) {
                        longest = i;
                    }
                }
                result.add(covering.remove(longest));
            }
        }
        String p = path;
        while (true) {
            if (!result.contains(p)) {
                result.add(p);
            }
            if (p.equals("/")) {
                return result;
            }
            int slash = p.lastIndexOf('/');
            p = slash == 0 ? "/" : p.substring(0, slash);
        }
    }

    // ---- reading -----------------------------------------------------------------------

    private final class NfsResource implements Resource {
        private final String path;
        private final byte[] handle;
        private final long size;
        private final Attempts attempts;
        private final Validators validators;

        NfsResource(String path, byte[] handle, long size, Attempts attempts, Validators validators) {
            this.path = path;
            this.handle = handle;
            this.size = size;
            this.attempts = attempts;
            this.validators = validators;
        }

        @Override
        public Validators validators() {
            return validators;
        }

        @Override
        public OptionalLong length() {
            return size >= 0 ? OptionalLong.of(size) : OptionalLong.empty();
        }

        @Override
        public InputStream stream() {
            return new NfsInputStream(path, handle, attempts);
        }

        @Override
        public void close() {
            // NFSv3 keeps no open-file state on the server
        }
    }

    /**
     * READs a file in chunks of {@link #readSize}, serving bytes straight from the reply
     * record of the last READ. Failures are INVALID_SOURCE naming the file.
     */
    private final class NfsInputStream extends InputStream {
        /** Empty replies short of EOF that we accept before calling the server broken. */
        private static final int MAX_EMPTY_READS = 3;

        private final String path;
        private final byte[] handle;
        private long offset;
        private byte[] buf;
        private int pos;
        private int end;
        private boolean eof;
        private boolean streamClosed;
        /** The file's budget: the open and every READ draw on it, within the overall timeout. */
        private final Attempts attempts;

        NfsInputStream(String path, byte[] handle, Attempts attempts) {
            this.path = path;
            this.handle = handle;
            this.attempts = attempts;
        }

        @Override
        public int read() throws IOException {
            if (pos == end && !fill()) {
                return -1;
            }
            return buf[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (off < 0 || len < 0 || len > b.length - off) {
                throw new IndexOutOfBoundsException("offset " + off + " length " + len + " of " + b.length);
            }
            if (len == 0) {
                return 0;
            }
            if (pos == end && !fill()) {
                return -1;
            }
            int n = Math.min(len, end - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return end - pos;
        }

        @Override
        public void close() {
            streamClosed = true;
            buf = null;
            pos = 0;
            end = 0;
        }

        private boolean fill() throws IOException {
            if (streamClosed) {
                throw new IOException("stream of " + describe(path) + " is closed");
            }
            checkOpen(path);
            for (int empty = 0; !eof; empty++) {
                Nfs3Client.ReadResult r;
                try {
                    long at = offset;
                    r = call(attempts, () -> nfs.read(handle, at, readSize));
                } catch (IOException e) {
                    throw failure(path, e);
                }
                eof = r.eof;
                if (r.count > 0) {
                    offset += r.count;
                    try {
                        attempts.progress(r.count);
                    } catch (IOException e) {
                        throw failure(path, e);
                    }
                    buf = r.record;
                    pos = r.offset;
                    end = r.offset + r.count;
                    return true;
                }
                if (!eof && empty + 1 >= MAX_EMPTY_READS) {
                    throw BootloaderException.invalidSource("cannot read " + describe(path) + ": NFS server "
                            + server + " returns no data at offset " + offset + " but does not report the end");
                }
            }
            return false;
        }
    }
}
