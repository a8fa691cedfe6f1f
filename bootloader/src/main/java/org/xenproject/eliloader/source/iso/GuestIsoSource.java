package org.xenproject.eliloader.source.iso;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.error.MessageText;
import org.xenproject.eliloader.guest.GuestReader;
import org.xenproject.eliloader.guest.GuestUser;
import org.xenproject.eliloader.round.RunDirectory;
import org.xenproject.eliloader.source.InstallSource;
import org.xenproject.eliloader.source.TreePath;

/**
 * The VM's CD read deprivileged: the ISO reader runs in a child as the {@link GuestUser}
 * ({@link IsoServer}), given the image this process opened, and this side asks it for files
 * over a unix socket in a private directory ({@code /tmp/eliloader-guest.PID.START.*}, owned by
 * that user, swept when its run is gone). Paths are checked here by {@link TreePath} before they
 * are sent; answers are bounded (a line, then exactly the announced bytes, never more than the
 * image holds). The child starts once per run that reads a CD (a JVM start, about 0.1–0.2 s),
 * never for network installs.
 */
public final class GuestIsoSource implements InstallSource {
    /** Prefix of the readers' socket directories in the temporary directory, swept when their run is gone. */
    public static final String SCRATCH_PREFIX = "eliloader-guest.";
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** CPU seconds the reader may use in all: far more than parsing and copying a DVD's boot files takes. */
    static final long CPU_SECONDS = 300;
    static final String SOCKET = "iso.sock";

    private final Path image;
    private final long imageSize;
    private final Path directory;
    private final GuestReader.Child child;

    private GuestIsoSource(Path image, long imageSize, Path directory, GuestReader.Child child) {
        this.image = image;
        this.imageSize = imageSize;
        this.directory = directory;
        this.child = child;
    }

    /** The CD at {@code image}: read in this process as before when {@code user} is null (root), else deprivileged. */
    public static InstallSource open(Path image, GuestUser user) {
        if (user == null) {
            return IsoSource.open(image);
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        RunDirectory.sweepScratch(tmp, SCRATCH_PREFIX);
        long size;
        try {
            size = Files.size(image);
        } catch (IOException e) {
            throw BootloaderException.invalidSource("cannot open ISO image " + image + ": " + e.getMessage(), e);
        }
        Path directory;
        try {
            directory = Files.createTempDirectory(tmp, RunDirectory.scratchPrefix(SCRATCH_PREFIX),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.setAttribute(directory, "unix:gid", user.gid());
            Files.setAttribute(directory, "unix:uid", user.uid());
        } catch (IOException | RuntimeException e) {
            throw BootloaderException.internal("Cannot make a directory for the CD reader: " + e.getMessage(), e);
        }
        try {
            GuestReader.Child child = GuestReader.start(user, image, "the CD image", "iso",
                    List.of(image.toString(), directory.resolve(SOCKET).toString()), START_TIMEOUT, CPU_SECONDS);
            return new GuestIsoSource(image, size, directory, child);
        } catch (RuntimeException e) {
            RunDirectory.deleteTree(directory);
            throw e;
        }
    }

    @Override
    public String describe(String path) {
        return strip(path) + " in ISO image " + image;
    }

    @Override
    public boolean exists(String path) throws IOException {
        String checked = TreePath.check(path, "ISO image " + image);
        try (SocketChannel connection = connect()) {
            InputStream in = request(connection, "exists " + checked);
            String answer = answer(in);
            if (answer.equals("yes") || answer.equals("no")) {
                return answer.equals("yes");
            }
            throw unexpected(answer);
        }
    }

    @Override
    public Resource open(String path) throws IOException {
        String checked = TreePath.check(path, "ISO image " + image);
        SocketChannel connection = connect();
        try {
            InputStream in = request(connection, "open " + checked);
            String answer = answer(in);
            if (!answer.matches("file [0-9]{1,19}")) {
                throw unexpected(answer);
            }
            long length = Long.parseLong(answer.substring(5));
            if (length > imageSize) {
                throw BootloaderException.invalidSource(describe(path) + " is said to hold " + length
                        + " bytes, more than the whole image.");
            }
            return new Resource() {
                @Override
                public OptionalLong length() {
                    return OptionalLong.of(length);
                }

                @Override
                public InputStream stream() {
                    return new ExactStream(in, length);
                }

                @Override
                public void close() throws IOException {
                    connection.close();
                }
            };
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    @Override
    public void close() {
        child.close();
        RunDirectory.deleteTree(directory);
    }

    private SocketChannel connect() throws IOException {
        if (!child.process().isAlive()) {
            throw BootloaderException.invalidSource("The reader of ISO image " + image + " stopped (exit status "
                    + child.process().exitValue() + ").");
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(directory.resolve(SOCKET)));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    private static InputStream request(SocketChannel connection, String line) throws IOException {
        connection.write(java.nio.ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
        return Channels.newInputStream(connection);
    }

    /** The reader's answer line; its own error becomes the same error here. */
    private String answer(InputStream in) throws IOException {
        String line = IsoServer.readLine(in);
        if (line == null) {
            throw BootloaderException.invalidSource("The reader of ISO image " + image + " ended without an answer.");
        }
        if (line.startsWith("error ")) {
            String[] parts = line.split(" ", 3);
            ErrorCode code;
            try {
                code = ErrorCode.valueOf(parts[1]);
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
                code = ErrorCode.INTERNAL_ERROR;
            }
            throw new BootloaderException(code, MessageText.printable(parts.length > 2 ? parts[2] : "", 600));
        }
        return line;
    }

    private BootloaderException unexpected(String answer) {
        return BootloaderException.internal("The reader of ISO image " + image + " answered "
                + MessageText.quoted(answer, 80) + ".", null);
    }

    /** For messages only: names are checked by {@link TreePath}. */
    private static String strip(String path) {
        int start = 0;
        while (start < path.length() && path.charAt(start) == '/') {
            start++;
        }
        return path.substring(start);
    }

    /** Exactly {@code length} bytes of the answer: no fewer (cut short is an error), no more. */
    static final class ExactStream extends InputStream {
        private final InputStream in;
        private long left;

        ExactStream(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, left));
            if (n < 0) {
                throw new IOException("the CD reader's answer was cut short (" + left + " bytes missing)");
            }
            left -= n;
            return n;
        }
    }
}
