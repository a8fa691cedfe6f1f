package org.xenproject.eliloader.round;

import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Digests the bytes of a copy on a second thread, so that hashing (MD5 runs at about 200 MB/s in
 * Java, slower than a local network) overlaps the network reads and the file writes. The copying
 * thread takes a free buffer, fills and writes it, then hands it over; the digest thread updates
 * every digest with it and returns it. A few buffers in flight bound the memory used.
 */
final class DigestThread implements AutoCloseable {
    private static final int BUFFERS = 4;
    private static final Chunk END = new Chunk(new byte[0], 0);

    private record Chunk(byte[] buffer, int length) { }

    private final MessageDigest[] digests;
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final Thread thread;
    private boolean ended;
    private volatile Throwable failure;

    DigestThread(int bufferSize, MessageDigest... digests) {
        this.digests = digests;
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new byte[bufferSize]);
        }
        thread = new Thread(this::digestAll, "eliloader-digest");
        thread.setDaemon(true);
        thread.start();
    }

    /** A buffer to fill; blocks while the digest thread is behind by every buffer. */
    byte[] buffer() throws InterruptedException {
        return free.take();
    }

    /** Hands over {@code length} bytes of a buffer from {@link #buffer()}; it must not be touched afterwards. */
    void digest(byte[] buffer, int length) throws InterruptedException {
        full.put(new Chunk(buffer, length));
    }

    /** Gives back a buffer from {@link #buffer()} that was not handed over (nothing read into it). */
    void giveBack(byte[] buffer) {
        free.add(buffer);
    }

    /** Waits until every byte handed over has been digested; the digests are then complete. */
    void finish() throws InterruptedException {
        end();
        thread.join();
        if (failure != null) {
            throw new IllegalStateException("digesting failed: " + failure, failure);
        }
    }

    private void end() throws InterruptedException {
        if (!ended) {
            ended = true;
            full.put(END);
        }
    }

    private void digestAll() {
        try {
            while (true) {
                Chunk chunk = full.take();
                if (chunk == END) {
                    return;
                }
                try {
                    if (failure == null) {
                        for (MessageDigest digest : digests) {
                            digest.update(chunk.buffer(), 0, chunk.length());
                        }
                    }
                } catch (RuntimeException | Error e) {
                    failure = e; // reported by finish(); buffers keep coming back so the copy never waits forever
                } finally {
                    free.add(chunk.buffer());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the digest thread (the digests are then incomplete unless {@link #finish()} returned). */
    @Override
    public void close() {
        if (thread.isAlive()) {
            thread.interrupt();
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
