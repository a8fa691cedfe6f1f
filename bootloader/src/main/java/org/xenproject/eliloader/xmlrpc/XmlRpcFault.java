package org.xenproject.eliloader.xmlrpc;

import java.io.IOException;

/** A {@code <fault>} response: the server refused the call at the XML-RPC level. */
public final class XmlRpcFault extends IOException {
    private static final long serialVersionUID = 1L;

    private final int faultCode;
    private final String faultString;

    public XmlRpcFault(int faultCode, String faultString) {
        super("XML-RPC fault " + faultCode + ": " + faultString);
        this.faultCode = faultCode;
        this.faultString = faultString;
    }

    public int faultCode() {
        return faultCode;
    }

    public String faultString() {
        return faultString;
    }
}
