package org.xenproject.eliloader.initrd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * One gzip member compressed on several cores, the way pigz does it: the input is cut in
 * 1 MiB blocks, each deflated independently with the previous block's last 32 KiB as
 * preset dictionary (so matches still reach back across the cut) and ended with a sync
 * flush (so it ends on a byte boundary); the raw deflate outputs are concatenated in order
 * under a single gzip header and trailer. The result is an ordinary gzip file, within a
 * fraction of a percent of single-threaded output.
 *
 * <p>Merging the Debian installer initrd spends most of its time deflating 137 MB; on two
 * cores this nearly halves it. At most {@code 2 × threads} blocks are in flight.
 */
final class ParallelGzipOutputStream extends OutputStream {
    private static final int BLOCK = 1 << 20;
    private static final int WINDOW = 32 * 1024;

    private final OutputStream out;
    private final int level;
    private final ExecutorService pool;
    private final int maxInFlight;
    private final ArrayDeque<Future<byte[]>> inFlight = new ArrayDeque<>();
    private final CRC32 crc = new CRC32();
    private long size;
    private byte[] block = new byte[BLOCK];
    private int used;
    private byte[] previous;
    private boolean closed;

    ParallelGzipOutputStream(OutputStream out, int level, int threads) throws IOException {
        this.out = out;
        this.level = level;
        this.maxInFlight = 2 * threads;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "eliloader-gzip");
            t.setDaemon(true);
            return t;
        });
        // Magic, deflate, no flags, no mtime, no extra flags, OS = Unix.
        out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        crc.update(b, off, len);
        size += len;
        while (len > 0) {
            int n = Math.min(len, BLOCK - used);
            System.arraycopy(b, off, block, used, n);
            used += n;
            off += n;
            len -= n;
            if (used == BLOCK) {
                submit(false);
            }
        }
    }

    private void submit(boolean last) throws IOException {
        byte[] input = block;
        int length = used;
        byte[] dictionary = previous;
        inFlight.add(pool.submit(() -> deflate(input, length, dictionary, last)));
        previous = input;
        block = last ? null : new byte[BLOCK];
        used = 0;
        drain(last ? 0 : maxInFlight - 1);
    }

    private void drain(int keep) throws IOException {
        while (inFlight.size() > keep) {
            try {
                out.write(inFlight.poll().get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while compressing");
            } catch (ExecutionException e) {
                throw new IOException("gzip compression failed", e.getCause());
            }
        }
    }

    private byte[] deflate(byte[] input, int length, byte[] dictionary, boolean last) {
        Deflater d = new Deflater(level, true);
        try {
            if (dictionary != null) {
                d.setDictionary(dictionary, dictionary.length - WINDOW, WINDOW);
            }
            d.setInput(input, 0, length);
            ByteArrayOutputStream compressed = new ByteArrayOutputStream(length / 2 + 64);
            byte[] buf = new byte[64 * 1024];
            if (last) {
                d.finish();
                while (!d.finished()) {
                    compressed.write(buf, 0, d.deflate(buf));
                }
            } else {
                int n;
                do {
                    n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
                    compressed.write(buf, 0, n);
                } while (n == buf.length);
            }
            return compressed.toByteArray();
        } finally {
            d.end();
        }
    }

    /** Stops the workers without finishing the member (the output is being thrown away). */
    void abort() {
        closed = true;
        pool.shutdownNow();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            submit(true);
            long c = crc.getValue();
            out.write(new byte[] {(byte) c, (byte) (c >>> 8), (byte) (c >>> 16), (byte) (c >>> 24),
                (byte) size, (byte) (size >>> 8), (byte) (size >>> 16), (byte) (size >>> 24)});
            out.close();
        } finally {
            pool.shutdownNow();
        }
    }
}
