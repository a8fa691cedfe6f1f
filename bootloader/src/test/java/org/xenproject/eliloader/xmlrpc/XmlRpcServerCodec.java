package org.xenproject.eliloader.xmlrpc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server half of {@link XmlRpc}, for test peers: calls in, responses and faults out. Values
 * are written and read by {@link XmlRpc}'s own encoder and parser, so both halves agree on every
 * type mapping and limit; eliloader itself only ever calls.
 */
public final class XmlRpcServerCodec {
    /** A decoded {@code <methodCall>}. */
    public record Call(String method, List<Object> params) {
        public Call {
            params = Collections.unmodifiableList(new ArrayList<>(params));
        }
    }

    private XmlRpcServerCodec() {
    }

    public static byte[] encodeResponse(Object result) {
        return methodResponse("<params><param>", result, "</param></params>");
    }

    public static byte[] encodeFault(int code, String message) {
        Map<String, Object> fault = new LinkedHashMap<>();
        fault.put("faultCode", code);
        fault.put("faultString", message);
        return methodResponse("<fault>", fault, "</fault>");
    }

    private static byte[] methodResponse(String open, Object value, String close) {
        StringBuilder out = new StringBuilder(256);
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<methodResponse>").append(open);
        XmlRpc.value(out, value, 0);
        out.append(close).append("</methodResponse>\n");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A {@code <methodCall>}: the method name and its parameters. */
    public static Call decodeCall(byte[] document) throws XmlRpcFormatException {
        try (XmlRpc.Parser p = new XmlRpc.Parser(document)) {
            p.expectStart("methodCall");
            p.expectStart("methodName");
            String method = p.text();
            if (!XmlRpc.METHOD_NAME.matcher(method).matches()) {
                throw new XmlRpcFormatException("not an XML-RPC method name: \"" + method + "\"");
            }
            List<Object> params = new ArrayList<>();
            if (p.nextStartOrEnd("params")) {
                while (p.nextStartOrEnd("param")) {
                    p.expectStart("value");
                    params.add(p.value(0));
                    p.expectEnd();
                }
                p.expectEnd(); // </methodCall>
            }
            // without <params>, </methodCall> has been read already
            p.expectEndOfDocument();
            return new Call(method, params);
        }
    }
}
