package org.xenproject.eliloader.initrd;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.xenproject.eliloader.error.BootloaderException;

/**
 * Passes bytes to the handed-over file and fails with {@code LIMITS} as soon as more than
 * the limit would be written, so an over-size result never fills the output directory.
 */
final class LimitedOutputStream extends FilterOutputStream {
    private final long limit;
    private long written;

    LimitedOutputStream(OutputStream out, long limit) {
        super(out);
        this.limit = limit;
    }

    long written() {
        return written;
    }

    private void count(long n) {
        written += n;
        if (written > limit) {
            throw tooBig(limit);
        }
    }

    static BootloaderException tooBig(long limit) {
        return BootloaderException.limits("the patched initrd would be larger than "
                + limit + " bytes (the ramdisk size limit)");
    }

    @Override
    public void write(int b) throws IOException {
        count(1);
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        count(len);
        out.write(b, off, len);
    }
}
