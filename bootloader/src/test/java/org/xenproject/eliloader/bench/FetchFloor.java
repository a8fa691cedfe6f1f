package org.xenproject.eliloader.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * What any JVM program pays for a plain round 1 without eliloader, for {@code scripts/bench}:
 * fetch the kernel (second thread) and the initrd into a directory, nothing else.
 *
 * <ul>
 * <li>{@code jdk}: JDK socket channels and one direct buffer, the least a JVM can do.</li>
 * <li>{@code okhttp}: OkHttp set up as eliloader's http source is (cleartext only, HTTP/1.1, no
 * Okio timeouts) and 256 KiB copies: the floor under the standard that http goes through OkHttp.</li>
 * <li>{@code jdk-md5}, {@code okhttp-md5}: those, plus the initrd's MD5 on a second thread (how
 * a vendor initrd is recognised in the map files): the floors of an overlay round.</li>
 * </ul>
 *
 * <p>usage: {@code FetchFloor MODE KERNEL_URL INITRD_URL OUTPUT_DIR}; prints the initrd's path.
 */
public final class FetchFloor {
    private static final int BUFFER = 256 * 1024;

    private FetchFloor() {
    }

    @FunctionalInterface
    private interface Fetch {
        void fetch(String url, Path target) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: FetchFloor jdk|jdk-md5|okhttp|okhttp-md5 KERNEL_URL INITRD_URL OUTPUT_DIR");
        }
        Path dir = Path.of(args[3]);
        Path kernel = dir.resolve("kernel");
        Path initrd = dir.resolve("initrd");
        Fetch fetch = switch (args[0]) {
            case "jdk" -> (url, target) -> jdk(url, target, false);
            case "jdk-md5" -> (url, target) -> jdk(url, target, isInitrd(target));
            case "okhttp" -> okhttp(false);
            case "okhttp-md5" -> okhttp(true);
            default -> throw new IllegalArgumentException("no mode " + args[0]);
        };
        Throwable[] kernelFailure = new Throwable[1];
        Thread other = new Thread(() -> {
            try {
                fetch.fetch(args[1], kernel);
            } catch (Throwable t) {
                kernelFailure[0] = t;
            }
        });
        other.start();
        fetch.fetch(args[2], initrd);
        other.join();
        if (kernelFailure[0] != null) {
            throw new IOException("kernel: " + kernelFailure[0], kernelFailure[0]);
        }
        System.out.println(initrd);
    }

    private static boolean isInitrd(Path target) {
        return target.getFileName().toString().equals("initrd");
    }

    /** HTTP/1.0 by hand on a socket channel: request, skip the header, the rest to the file. */
    private static void jdk(String url, Path target, boolean md5) throws Exception {
        Digester digester = md5 ? new Digester() : null;
        URI uri = URI.create(url);
        try (SocketChannel socket = SocketChannel.open(new InetSocketAddress(uri.getHost(), uri.getPort()));
                FileChannel file = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            socket.write(ByteBuffer.wrap(("GET " + uri.getRawPath() + " HTTP/1.0\r\nHost: " + uri.getHost()
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
            boolean inBody = false;
            int matched = 0;
            while (socket.read(buffer) >= 0) {
                buffer.flip();
                while (!inBody && buffer.hasRemaining()) {
                    byte b = buffer.get();
                    matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
                    inBody = matched == 4;
                }
                if (digester != null && buffer.hasRemaining()) {
                    byte[] copy = digester.take();
                    int n = Math.min(copy.length, buffer.remaining());
                    buffer.duplicate().get(copy, 0, n);
                    digester.put(copy, n);
                }
                while (buffer.hasRemaining()) {
                    file.write(buffer);
                }
                buffer.clear();
            }
        }
        if (digester != null) {
            System.err.println("md5 " + digester.finish());
        }
    }

    private static Fetch okhttp(boolean md5) {
        OkHttpClient client = new OkHttpClient.Builder()
                .readTimeout(Duration.ZERO)
                .writeTimeout(Duration.ZERO)
                .protocols(List.of(Protocol.HTTP_1_1))
                .connectionSpecs(List.of(ConnectionSpec.CLEARTEXT))
                .build();
        return (url, target) -> {
            boolean digest = md5 && isInitrd(target);
            try (Response response = client.newCall(new Request.Builder().url(url).build()).execute();
                    InputStream in = response.body().byteStream();
                    OutputStream out = Files.newOutputStream(target)) {
                if (response.code() != 200) {
                    throw new IOException("HTTP " + response.code() + " for " + url);
                }
                if (digest) {
                    System.err.println("md5 " + copyDigesting(in, out));
                } else {
                    byte[] buffer = new byte[BUFFER];
                    int n;
                    while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                        out.write(buffer, 0, n);
                    }
                }
            }
        };
    }

    /** The copy with the MD5 on a second thread. */
    private static String copyDigesting(InputStream in, OutputStream out) throws Exception {
        Digester digester = new Digester();
        while (true) {
            byte[] buffer = digester.take();
            int n = in.readNBytes(buffer, 0, buffer.length);
            if (n <= 0) {
                break;
            }
            out.write(buffer, 0, n);
            digester.put(buffer, n);
        }
        return digester.finish();
    }

    /** MD5 on a second thread, a few buffers in flight (as eliloader's digest thread). */
    private static final class Digester {
        private final MessageDigest md5;
        private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(4);
        private final BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(5);
        private final Thread thread;

        Digester() throws Exception {
            md5 = MessageDigest.getInstance("MD5");
            for (int i = 0; i < 4; i++) {
                free.add(new byte[BUFFER]);
            }
            thread = new Thread(() -> {
                try {
                    for (ByteBuffer chunk = full.take(); chunk.hasRemaining(); chunk = full.take()) {
                        md5.update(chunk.array(), 0, chunk.remaining());
                        free.add(chunk.array());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            thread.start();
        }

        byte[] take() throws InterruptedException {
            return free.take();
        }

        void put(byte[] buffer, int length) throws InterruptedException {
            full.put(ByteBuffer.wrap(buffer, 0, length));
        }

        String finish() throws InterruptedException {
            full.put(ByteBuffer.allocate(0));
            thread.join();
            return HexFormat.of().formatHex(md5.digest());
        }
    }
}
