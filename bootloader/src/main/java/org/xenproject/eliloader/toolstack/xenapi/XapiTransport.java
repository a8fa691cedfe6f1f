package org.xenproject.eliloader.toolstack.xenapi;

import java.io.IOException;

/** Carries one XML-RPC request to xapi and brings back the response document. */
interface XapiTransport extends AutoCloseable {
    /** Largest response accepted; a VM record with its VBDs is a few kilobytes. */
    int MAX_RESPONSE_BYTES = 16 << 20;

    /** POSTs {@code request} to xapi's XML-RPC endpoint and returns the body of a 200 answer. */
    byte[] post(byte[] request) throws IOException;

    /** Where xapi is, for messages. */
    String describe();

    @Override
    void close();
}
