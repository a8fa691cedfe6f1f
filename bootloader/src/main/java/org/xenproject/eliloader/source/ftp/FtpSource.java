package org.xenproject.eliloader.source.ftp;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPHTTPClient;
import org.apache.commons.net.ftp.FTPReply;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.source.Attempts;
import org.xenproject.eliloader.source.InstallSource;
import org.xenproject.eliloader.source.ProxySetting;
import org.xenproject.eliloader.source.Repository;
import org.xenproject.eliloader.source.RepositoryCredentials;
import org.xenproject.eliloader.source.ResumableStream;
import org.xenproject.eliloader.source.SourceOptions;
import org.xenproject.eliloader.source.TreePath;
import org.xenproject.eliloader.source.Validators;

/**
 * An install tree on an FTP server, read with Apache Commons Net: passive mode, binary type.
 *
 * <p>{@code ftp://[USER[:PASSWORD]@]HOST[:PORT]/PATH}. Without a user the login is anonymous; a
 * user without a password in the URL takes it from the repository secret
 * ({@code other-config:install-repository-secret}). As RFC 1738 says, the path is relative to the
 * login directory; {@code ftp://host/%2Fsrv/tree} names the absolute {@code /srv/tree}.
 *
 * <p>Every file's size is asked with {@code SIZE} first (the copy checks it against what
 * arrives); a broken transfer is resumed on a new connection with {@code REST}, after checking
 * that {@code SIZE} and {@code MDTM} still say the same.
 *
 * <p>With a proxy ({@code install-proxy}, else the host's {@code http-proxy}) the connections go
 * through it as HTTP CONNECT tunnels (Commons Net's {@code FTPHTTPClient}; passive mode only, which
 * is the mode used anyway).
 */
public final class FtpSource implements InstallSource {
    static final String ANONYMOUS_PASSWORD = "eliloader@";

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final String basePath;
    private final String displayBase;
    private final SourceOptions options;
    private Session idle;
    private final ProxySetting proxy;

