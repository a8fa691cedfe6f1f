package org.xenproject.eliloader.testpeers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A XenAPI server for tests that keeps xapi's semantics for the calls eliloader (and the
 * official SDK's login) makes: sessions from {@code session.login_with_password}, opaque refs,
 * {@code get_by_uuid}, {@code get_record}, every {@code get_FIELD}, {@code set_FIELD} of the
 * writable fields, {@code add_to_/remove_from_} of map fields ({@code MAP_DUPLICATE_KEY}),
 * {@code VBD.unplug}/{@code destroy}, secrets, and the failures {@code SESSION_INVALID},
 * {@code HANDLE_INVALID}, {@code UUID_INVALID}, {@code MESSAGE_PARAMETER_COUNT_MISMATCH},
 * {@code MESSAGE_METHOD_UNKNOWN}, {@code SESSION_AUTHENTICATION_FAILED}.
 *
 * <p>It speaks XML-RPC with its own DOM reader and writer (independent of the production codec)
 * and answers as xapi does: strings as untyped {@code <value>}s, ints as strings, booleans as
 * {@code <boolean>}. It listens on a unix socket (where, as on dom0, any credentials are
 * accepted) and on 127.0.0.1 over http, and optionally https (where the configured user and
 * password are required).
 *
 * <p>Faults a real xapi shows only by chance can be injected: expired sessions, a failure of
 * the Nth call, or the Nth call applied and its connection then dropped without an answer.
 */
public final class XapiTestServer implements AutoCloseable {
    public static final String NULL_REF = "OpaqueRef:NULL";
    private static final DateTimeFormatter XMLRPC_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Map<String, Set<String>> WRITABLE = Map.of(
            "VM", Set.of("PV_bootloader", "PV_bootloader_args", "PV_args", "name_label", "other_config", "platform"),
            "VBD", Set.of("bootable", "other_config", "userdevice"),
            "VDI", Set.of("other_config", "name_label"),
            "secret", Set.of("value", "other_config"));
    private static final Set<String> MAP_FIELDS = Set.of("other_config", "platform");

    /** One recorded call; the password of a login is not kept. */
    public record Call(String method, List<Object> params, String transport) { }

    /** One login: who, with which API version and originator, over which transport. */
    public record Login(String user, String version, String originator, String transport) { }

