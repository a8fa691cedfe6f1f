package org.xenproject.eliloader.guest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * What a child that reads guest data (pygrub, our own reader) writes to a pipe: kept up to a
 * bound, the rest read and dropped, so the child never blocks on a full pipe and a hostile disk
 * cannot make it fill our memory.
 */
public final class ChildOutput {
    private ChildOutput() {
    }

    /** Reads {@code in} to its end and closes it; returns its first {@code limit} bytes. */
    public static byte[] drain(InputStream in, int limit) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                int room = limit - kept.size();
                if (room > 0) {
                    kept.write(buffer, 0, Math.min(room, n));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return kept.toByteArray();
    }
}
