package org.xenproject.eliloader.source.iso;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.OptionalLong;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.error.HostileInput;
import org.xenproject.eliloader.source.InstallSource;

/**
 * The deprivileged side of {@link GuestIsoSource}: parses the CD image it was handed (as its
 * standard input, opened by the parent) with the ISO reader, as the unprivileged user it runs
 * as, and answers its parent over a unix socket in a directory only that user and root may
 * enter. One request a connection, each on its own thread (reads are positional):
 * {@code exists PATH} is answered {@code yes} or {@code no}; {@code open PATH} with
 * {@code file LENGTH} and the bytes; a failure with {@code error CODE SENTENCE}. It ends when its
 * parent does (or is killed by it).
 */
public final class IsoServer {
    static final int MAX_REQUEST = 8192;

    private final IsoSource source;

    private IsoServer(IsoSource source) {
        this.source = source;
    }

    /** Serves {@code image} (the channel of the CD, {@code name} for messages) on {@code socket}; announces readiness on {@code out}. */
    public static int serve(Path name, FileChannel image, Path socket, String uidLine, PrintStream out) throws IOException {
        IsoServer server = new IsoServer(new IsoSource(IsoImage.open(name, image)));
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(0)));
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(socket));
            out.print(uidLine + "\nready\n");
            out.flush();
            while (true) {
                SocketChannel connection = listener.accept();
                Thread worker = new Thread(() -> server.answer(connection), "iso-request");
                worker.setDaemon(true);
                worker.start();
            }
        }
    }

    private void answer(SocketChannel connection) {
        try (connection; InputStream in = Channels.newInputStream(connection);
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(connection), 256 * 1024)) {
            String request = readLine(in);
            if (request == null) {
                return;
            }
            boolean[] headerSent = {false};
            try {
                if (request.startsWith("exists ")) {
                    boolean exists = source.exists(request.substring(7));
                    out.write((exists ? "yes\n" : "no\n").getBytes(StandardCharsets.UTF_8));
                } else if (request.startsWith("open ")) {
                    try (InstallSource.Resource file = source.open(request.substring(5));
                            InputStream content = file.stream()) {
                        OptionalLong length = file.length();
                        out.write(("file " + length.orElseThrow() + "\n").getBytes(StandardCharsets.UTF_8));
                        headerSent[0] = true;
                        content.transferTo(out);
                    }
                } else {
                    throw BootloaderException.internal("unknown request", null);
                }
            } catch (BootloaderException e) {
                reply(out, headerSent[0], e.code(), e.getMessage());
            } catch (RuntimeException | StackOverflowError e) {
                BootloaderException named = HostileInput.classify(e);
                reply(out, headerSent[0], named != null ? named.code() : ErrorCode.INTERNAL_ERROR,
                        named != null ? named.getMessage() : "The ISO reader failed: " + e);
            }
        } catch (IOException e) {
            // the parent went away mid-answer: nothing to tell
        }
    }

    /**
     * The error line; once a file's bytes have started, nothing more is written (the parent, short
     * of the announced length, sees the file cut short, and never takes the line for content).
     */
    private static void reply(OutputStream out, boolean headerSent, ErrorCode code, String sentence)
            throws IOException {
        if (headerSent) {
            return;
        }
        String line = "error " + code.name() + " " + String.valueOf(sentence).replace('\n', ' ').replace('\r', ' ');
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** A line of at most {@link #MAX_REQUEST} bytes, without its newline; null at once-only EOF. */
    static String readLine(InputStream in) throws IOException {
        byte[] line = new byte[MAX_REQUEST];
        int n = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return n == 0 ? null : new String(line, 0, n, StandardCharsets.UTF_8);
            }
            if (b == '\n') {
                return new String(line, 0, n, StandardCharsets.UTF_8);
            }
            if (n == line.length) {
                throw new IOException("a line longer than " + MAX_REQUEST + " bytes");
            }
            line[n++] = (byte) b;
        }
    }
}