    private final Path socketPath;
    private final ServerSocketChannel unixServer;
    private final HttpServer httpServer;
    private HttpsServer httpsServer;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "xapi-test-server");
        t.setDaemon(true);
        return t;
    });

    private final Map<String, XObject> objects = new LinkedHashMap<>();
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private final List<Call> calls = new ArrayList<>();
    private final List<Login> logins = new ArrayList<>();
    private final String hostRef;
    private String remoteUser;
    private String remotePassword;
    private int sessionLifetimeCalls = -1;
    private int failAt = -1;
    private List<String> failWith;
    private int dropAt = -1;
    private int callCount;
    private Consumer<String> beforeCall = m -> { };

    private static final class XObject {
        final String cls;
        final String ref;
        final Map<String, Object> fields = new LinkedHashMap<>();

        XObject(String cls, String ref) {
            this.cls = cls;
            this.ref = ref;
        }
    }

    private static final class Session {
        final String user;
        int callsLeft;

        Session(String user, int callsLeft) {
            this.user = user;
            this.callsLeft = callsLeft;
        }
    }

    /** The outcome of one HTTP request: a body, or a connection to drop without answering. */
    private record Answer(byte[] body, boolean drop) { }

    private XapiTestServer(Path dir) throws IOException {
        Files.createDirectories(dir);
        socketPath = dir.resolve("xapi.sock");
        Files.deleteIfExists(socketPath);
        unixServer = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        unixServer.bind(UnixDomainSocketAddress.of(socketPath));
        httpServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        httpServer.createContext("/", exchange -> handleHttp(exchange, "http"));
        httpServer.setExecutor(workers);
        XObject host = create("host", Map.of("uuid", UUID.randomUUID().toString(), "name_label", "xapi-test-host",
                "API_version_major", 2L, "API_version_minor", 15L, "API_version_vendor", "XenSource"));
        hostRef = host.ref;
    }

    /** Starts on {@code dir/xapi.sock} and on an ephemeral 127.0.0.1 port (http). */
    public static XapiTestServer start(Path dir) {
        try {
            XapiTestServer server = new XapiTestServer(dir);
            server.httpServer.start();
            server.workers.execute(server::acceptUnix);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the XenAPI test server", e);
        }
    }

    /** Also listens with https on an ephemeral 127.0.0.1 port, with the given server certificate. */
    public XapiTestServer withHttps(Tls.Certificates certificates) {
        try {
            httpsServer = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            httpsServer.setHttpsConfigurator(new HttpsConfigurator(sslContext(certificates)));
            httpsServer.createContext("/", exchange -> handleHttp(exchange, "https"));
            httpsServer.setExecutor(workers);
            httpsServer.start();
            return this;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start https", e);
        }
    }

    /** Over http(s) only this user and password log in (the unix socket takes any, as dom0's does). */
    public synchronized XapiTestServer requireLogin(String user, String password) {
        this.remoteUser = user;
        this.remotePassword = password;
        return this;
    }

    public Path socketPath() {
        return socketPath;
    }

    public String httpUrl() {
        return "http://127.0.0.1:" + httpServer.getAddress().getPort() + "/";
    }

    public String httpsUrl() {
        if (httpsServer == null) {
            throw new IllegalStateException("https was not started");
        }
        return "https://127.0.0.1:" + httpsServer.getAddress().getPort() + "/";
    }

    // ------------------------------------------------------------------ state set-up and read-back

    /**
     * Loads the VMs and secrets of a local-store JSON file (as {@code VmStoreFixture} writes it),
     * so that one fixture serves both backends. Each VBD gets a VDI (its {@code "VDI"} field is the
     * VDI's uuid when given) unless it is an {@code "empty"} CD drive.
     */
    @SuppressWarnings("unchecked")
    public synchronized XapiTestServer load(Path storeJson) {
        Map<String, Object> doc;
        try {
            doc = JSON.std.mapFrom(Files.readAllBytes(storeJson));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> vms = (Map<String, Object>) doc.getOrDefault("vms", Map.of());
        for (Map.Entry<String, Object> e : vms.entrySet()) {
            Map<String, Object> json = (Map<String, Object>) e.getValue();
            XObject vm = create("VM", Map.of());
            vm.fields.put("uuid", e.getKey());
            vm.fields.put("name_label", text(json.get("name_label")));
            vm.fields.put("name_description", "");
            vm.fields.put("power_state", "Halted");
            vm.fields.put("is_a_template", false);
            vm.fields.put("memory_static_max", 1073741824L);
            vm.fields.put("VCPUs_max", 1L);
            vm.fields.put("PV_bootloader", text(json.get("PV_bootloader")));
            vm.fields.put("PV_bootloader_args", text(json.get("PV_bootloader_args")));
            vm.fields.put("PV_args", text(json.get("PV_args")));
            vm.fields.put("PV_kernel", "");
            vm.fields.put("PV_ramdisk", "");
            vm.fields.put("HVM_boot_policy", "");
            vm.fields.put("other_config", stringMap(json.get("other_config")));
            vm.fields.put("platform", stringMap(json.get("platform")));
            vm.fields.put("blocked_operations", new LinkedHashMap<String, Object>());
            vm.fields.put("tags", new ArrayList<Object>());
            vm.fields.put("snapshot_time", Instant.EPOCH);
            vm.fields.put("resident_on", NULL_REF);
            vm.fields.put("domid", -1L);
            List<Object> vbdRefs = new ArrayList<>();
            vm.fields.put("VBDs", vbdRefs);
            for (Object o : (List<Object>) json.getOrDefault("VBDs", List.of())) {
                Map<String, Object> v = (Map<String, Object>) o;
                boolean empty = Boolean.TRUE.equals(v.get("empty"));
                String vdiRef = NULL_REF;
                XObject vbd = create("VBD", Map.of());
                if (!empty) {
                    XObject vdi = create("VDI", Map.of());
                    vdi.fields.put("uuid", v.get("VDI") == null ? UUID.randomUUID().toString() : text(v.get("VDI")));
                    vdi.fields.put("name_label", "disk " + text(v.get("userdevice")));
                    vdi.fields.put("location", text(v.get("image")));
                    vdi.fields.put("virtual_size", 16L << 20);
                    vdi.fields.put("read_only", false);
                    vdi.fields.put("other_config", new LinkedHashMap<String, Object>());
                    vdi.fields.put("VBDs", new ArrayList<Object>(List.of(vbd.ref)));
                    vdiRef = vdi.ref;
                }
                vbd.fields.put("uuid", text(v.get("uuid")));
                vbd.fields.put("VM", vm.ref);
                vbd.fields.put("VDI", vdiRef);
                vbd.fields.put("device", "");
                vbd.fields.put("userdevice", text(v.get("userdevice")));
                vbd.fields.put("bootable", Boolean.TRUE.equals(v.get("bootable")));
                vbd.fields.put("mode", v.get("mode") == null ? "RW" : text(v.get("mode")));
                vbd.fields.put("type", v.get("type") == null ? "Disk" : text(v.get("type")));
                vbd.fields.put("unpluggable", true);
                vbd.fields.put("storage_lock", false);
                vbd.fields.put("empty", empty);
                vbd.fields.put("currently_attached", Boolean.TRUE.equals(v.get("currently_attached")));
                vbd.fields.put("status_code", 0L);
                vbd.fields.put("status_detail", "");
                vbd.fields.put("other_config", stringMap(v.get("other_config")));
                vbd.fields.put("qos_algorithm_type", "");
                vbd.fields.put("qos_algorithm_params", new LinkedHashMap<String, Object>());
                vbd.fields.put("runtime_properties", new LinkedHashMap<String, Object>());
                vbdRefs.add(vbd.ref);
            }
        }
        Map<String, Object> secrets = (Map<String, Object>) doc.getOrDefault("secrets", Map.of());
        for (Map.Entry<String, Object> e : secrets.entrySet()) {
            Object value = e.getValue() instanceof Map<?, ?> m ? m.get("value") : e.getValue();
            XObject secret = create("secret", Map.of());
            secret.fields.put("uuid", e.getKey());
            secret.fields.put("value", text(value));
            secret.fields.put("other_config", new LinkedHashMap<String, Object>());
        }
        return this;
    }

    /** The VM as a local store would hold it (same field names), for comparing both backends. */
    @SuppressWarnings("unchecked")
    public synchronized Map<String, Object> vm(String uuid) {
        XObject vm = byUuid("VM", uuid);
        if (vm == null) {
            return null;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        for (String field : List.of("name_label", "PV_bootloader", "PV_bootloader_args", "PV_args")) {
            result.put(field, vm.fields.get(field));
        }
        result.put("other_config", new LinkedHashMap<>((Map<String, Object>) vm.fields.get("other_config")));
        result.put("platform", new LinkedHashMap<>((Map<String, Object>) vm.fields.get("platform")));
        List<Object> vbds = new ArrayList<>();
        for (Object ref : (List<Object>) vm.fields.get("VBDs")) {
            XObject vbd = objects.get(ref);
            Map<String, Object> v = new LinkedHashMap<>();
            for (String field : List.of("uuid", "userdevice", "bootable", "type", "mode", "currently_attached")) {
                v.put(field, vbd.fields.get(field));
            }
            v.put("other_config", new LinkedHashMap<>((Map<String, Object>) vbd.fields.get("other_config")));
            XObject vdi = objects.get(vbd.fields.get("VDI"));
            v.put("VDI", vdi == null ? "" : vdi.fields.get("uuid"));
            vbds.add(v);
        }
        result.put("VBDs", vbds);
        return result;
    }

    /** Sets a VBD's {@code currently_attached}, as a running VM would have it. */
    public synchronized void setAttached(String vbdUuid, boolean attached) {
        byUuid("VBD", vbdUuid).fields.put("currently_attached", attached);
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    public synchronized List<String> methods() {
        return calls.stream().map(Call::method).toList();
    }

    public synchronized List<Login> logins() {
        return List.copyOf(logins);
    }

    public synchronized int liveSessions() {
        return sessions.size();
    }

    public synchronized void clearCalls() {
        calls.clear();
    }

    // ------------------------------------------------------------------ faults

    /** Every open session becomes invalid, as after an xapi restart or a session timeout. */
    public synchronized void expireSessions() {
        sessions.clear();
    }

    /** Sessions created from now on expire after {@code calls} session-bound calls (negative: never). */
    public synchronized void sessionLifetime(int calls) {
        sessionLifetimeCalls = calls;
    }

    /** The {@code n}th call from now (1 = the next) answers this Failure and changes nothing. */
    public synchronized void failCall(int n, String... errorDescription) {
        failAt = callCount + n;
        failWith = List.of(errorDescription);
    }

    /** The {@code n}th call from now is carried out, then its connection is closed without an answer. */
    public synchronized void dropAfterCall(int n) {
        dropAt = callCount + n;
    }

    /** Runs before every call with its method name (e.g. to look at files at that moment). */
    public synchronized void beforeEachCall(Consumer<String> hook) {
        beforeCall = hook;
    }

    public synchronized void clearFaults() {
        failAt = -1;
        dropAt = -1;
        sessionLifetimeCalls = -1;
    }

    // ------------------------------------------------------------------ dispatch

    private synchronized Answer dispatch(byte[] request, String transport) {
        Document doc;
        String method;
        List<Object> params;
        try {
            doc = parse(request);
            Element root = doc.getDocumentElement();
            if (!root.getTagName().equals("methodCall")) {
                throw new IllegalArgumentException("not a methodCall");
            }
            List<Element> parts = children(root, null);
            if (parts.isEmpty() || parts.size() > 2 || !parts.get(0).getTagName().equals("methodName")) {
                throw new IllegalArgumentException("expected <methodName> and <params>");
            }
            method = parts.get(0).getTextContent();
            params = new ArrayList<>();
            if (parts.size() == 2) {
                if (!parts.get(1).getTagName().equals("params")) {
                    throw new IllegalArgumentException("expected <params>");
                }
                for (Element param : children(parts.get(1), "param")) {
                    params.add(fromXml(only(param, "value")));
                }
            }
        } catch (Exception e) {
            return new Answer(fault(-32700, "parse error: " + e.getMessage()), false);
        }
        callCount++;
        List<Object> logged = new ArrayList<>(params);
        if (method.equals("session.login_with_password") && logged.size() > 1) {
            logged.set(1, "(password)");
        }
        calls.add(new Call(method, logged, transport));
        beforeCall.accept(method);
        if (callCount == failAt) {
            return new Answer(failure(failWith), false);
        }
        Object result;
        try {
            result = call(method, params, transport);
        } catch (XapiError e) {
            return new Answer(failure(e.description), false);
        }
        return new Answer(success(result), callCount == dropAt);
    }

    private static final class XapiError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final List<String> description;

        XapiError(String... description) {
            super(String.join(" ", description));
            this.description = List.of(description);
        }
    }

    private Object call(String method, List<Object> params, String transport) {
        if (method.equals("session.login_with_password")) {
            if (params.size() < 2 || params.size() > 4) {
                throw new XapiError("MESSAGE_PARAMETER_COUNT_MISMATCH", method, "4", Integer.toString(params.size()));
            }
            String user = string(params.get(0));
            String password = string(params.get(1));
            if (!transport.equals("unix") && remoteUser != null
                    && (!remoteUser.equals(user) || !remotePassword.equals(password))) {
                throw new XapiError("SESSION_AUTHENTICATION_FAILED", user, "Authentication failure");
            }
            String ref = newRef();
            sessions.put(ref, new Session(user, sessionLifetimeCalls));
            logins.add(new Login(user, params.size() > 2 ? string(params.get(2)) : "",
                    params.size() > 3 ? string(params.get(3)) : "", transport));
            return ref;
        }
        int dot = method.indexOf('.');
        if (dot < 0) {
            throw new XapiError("MESSAGE_METHOD_UNKNOWN", method);
        }
        String cls = method.substring(0, dot);
        String op = method.substring(dot + 1);
        int expected = expectedParams(cls, op);
        if (expected < 0) {
            throw new XapiError("MESSAGE_METHOD_UNKNOWN", method);
        }
        if (params.size() != expected) {
            throw new XapiError("MESSAGE_PARAMETER_COUNT_MISMATCH", method, Integer.toString(expected),
                    Integer.toString(params.size()));
        }
        String sessionRef = string(params.get(0));
        Session session = sessions.get(sessionRef);
        if (session == null) {
            throw new XapiError("SESSION_INVALID", sessionRef);
        }
        if (session.callsLeft == 0) {
            sessions.remove(sessionRef);
            throw new XapiError("SESSION_INVALID", sessionRef);
        }
        if (session.callsLeft > 0) {
            session.callsLeft--;
        }
        if (cls.equals("session")) {
            if (op.equals("logout")) {
                sessions.remove(sessionRef);
                return "";
            }
            // get_this_host(session, session_ref)
            if (!sessions.containsKey(string(params.get(1)))) {
                throw new XapiError("HANDLE_INVALID", "session", string(params.get(1)));
            }
            return hostRef;
        }
        if (op.equals("get_by_uuid")) {
            XObject o = byUuid(cls, string(params.get(1)));
            if (o == null) {
                throw new XapiError("UUID_INVALID", cls, string(params.get(1)));
            }
            return o.ref;
        }
        XObject o = objects.get(string(params.get(1)));
        if (o == null || !o.cls.equals(cls)) {
            throw new XapiError("HANDLE_INVALID", cls, string(params.get(1)));
        }
        if (op.equals("get_record")) {
            return new LinkedHashMap<>(o.fields);
        }
        if (op.startsWith("get_")) {
            String field = op.substring(4);
            if (!o.fields.containsKey(field)) {
                throw new XapiError("MESSAGE_METHOD_UNKNOWN", method);
            }
            return o.fields.get(field);
        }
        if (op.startsWith("set_")) {
            String field = op.substring(4);
            Object value = params.get(2);
            Object current = o.fields.get(field);
            if (current instanceof Boolean ? !(value instanceof Boolean)
                    : current instanceof Map ? !(value instanceof Map) : !(value instanceof String)) {
                throw new XapiError("FIELD_TYPE_ERROR", field);
            }
            o.fields.put(field, value instanceof Map<?, ?> m ? new LinkedHashMap<>(m) : value);
            return "";
        }
        if (op.startsWith("add_to_")) {
            String field = op.substring(7);
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) o.fields.get(field);
            String key = string(params.get(2));
            if (map.containsKey(key)) {
                throw new XapiError("MAP_DUPLICATE_KEY", cls, field, o.ref, key);
            }
            map.put(key, string(params.get(3)));
            return "";
        }
        if (op.startsWith("remove_from_")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) o.fields.get(op.substring(12));
            map.remove(string(params.get(2)));
            return "";
        }
        if (op.equals("unplug")) {
            if (!Boolean.TRUE.equals(o.fields.get("currently_attached"))) {
                throw new XapiError("DEVICE_ALREADY_DETACHED", o.ref);
            }
            o.fields.put("currently_attached", false);
            return "";
        }
        if (op.equals("destroy")) {
            if (Boolean.TRUE.equals(o.fields.get("currently_attached"))) {
                throw new XapiError("OPERATION_NOT_ALLOWED", "VBD '" + o.fields.get("uuid") + "' is still attached");
            }
            objects.remove(o.ref);
            XObject vm = objects.get(o.fields.get("VM"));
            if (vm != null) {
                ((List<?>) vm.fields.get("VBDs")).remove(o.ref);
            }
            XObject vdi = objects.get(o.fields.get("VDI"));
            if (vdi != null) {
                ((List<?>) vdi.fields.get("VBDs")).remove(o.ref);
            }
            return "";
        }
        throw new XapiError("MESSAGE_METHOD_UNKNOWN", method);
    }

    /** How many parameters {@code cls.op} takes (session included), or -1 when there is no such call. */
    private int expectedParams(String cls, String op) {
        if (cls.equals("session")) {
            return op.equals("logout") ? 1 : op.equals("get_this_host") ? 2 : -1;
        }
        if (!Set.of("VM", "VBD", "VDI", "secret", "host").contains(cls)) {
            return -1;
        }
        if (op.equals("get_by_uuid") || op.equals("get_record") || op.startsWith("get_")) {
            return 2;
        }
        Set<String> writable = WRITABLE.getOrDefault(cls, Set.of());
        if (op.startsWith("set_") && writable.contains(op.substring(4))) {
            return 3;
        }
        if (op.startsWith("add_to_") && MAP_FIELDS.contains(op.substring(7)) && writable.contains(op.substring(7))) {
            return 4;
        }
        if (op.startsWith("remove_from_") && MAP_FIELDS.contains(op.substring(12))
                && writable.contains(op.substring(12))) {
            return 3;
        }
        if (cls.equals("VBD") && (op.equals("unplug") || op.equals("destroy"))) {
            return 2;
        }
        return -1;
    }

    private XObject create(String cls, Map<String, Object> fields) {
        XObject o = new XObject(cls, newRef());
        o.fields.putAll(fields);
        objects.put(o.ref, o);
        return o;
    }

    private XObject byUuid(String cls, String uuid) {
        for (XObject o : objects.values()) {
            if (o.cls.equals(cls) && uuid.equals(o.fields.get("uuid"))) {
                return o;
            }
        }
        return null;
    }

    private static String newRef() {
        return "OpaqueRef:" + UUID.randomUUID();
    }

    private static String string(Object o) {
        if (!(o instanceof String s)) {
            throw new XapiError("FIELD_TYPE_ERROR", String.valueOf(o));
        }
        return s;
    }

    private static String text(Object o) {
        return o == null ? "" : o.toString();
    }

    private static Map<String, Object> stringMap(Object o) {
        Map<String, Object> result = new LinkedHashMap<>();
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> result.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        }
        return result;
    }

    // ------------------------------------------------------------------ XML-RPC, xapi's way

    private static Document parse(byte[] request) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setExpandEntityReferences(false);
        factory.setNamespaceAware(false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        builder.setErrorHandler(null);
        return builder.parse(new ByteArrayInputStream(request));
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> result = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                if (name != null && !e.getTagName().equals(name)) {
                    throw new IllegalArgumentException("unexpected <" + e.getTagName() + "> in <" + parent.getTagName() + ">");
                }
                result.add(e);
            }
        }
        return result;
    }

    private static Element only(Element parent, String name) {
        List<Element> list = children(parent, null);
        if (list.size() == 1 && !list.get(0).getTagName().equals(name)) {
            throw new IllegalArgumentException("expected <" + name + "> in <" + parent.getTagName() + ">");
        }
        if (list.size() != 1) {
            throw new IllegalArgumentException("expected one <" + name + "> in <" + parent.getTagName() + ">");
        }
        return list.get(0);
    }

    private static Object fromXml(Element value) {
        List<Element> typed = children(value, null);
        if (typed.isEmpty()) {
            return value.getTextContent();
        }
        Element t = typed.get(0);
        String text = t.getTextContent();
        switch (t.getTagName()) {
            case "string":
                return text;
            case "int":
            case "i4":
                return Integer.valueOf(text.strip());
            case "boolean":
                if (!text.strip().equals("0") && !text.strip().equals("1")) {
                    throw new IllegalArgumentException("bad boolean " + text);
                }
                return text.strip().equals("1");
            case "double":
                return Double.valueOf(text.strip());
            case "dateTime.iso8601":
                return text.strip();
            case "base64":
                return Base64.getMimeDecoder().decode(text);
            case "struct": {
                Map<String, Object> map = new LinkedHashMap<>();
                for (Element member : children(t, "member")) {
                    List<Element> nameValue = children(member, null);
                    if (nameValue.size() != 2 || !nameValue.get(0).getTagName().equals("name")
                            || !nameValue.get(1).getTagName().equals("value")) {
                        throw new IllegalArgumentException("a member is <name> then <value>");
                    }
                    map.put(nameValue.get(0).getTextContent(), fromXml(nameValue.get(1)));
                }
                return map;
            }
            case "array": {
                List<Object> list = new ArrayList<>();
                for (Element v : children(only(t, "data"), "value")) {
                    list.add(fromXml(v));
                }
                return list;
            }
            default:
                throw new IllegalArgumentException("unknown type " + t.getTagName());
        }
    }

    private static byte[] success(Object value) {
        StringBuilder out = new StringBuilder("<?xml version=\"1.0\"?>\n<methodResponse><params><param><value><struct>");
        out.append("<member><name>Status</name><value>Success</value></member>");
        out.append("<member><name>Value</name>");
        toXml(out, value);
        out.append("</member></struct></value></param></params></methodResponse>\n");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] failure(List<String> description) {
        StringBuilder out = new StringBuilder("<?xml version=\"1.0\"?>\n<methodResponse><params><param><value><struct>");
        out.append("<member><name>Status</name><value>Failure</value></member>");
        out.append("<member><name>ErrorDescription</name>");
        toXml(out, description);
        out.append("</member></struct></value></param></params></methodResponse>\n");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] fault(int code, String message) {
        StringBuilder out = new StringBuilder("<?xml version=\"1.0\"?>\n<methodResponse><fault><value><struct>");
        out.append("<member><name>faultCode</name><value><int>").append(code).append("</int></value></member>");
        out.append("<member><name>faultString</name>");
        toXml(out, message);
        out.append("</member></struct></value></fault></methodResponse>\n");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** xapi's encoding: untyped strings, int64 as strings, {@code <boolean>}, structs, arrays. */
    private static void toXml(StringBuilder out, Object v) {
        if (v instanceof String s) {
            out.append("<value>");
            escape(out, s);
            out.append("</value>");
        } else if (v instanceof Long l) {
            out.append("<value>").append(l).append("</value>");
        } else if (v instanceof Boolean b) {
            out.append("<value><boolean>").append(b ? 1 : 0).append("</boolean></value>");
        } else if (v instanceof Double d) {
            out.append("<value><double>").append(d).append("</double></value>");
        } else if (v instanceof Instant t) {
            out.append("<value><dateTime.iso8601>").append(XMLRPC_TIME.format(t)).append("</dateTime.iso8601></value>");
        } else if (v instanceof Map<?, ?> m) {
            out.append("<value><struct>");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.append("<member><name>");
                escape(out, String.valueOf(e.getKey()));
                out.append("</name>");
                toXml(out, e.getValue());
                out.append("</member>");
            }
            out.append("</struct></value>");
        } else if (v instanceof List<?> list) {
            out.append("<value><array><data>");
            for (Object item : list) {
                toXml(out, item);
            }
            out.append("</data></array></value>");
        } else {
            throw new IllegalStateException("cannot send " + v);
        }
    }

    private static void escape(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '\r' -> out.append("&#13;");
                default -> out.append(c);
            }
        }
    }

    // ------------------------------------------------------------------ transports

    private void handleHttp(HttpExchange exchange, String transport) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] request = exchange.getRequestBody().readAllBytes();
            Answer answer = dispatch(request, transport);
            if (answer.drop()) {
                exchange.sendResponseHeaders(500, -1); // com.sun's server cannot hang up without answering
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "text/xml");
            exchange.sendResponseHeaders(200, answer.body().length);
            exchange.getResponseBody().write(answer.body());
        }
    }

    private void acceptUnix() {
        while (unixServer.isOpen()) {
            try {
                SocketChannel channel = unixServer.accept();
                workers.execute(() -> serveUnix(channel));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** HTTP/1.1 over the unix socket: request line, headers, Content-Length body; keep-alive honoured. */
    private void serveUnix(SocketChannel channel) {
        try (channel; InputStream in = Channels.newInputStream(channel);
                OutputStream out = Channels.newOutputStream(channel)) {
            while (true) {
                String requestLine = line(in, true);
                if (requestLine == null) {
                    return;
                }
                boolean close = requestLine.endsWith("HTTP/1.0");
                int length = -1;
                String header;
                while (!(header = line(in, false)).isEmpty()) {
                    int colon = header.indexOf(':');
                    String name = header.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                    String value = header.substring(colon + 1).strip();
                    if (name.equals("content-length")) {
                        length = Integer.parseInt(value);
                    } else if (name.equals("connection") && value.equalsIgnoreCase("close")) {
                        close = true;
                    }
                }
                if (!requestLine.startsWith("POST ") || length < 0) {
                    out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    return;
                }
                byte[] body = in.readNBytes(length);
                Answer answer = dispatch(body, "unix");
                if (answer.drop()) {
                    return; // hang up without a word
                }
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: " + answer.body().length
                        + "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(answer.body());
                out.flush();
                if (close) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the client went away
        }
    }

    private static String line(InputStream in, boolean eofAllowed) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (eofAllowed && line.size() == 0) {
                    return null;
                }
                throw new EOFException();
            }
            if (b == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
    }

    private static SSLContext sslContext(Tls.Certificates certificates) throws Exception {
        String pem = Files.readString(certificates.serverKey());
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                Base64.getDecoder().decode(base64)));
        Certificate[] chain;
        try (InputStream in = Files.newInputStream(certificates.serverCert())) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(new Certificate[0]);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "test".toCharArray();
        store.setKeyEntry("server", key, password, chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    @Override
    public void close() {
        httpServer.stop(0);
        if (httpsServer != null) {
            httpsServer.stop(0);
        }
        try {
            unixServer.close();
            Files.deleteIfExists(socketPath);
        } catch (IOException ignored) {
            // temp dir
        }
        workers.shutdownNow();
    }
}