    private FtpSource(String host, int port, String user, String password, String basePath, String displayBase,
            SourceOptions options) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.basePath = basePath;
        this.displayBase = displayBase;
        this.options = options;
        this.proxy = ProxySetting.of(options);
        if (proxy != null) {
            Log.info("fetching " + displayBase + " " + ProxySetting.route(Repository.Scheme.FTP, options));
        }
    }

    public static FtpSource open(Repository repository, SourceOptions options) {
        RepositoryCredentials credentials = RepositoryCredentials.resolve(repository, options.repositorySecret());
        String user = credentials.anonymous() ? "anonymous" : credentials.user();
        String password = credentials.password() == null ? ANONYMOUS_PASSWORD : credentials.password();
        String display = repository.masked();
        if (!display.endsWith("/")) {
            display += "/";
        }
        return new FtpSource(repository.host(), repository.port(), user, password, repository.path(), display,
                options);
    }

    @Override
    public String describe(String path) {
        return displayBase + path;
    }

    @Override
    public boolean exists(String path) throws IOException {
        String remote = remote(path);
        Attempts attempts = attempts(path);
        try {
            return attempts.run(() -> {
                InUse inUse = new InUse();
                return attempts.awaiting(inUse, () -> {
                    Session session = take(path, inUse);
                    try {
                        boolean found = size(session.client(), remote, path) >= 0;
                        giveBack(session);
                        return found;
                    } catch (IOException | RuntimeException e) {
                        discard(session);
                        throw e;
                    }
                });
            });
        } catch (IOException e) {
            throw failure(path, e);
        }
    }

    @Override
    public Resource open(String path) throws IOException {
        remote(path); // refused names reach no server
        try {
            Attempts attempts = attempts(path);
            return ResumableStream.<Transfer>open(attempts, (offset, first) -> {
                InUse inUse = new InUse();
                return attempts.awaiting(inUse, () -> start(path, offset, first, attempts, inUse));
            });
        } catch (IOException e) {
            throw failure(path, e);
        }
    }

    @Override
    public synchronized void close() {
        if (idle != null) {
            // no QUIT: its reply would be one more wait on the server at the end of the start, under no rule
            discard(idle);
            idle = null;
        }
    }

    /** Starts RETR at {@code offset}; when resuming, checks the file is the one {@code first} saw. */
    private Transfer start(String path, long offset, Transfer first, Attempts attempts, InUse inUse)
            throws IOException {
        String remote = remote(path);
        Session session = take(path, inUse);
        FTPClient client = session.client();
        try {
            long size = size(client, remote, path);
            if (size < 0) {
                if (first != null) {
                    throw changed(path, "it is gone");
                }
                String reply = reply(client);
                if (isDirectory(client, remote)) {
                    throw BootloaderException.invalidSource(describe(path) + " is a directory, not a file.");
                }
                throw BootloaderException.invalidSource("The repository has no file " + describe(path) + " (FTP "
                        + reply + ").");
            }
            String modified = modificationTime(client, remote);
            if (first != null && (size != first.size || !Objects.equals(modified, first.modified))) {
                throw changed(path, "SIZE/MDTM now say " + size + "/" + modified + ", before " + first.size + "/"
                        + first.modified);
            }
            client.setRestartOffset(offset);
            InputStream data = client.retrieveFileStream(remote);
            if (data == null) {
                int code = client.getReplyCode();
                String text = reply(client);
                discard(session);
                if (FTPReply.isNegativeTransient(code) || code == 0) {
                    throw new IOException("the FTP server refused RETR: " + text);
                }
                throw BootloaderException.invalidSource("The FTP server refused to send " + describe(path)
                        + (offset > 0 ? " from byte " + offset : "") + " (" + text + ").");
            }
            if (offset > 0) {
                Log.info("resumed " + describe(path) + " at byte " + offset);
            }
            return new Transfer(size, modified, new DataStream(data, session, attempts));
        } catch (IOException | RuntimeException e) {
            discard(session);
            throw e;
        }
    }

    /** SIZE of a file, -1 when the server says it has none (550). */
    private long size(FTPClient client, String remote, String path) throws IOException {
        int code = client.sendCommand("SIZE", remote);
        if (code == FTPReply.FILE_STATUS) {
            String text = client.getReplyString().strip();
            String[] words = text.split("\\s+");
            try {
                return Long.parseLong(words[words.length - 1]);
            } catch (NumberFormatException e) {
                throw BootloaderException.invalidSource("The FTP server answered SIZE of " + describe(path)
                        + " with \"" + text + "\".");
            }
        }
        if (code == FTPReply.FILE_UNAVAILABLE) {
            return -1;
        }
        if (FTPReply.isNegativeTransient(code)) {
            throw new IOException("the FTP server answered SIZE with " + reply(client));
        }
        throw BootloaderException.invalidSource("The FTP server cannot tell the size of " + describe(path) + " ("
                + reply(client) + "); it must support SIZE (RFC 3659).");
    }

    /**
     * Whether {@code remote} is a directory (SIZE refuses both directories and missing files);
     * asked only on that failure path. The login directory is restored for the next file.
     */
    private static boolean isDirectory(FTPClient client, String remote) throws IOException {
        String home = client.printWorkingDirectory();
        if (home == null || !client.changeWorkingDirectory(remote)) {
            return false;
        }
        if (!client.changeWorkingDirectory(home)) {
            throw new IOException("the FTP server would not return to " + home + ": " + reply(client));
        }
        return true;
    }

    private static String modificationTime(FTPClient client, String remote) throws IOException {
        int code = client.sendCommand("MDTM", remote);
        return code == FTPReply.FILE_STATUS ? client.getReplyString().strip() : null;
    }

    /** The idle control connection if it still answers, else a new one; {@code inUse} learns its sockets first. */
    private Session take(String path, InUse inUse) throws IOException {
        Session session;
        synchronized (this) {
            session = idle;
            idle = null;
        }
        if (session != null) {
            inUse.sockets = session.sockets();
            try {
                if (session.client().isConnected() && session.client().sendNoOp()) {
                    return session;
                }
            } catch (IOException e) {
                // stale: connect again below
            }
            discard(session);
        }
        return connect(path, inUse);
    }

    private void giveBack(Session session) {
        synchronized (this) {
            if (idle == null && session.client().isConnected()) {
                idle = session;
                return;
            }
        }
        discard(session);
    }

    private Session connect(String path, InUse inUse) throws IOException {
        // through an HTTP proxy, the control and every (passive) data connection are CONNECT tunnels
        FTPClient client = proxy == null ? new FTPClient()
                : new FTPHTTPClient(proxy.host(), proxy.port(), proxy.user(), proxy.password());
        // every socket of the session from one factory, which the low-speed watchdog can close; with
        // a proxy FTPHTTPClient also reads its CONNECT answer on them, without the client's timeouts:
        // a proxy that accepts and stays silent must not hold the start
        TimedSockets sockets = new TimedSockets(millis(options.connectTimeout()), millis(options.readTimeout()));
        client.setSocketFactory(sockets);
        Session session = new Session(client, sockets);
        inUse.sockets = sockets;
        client.setConnectTimeout(millis(options.connectTimeout()));
        client.setDefaultTimeout(millis(options.readTimeout()));
        client.setDataTimeout(options.readTimeout());
        client.setControlEncoding(StandardCharsets.UTF_8.name());
        try {
            client.connect(host, port);
            client.setSoTimeout(millis(options.readTimeout()));
            if (!FTPReply.isPositiveCompletion(client.getReplyCode())) {
                throw new IOException("the FTP server greeted with " + reply(client));
            }
            if (!client.login(user, password)) {
                int code = client.getReplyCode();
                if (FTPReply.isNegativeTransient(code)) {
                    throw new IOException("the FTP server refused the login for now: " + reply(client));
                }
                throw BootloaderException.invalidSource("The FTP server " + host + ":" + port + " refused the login of "
                        + user + " (" + reply(client) + ") for " + describe(path) + ".");
            }
            client.enterLocalPassiveMode();
            if (!client.setFileType(FTP.BINARY_FILE_TYPE)) {
                throw new IOException("the FTP server refused binary mode: " + reply(client));
            }
            return session;
        } catch (IOException | RuntimeException e) {
            discard(session);
            throw e;
        }
    }

    /** Drops a control connection and whatever data connection it has open. */
    private static void discard(Session session) {
        try {
            if (session.client().isConnected()) {
                session.client().disconnect();
            }
        } catch (IOException ignored) {
            // closing a broken connection
        }
        session.sockets().closeAll();
    }

    /** One control connection and the sockets it made (control and data). */
    private record Session(FTPClient client, TimedSockets sockets) { }

    /** The session an operation uses, for the low-speed watchdog to end it (it closes the sockets). */
    private static final class InUse implements Attempts.Abort {
        volatile TimedSockets sockets;

        @Override
        public void abort() {
            TimedSockets current = sockets;
            if (current != null) {
                current.closeAll();
            }
        }
    }

    private String remote(String path) {
        return basePath + TreePath.check(path, displayBase);
    }

    private Attempts attempts(String path) {
        return new Attempts(options.retry(), options.overallTimeout(), describe(path));
    }

    private BootloaderException failure(String path, IOException e) {
        return Attempts.cannotFetch(describe(path), e);
    }

    private BootloaderException changed(String path, String why) {
        return Attempts.changedWhileFetching(describe(path), why);
    }

    private static String reply(FTPClient client) {
        String text = client.getReplyString();
        return text == null ? "no reply" : text.strip().replace('\r', ' ').replace('\n', ' ');
    }

    private static int millis(java.time.Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    private record Transfer(long size, String modified, InputStream stream) implements ResumableStream.Segment {
        @Override
        public Validators validators() {
            return FtpSource.validators(size, modified);
        }
    }

    /** SIZE and MDTM; none without MDTM (the size alone does not tell two versions apart). */
    private static Validators validators(long size, String modified) {
        if (modified == null || !modified.startsWith("213 ") || modified.length() < 18) {
            return Validators.NONE;
        }
        String time = modified.substring(4).strip();
        return time.matches("\\d{14}(\\.\\d+)?") ? Validators.of("size", Long.toString(size), "mdtm", time)
                : Validators.NONE;
    }

    /** Unchanged when SIZE and MDTM say what they said when the cached copy was fetched. */
    @Override
    public Resource openIfChanged(String path, Validators known) throws IOException {
        if (known.isEmpty()) {
            return open(path);
        }
        String remote = remote(path);
        Validators now;
        try {
            Attempts attempts = attempts(path);
            now = attempts.run(() -> {
                InUse inUse = new InUse();
                return attempts.awaiting(inUse, () -> {
                    Session session = take(path, inUse);
                    try {
                        Validators v = validators(size(session.client(), remote, path),
                                modificationTime(session.client(), remote));
                        giveBack(session);
                        return v;
                    } catch (IOException | RuntimeException e) {
                        discard(session);
                        throw e;
                    }
                });
            });
        } catch (IOException e) {
            throw failure(path, e);
        }
        return now.equals(known) ? Resource.unchanged(known) : open(path);
    }

    @Override
    public java.util.Optional<String> cacheIdentity(String path) {
        return java.util.Optional.of("ftp://" + host + ":" + port + "/" + remote(path) + "\n" + user + "\0" + password);
    }

    /**
     * The data connection of one RETR. At its end the server's reply must say the transfer
     * completed (226); then the control connection is kept for the next file.
     */
    private final class DataStream extends FilterInputStream {
        private final Session session;
        private final Attempts attempts;
        private boolean done;

        DataStream(InputStream in, Session session, Attempts attempts) {
            super(in);
            this.session = session;
            this.attempts = attempts;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n < 0 && !done) {
                done = true;
                boolean completed;
                try {
                    super.close();
                    completed = attempts.awaiting(session.sockets()::closeAll, session.client()::completePendingCommand);
                } catch (IOException e) {
                    discard(session);
                    throw e;
                }
                if (completed) {
                    giveBack(session);
                } else {
                    String text = reply(session.client());
                    discard(session);
                    throw new IOException("the FTP transfer did not complete: " + text);
                }
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            if (!done) {
                done = true;
                try {
                    super.close();
                } finally {
                    discard(session); // the transfer was abandoned midway: the control connection is in an unknown state
                }
            }
        }
    }

    /**
     * Sockets that connect within the connect timeout and time out reads (see {@link #connect});
     * it keeps those it made, so that another thread can close them all.
     */
    private static final class TimedSockets extends javax.net.SocketFactory {
        private final int connectMillis;
        private final int readMillis;
        private final java.util.List<java.net.Socket> made = new java.util.ArrayList<>();
        private boolean closed;

        TimedSockets(int connectMillis, int readMillis) {
            this.connectMillis = connectMillis;
            this.readMillis = readMillis;
        }

        @Override
        public java.net.Socket createSocket() throws IOException {
            java.net.Socket socket = new java.net.Socket();
            socket.setSoTimeout(readMillis);
            synchronized (this) {
                made.removeIf(java.net.Socket::isClosed);
                made.add(socket);
                if (closed) {
                    socket.close(); // the session was ended while it was opening this one
                }
            }
            return socket;
        }

        /** Closes every socket made so far and any made later: reads blocked on them fail at once. */
        synchronized void closeAll() {
            closed = true;
            for (java.net.Socket socket : made) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing is all that is wanted
                }
            }
            made.clear();
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws IOException {
            return connected(new java.net.InetSocketAddress(host, port), null);
        }

        @Override
        public java.net.Socket createSocket(String host, int port, java.net.InetAddress local, int localPort)
                throws IOException {
            return connected(new java.net.InetSocketAddress(host, port), new java.net.InetSocketAddress(local, localPort));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port) throws IOException {
            return connected(new java.net.InetSocketAddress(host, port), null);
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port, java.net.InetAddress local,
                int localPort) throws IOException {
            return connected(new java.net.InetSocketAddress(host, port), new java.net.InetSocketAddress(local, localPort));
        }

        private java.net.Socket connected(java.net.InetSocketAddress to, java.net.InetSocketAddress from)
                throws IOException {
            java.net.Socket socket = createSocket();
            try {
                if (from != null) {
                    socket.bind(from);
                }
                socket.connect(to, connectMillis);
                return socket;
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }
    }
}
