package org.xenproject.eliloader.source.http;

import java.io.Closeable;
import java.io.InputStream;

/** One http response, whichever client fetched it: status, headers and the body. */
interface HttpReply extends Closeable {
    int code();

    /** The reason phrase (may be empty). */
    String message();

    /** The first value of a header (name in any case), or null. */
    String header(String name);

    /** The body's length from Content-Length, or -1 when it is not announced (or chunked). */
    long contentLength();

    /** The body (empty for HEAD and for answers that have none). */
    InputStream body();

    /** Releases the connection; never fails. */
    @Override
    void close();
}
