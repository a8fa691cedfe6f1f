package org.xenproject.eliloader.initrd.compression;

import java.io.FilterInputStream;
import java.io.InputStream;

/** Lets a decoder be closed without closing the file under it. */
public final class KeepOpenInputStream extends FilterInputStream {
    public KeepOpenInputStream(InputStream in) {
        super(in);
    }

    @Override
    public void close() {
        // the file belongs to the caller
    }
}
