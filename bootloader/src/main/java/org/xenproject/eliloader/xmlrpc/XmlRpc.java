package org.xenproject.eliloader.xmlrpc;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A small, strict XML-RPC codec, as XenAPI speaks it: the client half (calls out, responses in).
 * The server half that test peers use (calls in, responses and faults out) is the test tree's
 * {@code XmlRpcServerCodec}, built on this class's value encoder and parser. Java values map to XML-RPC types as
 * follows: {@link String} string (also an untyped {@code <value>}), {@link Integer} int/i4,
 * {@link Boolean} boolean, {@link Double} double, {@link Instant} dateTime.iso8601 (a time
 * without a zone is UTC, as xapi means it), {@code byte[]} base64, {@link Map} with String keys
 * struct, {@link List} (or any Collection when encoding) array, and {@code null} {@code <nil/>}.
 *
 * <p>Documents are read with the JDK's own StAX parser with DTDs and external entities off; a
 * document with a DOCTYPE, an entity reference, attributes, namespaces, mixed content, an
 * unknown type, a duplicate struct member or more than {@link #MAX_DEPTH} levels of nesting is
 * refused with {@link XmlRpcFormatException}. Size limits belong to the transport.
 */
public final class XmlRpc {
    /** Deepest nesting of struct/array values accepted. */
    public static final int MAX_DEPTH = 64;

    static final Pattern METHOD_NAME = Pattern.compile("[A-Za-z0-9_.:/]+");
    private static final Pattern INT = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DOUBLE = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final Pattern DATE_TIME = Pattern.compile(
            "([0-9]{4})-?([0-9]{2})-?([0-9]{2})T([0-9]{2}):?([0-9]{2}):?([0-9]{2})(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:?[0-9]{2})?");
    private static final DateTimeFormatter DATE_OUT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private XmlRpc() {
    }

    // ---------------------------------------------------------------- encoding

    public static byte[] encodeCall(String method, List<?> params) {
        if (method == null || !METHOD_NAME.matcher(method).matches()) {
            throw new IllegalArgumentException("not an XML-RPC method name: " + method);
        }
        StringBuilder out = new StringBuilder(256);
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<methodCall><methodName>").append(method)
                .append("</methodName><params>");
        for (Object param : params) {
            out.append("<param>");
            value(out, param, 0);
            out.append("</param>");
        }
        out.append("</params></methodCall>\n");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Appends {@code v} as a {@code <value>}; {@code depth} is its nesting level (0 at the top). */
    static void value(StringBuilder out, Object v, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("value nested deeper than " + MAX_DEPTH + " levels");
        }
        out.append("<value>");
        if (v == null) {
            out.append("<nil/>");
        } else if (v instanceof String s) {
            out.append("<string>");
            escape(out, s);
            out.append("</string>");
        } else if (v instanceof Integer i) {
            out.append("<int>").append(i.intValue()).append("</int>");
        } else if (v instanceof Boolean b) {
            out.append("<boolean>").append(b ? '1' : '0').append("</boolean>");
        } else if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                throw new IllegalArgumentException("XML-RPC has no double for " + d);
            }
            out.append("<double>").append(BigDecimal.valueOf(d).toPlainString()).append("</double>");
        } else if (v instanceof Instant t) {
            out.append("<dateTime.iso8601>").append(DATE_OUT.format(t)).append("</dateTime.iso8601>");
        } else if (v instanceof byte[] bytes) {
            out.append("<base64>").append(Base64.getEncoder().encodeToString(bytes)).append("</base64>");
        } else if (v instanceof Map<?, ?> map) {
            out.append("<struct>");
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String name)) {
                    throw new IllegalArgumentException("struct member names must be strings: " + e.getKey());
                }
                out.append("<member><name>");
                escape(out, name);
                out.append("</name>");
                value(out, e.getValue(), depth + 1);
                out.append("</member>");
            }
            out.append("</struct>");
        } else if (v instanceof Collection<?> items) {
            out.append("<array><data>");
            for (Object item : items) {
                value(out, item, depth + 1);
            }
            out.append("</data></array>");
        } else {
            throw new IllegalArgumentException("no XML-RPC type for " + v.getClass().getName());
        }
        out.append("</value>");
    }

    private static void escape(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '\r' -> out.append("&#13;"); // survives XML's line-end normalisation
                case '\t', '\n' -> out.append(c);
                default -> {
                    if (c < 0x20 || c == 0xFFFE || c == 0xFFFF) {
                        throw new IllegalArgumentException(String.format("XML cannot carry the character U+%04X", (int) c));
                    }
                    if (Character.isSurrogate(c)) {
                        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                            out.append(c).append(s.charAt(++i));
                            continue;
                        }
                        throw new IllegalArgumentException("unpaired surrogate in a string");
                    }
                    out.append(c);
                }
            }
        }
    }

    // ---------------------------------------------------------------- decoding

    /**
     * The value of a {@code <methodResponse>}.
     *
     * @throws XmlRpcFault when the response is a fault
     * @throws XmlRpcFormatException when the document is not acceptable XML-RPC
     */
    public static Object decodeResponse(byte[] document) throws XmlRpcFormatException, XmlRpcFault {
        try (Parser p = new Parser(document)) {
            p.expectStart("methodResponse");
            String what = p.nextStart("params", "fault");
            Object result;
            if (what.equals("params")) {
                p.expectStart("param");
                p.expectStart("value");
                result = p.value(0);
                p.expectEnd();
                p.expectEnd();
                p.expectEnd();
                p.expectEndOfDocument();
                return result;
            }
            p.expectStart("value");
            Object fault = p.value(0);
            p.expectEnd();
            p.expectEnd();
            p.expectEndOfDocument();
            if (!(fault instanceof Map<?, ?> m) || !(m.get("faultCode") instanceof Integer code)
                    || !(m.get("faultString") instanceof String message)) {
                throw new XmlRpcFormatException("a fault must be a struct of faultCode (int) and faultString (string)");
            }
            throw new XmlRpcFault(code, message);
        }
    }

    /** Pull parser over one document; only the JDK's built-in StAX implementation is used. */
    static final class Parser implements AutoCloseable {
        private static final XMLInputFactory FACTORY = factory();
        private final XMLStreamReader reader;

        Parser(byte[] document) throws XmlRpcFormatException {
            try {
                reader = FACTORY.createXMLStreamReader(new ByteArrayInputStream(document));
            } catch (XMLStreamException e) {
                throw malformed(e);
            }
        }

        private static XMLInputFactory factory() {
            XMLInputFactory f = XMLInputFactory.newDefaultFactory();
            f.setProperty(XMLInputFactory.SUPPORT_DTD, Boolean.FALSE);
            f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, Boolean.FALSE);
            f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, Boolean.FALSE);
            f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, Boolean.TRUE);
            f.setProperty(XMLInputFactory.IS_COALESCING, Boolean.TRUE);
            f.setProperty(XMLInputFactory.IS_VALIDATING, Boolean.FALSE);
            return f;
        }

        /** The next event that is not a comment or processing instruction. */
        private int next() throws XmlRpcFormatException {
            try {
                while (true) {
                    int event = reader.next();
                    switch (event) {
                        case XMLStreamConstants.COMMENT, XMLStreamConstants.PROCESSING_INSTRUCTION -> {
                            // ignorable
                        }
                        case XMLStreamConstants.DTD -> throw new XmlRpcFormatException("a DOCTYPE is not accepted");
                        case XMLStreamConstants.ENTITY_REFERENCE ->
                                throw new XmlRpcFormatException("entity references are not accepted: &" + reader.getLocalName() + ";");
                        case XMLStreamConstants.START_ELEMENT -> {
                            checkElement();
                            return event;
                        }
                        default -> {
                            return event;
                        }
                    }
                }
            } catch (XMLStreamException e) {
                throw malformed(e);
            }
        }

        private void checkElement() throws XmlRpcFormatException {
            String ns = reader.getNamespaceURI();
            String prefix = reader.getPrefix();
            if ((ns != null && !ns.isEmpty()) || (prefix != null && !prefix.isEmpty()) || reader.getNamespaceCount() > 0) {
                throw new XmlRpcFormatException("namespaces are not part of XML-RPC (<" + reader.getLocalName() + ">)");
            }
            if (reader.getAttributeCount() > 0) {
                throw new XmlRpcFormatException("attributes are not part of XML-RPC (<" + reader.getLocalName() + ">)");
            }
        }

        private static boolean isText(int event) {
            return event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA
                    || event == XMLStreamConstants.SPACE;
        }

        /** The next element start or end, skipping whitespace; other text is an error. */
        private int nextTag() throws XmlRpcFormatException {
            while (true) {
                int event = next();
                if (isText(event)) {
                    if (!reader.getText().isBlank()) {
                        throw new XmlRpcFormatException("unexpected text \"" + abbreviate(reader.getText()) + "\"");
                    }
                    continue;
                }
                if (event == XMLStreamConstants.START_ELEMENT || event == XMLStreamConstants.END_ELEMENT
                        || event == XMLStreamConstants.END_DOCUMENT) {
                    return event;
                }
                throw new XmlRpcFormatException("unexpected XML event " + event);
            }
        }

        void expectStart(String name) throws XmlRpcFormatException {
            int event = nextTag();
            if (event != XMLStreamConstants.START_ELEMENT || !reader.getLocalName().equals(name)) {
                throw new XmlRpcFormatException("expected <" + name + ">, found " + describe(event));
            }
        }

        /** The next element start, which must be one of {@code names}. */
        String nextStart(String... names) throws XmlRpcFormatException {
            int event = nextTag();
            if (event == XMLStreamConstants.START_ELEMENT) {
                for (String name : names) {
                    if (reader.getLocalName().equals(name)) {
                        return name;
                    }
                }
            }
            throw new XmlRpcFormatException("expected <" + String.join("> or <", names) + ">, found " + describe(event));
        }

        /** True at a start of {@code name}; false at the end of the enclosing element. */
        boolean nextStartOrEnd(String name) throws XmlRpcFormatException {
            int event = nextTag();
            if (event == XMLStreamConstants.END_ELEMENT) {
                return false;
            }
            if (event == XMLStreamConstants.START_ELEMENT && reader.getLocalName().equals(name)) {
                return true;
            }
            throw new XmlRpcFormatException("expected <" + name + "> or an end tag, found " + describe(event));
        }

        void expectEnd() throws XmlRpcFormatException {
            int event = nextTag();
            if (event != XMLStreamConstants.END_ELEMENT) {
                throw new XmlRpcFormatException("expected an end tag, found " + describe(event));
            }
        }

        void expectEndOfDocument() throws XmlRpcFormatException {
            int event = nextTag();
            if (event != XMLStreamConstants.END_DOCUMENT) {
                throw new XmlRpcFormatException("content after the document element: " + describe(event));
            }
        }

        /** The text of a leaf element, up to and including its end tag. */
        String text() throws XmlRpcFormatException {
            StringBuilder text = new StringBuilder();
            while (true) {
                int event = next();
                if (isText(event)) {
                    text.append(reader.getText());
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    return text.toString();
                } else {
                    throw new XmlRpcFormatException("expected text, found " + describe(event));
                }
            }
        }

        /** A value whose {@code <value>} start has been read, up to and including {@code </value>}. */
        Object value(int depth) throws XmlRpcFormatException {
            if (depth > MAX_DEPTH) {
                throw new XmlRpcFormatException("values nested deeper than " + MAX_DEPTH + " levels");
            }
            StringBuilder text = new StringBuilder();
            while (true) {
                int event = next();
                if (isText(event)) {
                    text.append(reader.getText());
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    return text.toString(); // an untyped value is a string
                } else if (event == XMLStreamConstants.START_ELEMENT) {
                    if (!text.toString().isBlank()) {
                        throw new XmlRpcFormatException("text mixed with a typed value");
                    }
                    Object typed = typed(reader.getLocalName(), depth);
                    expectEnd(); // </value>: a value holds one type
                    return typed;
                } else {
                    throw new XmlRpcFormatException("unexpected " + describe(event) + " in a value");
                }
            }
        }

        private Object typed(String type, int depth) throws XmlRpcFormatException {
            switch (type) {
                case "string":
                    return text();
                case "int":
                case "i4": {
                    String t = text().strip();
                    if (!INT.matcher(t).matches()) {
                        throw new XmlRpcFormatException("not an int: \"" + abbreviate(t) + "\"");
                    }
                    try {
                        return Integer.valueOf(t.startsWith("+") ? t.substring(1) : t);
                    } catch (NumberFormatException e) {
                        throw new XmlRpcFormatException("int out of range: " + abbreviate(t));
                    }
                }
                case "boolean": {
                    String t = text().strip();
                    if (t.equals("1")) {
                        return Boolean.TRUE;
                    }
                    if (t.equals("0")) {
                        return Boolean.FALSE;
                    }
                    throw new XmlRpcFormatException("a boolean is 0 or 1, not \"" + abbreviate(t) + "\"");
                }
                case "double":
                    return parseDouble(text().strip());
                case "dateTime.iso8601":
                    return parseDateTime(text().strip());
                case "base64":
                    try {
                        // line breaks and spaces are allowed between groups; nothing else
                        return Base64.getDecoder().decode(text().replaceAll("[ \t\r\n]", ""));
                    } catch (IllegalArgumentException e) {
                        throw new XmlRpcFormatException("bad base64: " + e.getMessage());
                    }
                case "nil":
                    if (!text().isEmpty()) {
                        throw new XmlRpcFormatException("<nil/> must be empty");
                    }
                    return null;
                case "struct":
                    return struct(depth);
                case "array":
                    return array(depth);
                default:
                    throw new XmlRpcFormatException("unknown XML-RPC type <" + type + ">");
            }
        }

        private Map<String, Object> struct(int depth) throws XmlRpcFormatException {
            Map<String, Object> members = new LinkedHashMap<>();
            while (nextStartOrEnd("member")) {
                expectStart("name");
                String name = text();
                expectStart("value");
                Object v = value(depth + 1);
                expectEnd(); // </member>
                if (members.containsKey(name)) {
                    throw new XmlRpcFormatException("duplicate struct member \"" + abbreviate(name) + "\"");
                }
                members.put(name, v);
            }
            return Collections.unmodifiableMap(members);
        }

        private List<Object> array(int depth) throws XmlRpcFormatException {
            expectStart("data");
            List<Object> items = new ArrayList<>();
            while (nextStartOrEnd("value")) {
                items.add(value(depth + 1));
            }
            expectEnd(); // </array>
            return Collections.unmodifiableList(items);
        }

        private String describe(int event) {
            return switch (event) {
                case XMLStreamConstants.START_ELEMENT -> "<" + reader.getLocalName() + ">";
                case XMLStreamConstants.END_ELEMENT -> "</" + reader.getLocalName() + ">";
                case XMLStreamConstants.END_DOCUMENT -> "the end of the document";
                default -> "XML event " + event;
            };
        }

        private static XmlRpcFormatException malformed(XMLStreamException e) {
            String message = e.getMessage() == null ? "unreadable" : e.getMessage().replace('\n', ' ');
            return new XmlRpcFormatException("malformed XML: " + message, e);
        }

        @Override
        public void close() {
            try {
                reader.close();
            } catch (XMLStreamException ignored) {
                // the document is in memory
            }
        }
    }

    static Double parseDouble(String t) throws XmlRpcFormatException {
        switch (t.toLowerCase(java.util.Locale.ROOT)) {
            case "nan":
                return Double.NaN;
            case "inf":
            case "+inf":
            case "infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf":
            case "-infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        if (!DOUBLE.matcher(t).matches()) {
            throw new XmlRpcFormatException("not a double: \"" + abbreviate(t) + "\"");
        }
        return Double.valueOf(t);
    }

    static Instant parseDateTime(String t) throws XmlRpcFormatException {
        Matcher m = DATE_TIME.matcher(t);
        if (!m.matches()) {
            throw new XmlRpcFormatException("not a dateTime.iso8601: \"" + abbreviate(t) + "\"");
        }
        try {
            int nanos = 0;
            if (m.group(7) != null) {
                String fraction = (m.group(7).substring(1) + "000000000").substring(0, 9);
                nanos = Integer.parseInt(fraction);
            }
            LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    Integer.parseInt(m.group(6)), nanos);
            String zone = m.group(8);
            ZoneOffset offset = zone == null || zone.equals("Z") ? ZoneOffset.UTC : ZoneOffset.of(
                    zone.length() == 5 ? zone.substring(0, 3) + ":" + zone.substring(3) : zone);
            return local.toInstant(offset);
        } catch (java.time.DateTimeException e) {
            throw new XmlRpcFormatException("not a valid time: \"" + abbreviate(t) + "\"");
        }
    }

    private static String abbreviate(String s) {
        String oneLine = s.replace('\n', ' ').replace('\r', ' ');
        return oneLine.length() <= 40 ? oneLine : oneLine.substring(0, 40) + "...";
    }
}
