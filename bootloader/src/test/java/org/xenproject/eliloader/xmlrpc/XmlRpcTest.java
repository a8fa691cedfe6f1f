package org.xenproject.eliloader.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XmlRpcTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Object response(String valueXml) throws Exception {
        return XmlRpc.decodeResponse(bytes("<?xml version=\"1.0\"?><methodResponse><params><param>" + valueXml
                + "</param></params></methodResponse>"));
    }

    @Test
    void everyTypeSurvivesARoundTrip() throws Exception {
        Map<String, Object> struct = new LinkedHashMap<>();
        struct.put("string", "a <b> & c\r\nd\t\"e\" 'f' \u00e9\u4e2d\uD83D\uDE00");
        struct.put("empty", "");
        struct.put("int", -2147483648);
        struct.put("true", true);
        struct.put("false", false);
        struct.put("double", 1.5e-3);
        struct.put("time", Instant.parse("2024-02-29T23:59:58Z"));
        struct.put("base64", new byte[] {0, 1, 2, (byte) 255});
        struct.put("nil", null);
        struct.put("array", List.of("x", 1, List.of(), Map.of()));
        Object decoded = XmlRpc.decodeResponse(XmlRpcServerCodec.encodeResponse(struct));
        assertThat(decoded).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) decoded;
        assertThat(m.keySet()).containsExactlyElementsOf(struct.keySet());
        for (String key : struct.keySet()) {
            if (key.equals("base64")) {
                assertThat((byte[]) m.get(key)).containsExactly(0, 1, 2, 255);
            } else {
                assertThat(m.get(key)).as(key).isEqualTo(struct.get(key));
            }
        }
    }

    @Test
    void callsRoundTripWithTheirParameters() throws Exception {
        byte[] call = XmlRpc.encodeCall("VM.add_to_other_config", List.of("OpaqueRef:s", "OpaqueRef:v", "k", "v"));
        XmlRpcServerCodec.Call decoded = XmlRpcServerCodec.decodeCall(call);
        assertThat(decoded.method()).isEqualTo("VM.add_to_other_config");
        assertThat(decoded.params()).containsExactly("OpaqueRef:s", "OpaqueRef:v", "k", "v");
        assertThat(XmlRpcServerCodec.decodeCall(XmlRpc.encodeCall("system.listMethods", List.of())).params()).isEmpty();
        assertThat(XmlRpcServerCodec.decodeCall(bytes("<methodCall><methodName>a.b</methodName></methodCall>")).params())
                .isEmpty();
    }

    @Test
    void encodesStringsTypedAndBooleansAsZeroOrOne() {
        String xml = new String(XmlRpc.encodeCall("VBD.set_bootable", List.of("r", true, false, 7)),
                StandardCharsets.UTF_8);
        assertThat(xml).contains("<value><string>r</string></value>", "<value><boolean>1</boolean></value>",
                "<value><boolean>0</boolean></value>", "<value><int>7</int></value>");
    }

    @Test
    void readsXapiStyleUntypedValuesAsStrings() throws Exception {
        // what xapi itself sends: untyped strings, ints as strings, struct members with whitespace
        Object v = response("<value><struct>\n  <member><name>Status</name><value>Success</value></member>\n"
                + "  <member><name>Value</name><value>OpaqueRef:1234</value></member>\n</struct></value>");
        assertThat(v).isEqualTo(Map.of("Status", "Success", "Value", "OpaqueRef:1234"));
        assertThat(response("<value></value>")).isEqualTo("");
        assertThat(response("<value>  spaced  </value>")).isEqualTo("  spaced  ");
        assertThat(response("<value> <string>x</string> </value>")).isEqualTo("x");
        assertThat(response("<value><i4>42</i4></value>")).isEqualTo(42);
        assertThat(response("<value><string>a<!-- c -->b</string></value>")).isEqualTo("ab");
        assertThat(response("<value><string><![CDATA[<x>&]]></string></value>")).isEqualTo("<x>&");
        assertThat(response("<value><string>&#x41;&lt;&amp;</string></value>")).isEqualTo("A<&");
    }

    @Test
    void readsTheDateTimeSpellingsXapiAndOthersUse() throws Exception {
        Instant t = Instant.parse("1970-01-01T00:00:00Z");
        assertThat(response("<value><dateTime.iso8601>19700101T00:00:00Z</dateTime.iso8601></value>")).isEqualTo(t);
        assertThat(response("<value><dateTime.iso8601>19700101T00:00:00</dateTime.iso8601></value>")).isEqualTo(t);
        assertThat(response("<value><dateTime.iso8601>1970-01-01T01:00:00+01:00</dateTime.iso8601></value>"))
                .isEqualTo(t);
        assertThat(response("<value><dateTime.iso8601>19700101T00:00:00.5Z</dateTime.iso8601></value>"))
                .isEqualTo(t.plusMillis(500));
        assertThatThrownBy(() -> response("<value><dateTime.iso8601>19701301T00:00:00Z</dateTime.iso8601></value>"))
                .isInstanceOf(XmlRpcFormatException.class);
        assertThatThrownBy(() -> response("<value><dateTime.iso8601>yesterday</dateTime.iso8601></value>"))
                .isInstanceOf(XmlRpcFormatException.class);
    }

    @Test
    void readsFaults() {
        assertThatThrownBy(() -> XmlRpc.decodeResponse(XmlRpcServerCodec.encodeFault(-32601, "no such method")))
                .isInstanceOfSatisfying(XmlRpcFault.class, f -> {
                    assertThat(f.faultCode()).isEqualTo(-32601);
                    assertThat(f.faultString()).isEqualTo("no such method");
                });
        assertThatThrownBy(() -> XmlRpc.decodeResponse(bytes("<methodResponse><fault><value><string>x</string>"
                + "</value></fault></methodResponse>"))).isInstanceOf(XmlRpcFormatException.class);
    }

    @Test
    void refusesValuesXmlRpcCannotCarry() {
        assertThatThrownBy(() -> XmlRpc.encodeCall("m", List.of("bell\u0007"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> XmlRpc.encodeCall("m", List.of("\uD800"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> XmlRpc.encodeCall("m", List.of(1L))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> XmlRpc.encodeCall("m", List.of(Double.NaN))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> XmlRpc.encodeCall("m", List.of(Map.of(1, "x")))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> XmlRpc.encodeCall("bad name", List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesADoctypeAndNeverResolvesEntities(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET");
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
                + "<methodResponse><params><param><value><string>&x;</string></value></param></params></methodResponse>";
        assertThatThrownBy(() -> XmlRpc.decodeResponse(bytes(xxe)))
                .isInstanceOf(XmlRpcFormatException.class)
                .hasMessageNotContaining("TOP-SECRET");
        String laughs = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">"
                + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;\">]><methodResponse><params><param><value>&c;</value></param>"
                + "</params></methodResponse>";
        assertThatThrownBy(() -> XmlRpc.decodeResponse(bytes(laughs))).isInstanceOf(XmlRpcFormatException.class);
        String bare = "<!DOCTYPE methodResponse><methodResponse><params><param><value>x</value></param></params>"
                + "</methodResponse>";
        assertThatThrownBy(() -> XmlRpc.decodeResponse(bytes(bare))).isInstanceOf(XmlRpcFormatException.class)
                .hasMessageContaining("DOCTYPE");
        assertThatThrownBy(() -> response("<value><string>&undeclared;</string></value>"))
                .isInstanceOf(XmlRpcFormatException.class);
    }

    @Test
    void refusesDocumentsThatAreNotStrictXmlRpc() {
        List<String> bad = new ArrayList<>(Arrays.asList(
                "<value><i8>1</i8></value>",                                   // not XML-RPC
                "<value><int>1.5</int></value>",
                "<value><int>99999999999</int></value>",
                "<value><boolean>true</boolean></value>",
                "<value><double>1,5</double></value>",
                "<value><string a=\"b\">x</string></value>",                   // attributes
                "<value xmlns=\"urn:x\">x</value>",                            // namespaces
                "<value>text<string>x</string></value>",                       // mixed content
                "<value><string>x</string><string>y</string></value>",         // two types
                "<value><struct><member><name>a</name><value>1</value></member>"
                        + "<member><name>a</name><value>2</value></member></struct></value>", // duplicate member
                "<value><struct><member><value>1</value><name>a</name></member></struct></value>",
                "<value><array><value>x</value></array></value>",              // no <data>
                "<value><nil>x</nil></value>",
                "<value><base64>!!!</base64></value>",
                "<value><string><b>x</b></string></value>"));
        for (String valueXml : bad) {
            assertThatThrownBy(() -> response(valueXml)).as(valueXml).isInstanceOf(XmlRpcFormatException.class);
        }
        for (String document : List.of("", "not xml", "<methodResponse/>",
                "<methodResponse><params></params></methodResponse>",
                "<methodResponse><params><param><value>a</value></param><param><value>b</value></param></params>"
                        + "</methodResponse>",
                "<methodResponse><params><param><value>a</value></param></params></methodResponse><x/>",
                "<methodResponse><params><param><value>a</value></param></params></methodResponse>trailing",
                "<methodCall><methodName>m</methodName></methodCall>",
                "<methodResponse><params><param><value>a</value></param></params>")) {
            assertThatThrownBy(() -> XmlRpc.decodeResponse(bytes(document))).as(document)
                    .isInstanceOf(XmlRpcFormatException.class);
        }
        assertThatThrownBy(() -> XmlRpcServerCodec.decodeCall(bytes("<methodCall><methodName>bad name</methodName></methodCall>")))
                .isInstanceOf(XmlRpcFormatException.class);
    }

    @Test
    void refusesNestingBeyondTheLimit() {
        String deep = "<value><array><data>".repeat(XmlRpc.MAX_DEPTH + 2) + "<value>x</value>"
                + "</data></array></value>".repeat(XmlRpc.MAX_DEPTH + 2);
        assertThatThrownBy(() -> response(deep)).isInstanceOf(XmlRpcFormatException.class)
                .hasMessageContaining("deeper");
        String ok = "<value><array><data>".repeat(10) + "<value>x</value>" + "</data></array></value>".repeat(10);
        assertThatThrownBy(() -> XmlRpcServerCodec.encodeResponse(nest(XmlRpc.MAX_DEPTH + 2)))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatCode(() -> response(ok)).doesNotThrowAnyException();
    }

    private static Object nest(int depth) {
        Object v = "x";
        for (int i = 0; i < depth; i++) {
            v = List.of(v);
        }
        return v;
    }

    @Test
    void readsOtherEncodingsDeclaredByTheDocument() throws Exception {
        byte[] latin1 = ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><methodResponse><params><param>"
                + "<value>caf\u00e9</value></param></params></methodResponse>").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(XmlRpc.decodeResponse(latin1)).isEqualTo("caf\u00e9");
    }
}
