package org.xenproject.eliloader.xmlrpc;

import java.io.IOException;

/** A document that is not the XML-RPC this codec accepts (malformed, unknown type, too deep, a DTD). */
public final class XmlRpcFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public XmlRpcFormatException(String message) {
        super(message);
    }

    public XmlRpcFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
