package org.xenproject.eliloader.toolstack.xenapi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import okhttp3.HttpUrl;

import org.xenproject.eliloader.config.Setting;
import org.xenproject.eliloader.config.Settings;
import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;
import org.xenproject.eliloader.log.Log;
import org.xenproject.eliloader.toolstack.RecordEdit;
import org.xenproject.eliloader.toolstack.Toolstack;
import org.xenproject.eliloader.toolstack.Vbd;
import org.xenproject.eliloader.toolstack.VmRecord;

/**
 * The VM record through XenAPI (XML-RPC), on dom0's unix socket or at a pool master's URL.
 * Reads use {@code VM.get_record} and {@code VBD.get_record}; each {@link RecordEdit} becomes
 * the XenAPI calls the original eliloader made, one at a time and in order:
 * map puts are {@code remove_from_*} then {@code add_to_*} (xapi refuses to add an existing
 * key), and a VBD is unplugged, when attached, before it is destroyed.
 */
public final class XenApiToolstack implements Toolstack {
    /** How long one call may take; VBD.unplug is the slowest call made. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(120);
    static final String NULL_REF = "OpaqueRef:NULL";

    private final XapiClient client;
    private final Map<String, String> vmRefs = new HashMap<>();
    private final Map<String, String> vbdRefs = new HashMap<>();

    XenApiToolstack(XapiClient client) {
        this.client = client;
    }

    /**
     * Connects and logs in.
     *
     * @param where a unix socket path ({@code unix:} prefix optional) or an {@code https://} (or,
     *     explicitly, {@code http://}) URL
     */
    public static XenApiToolstack connect(String where, Settings settings) {
        Path credentialsFile = settings.path(Setting.XAPI_CREDENTIALS).orElse(null);
        XapiTransport transport;
        XapiCredentials credentials;
        if (where.contains("://")) {
            HttpUrl url = parseUrl(where);
            if (credentialsFile == null) {
                throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "XenAPI at " + url + " needs a user and"
                        + " password: name a credentials file with --xapi-credentials=FILE or"
                        + " ELILOADER_XAPI_CREDENTIALS.");
            }
            credentials = XapiCredentials.read(credentialsFile);
            transport = new UrlTransport(url, settings.path(Setting.CA_FILE).orElse(null), CALL_TIMEOUT);
        } else {
            String path = where.startsWith("unix:") ? where.substring("unix:".length()) : where;
            if (path.isEmpty()) {
                throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "The XenAPI endpoint \"" + where
                        + "\" names no socket.");
            }
            credentials = credentialsFile == null ? XapiCredentials.LOCAL : XapiCredentials.read(credentialsFile);
            transport = new UnixSocketTransport(Path.of(path), CALL_TIMEOUT);
        }
        XapiClient client = new XapiClient(transport, credentials);
        try {
            client.login();
        } catch (XapiFailure failure) {
            client.close();
            throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "Cannot log in to " + transport.describe()
                    + " as " + credentials + ": " + failure.getMessage() + hint(failure), failure);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        Log.info("XenAPI: logged in to " + transport.describe());
        return new XenApiToolstack(client);
    }

    private static String hint(XapiFailure failure) {
        if ("HOST_IS_SLAVE".equals(failure.code()) && failure.description().size() > 1) {
            return " (this host is a pool member: point --xapi at the pool master " + failure.description().get(1) + ")";
        }
        return "";
    }

    private static HttpUrl parseUrl(String where) {
        HttpUrl url = HttpUrl.parse(where);
        if (url == null) {
            throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "The XenAPI endpoint \"" + where
                    + "\" is neither a socket path nor an http(s) URL.");
        }
        if (!url.username().isEmpty() || !url.password().isEmpty()) {
            throw new BootloaderException(ErrorCode.INTERNAL_ERROR, "The XenAPI URL must not carry a user or password;"
                    + " put them in a file named by --xapi-credentials=FILE or ELILOADER_XAPI_CREDENTIALS.");
        }
        return url;
    }

    @Override
    public VmRecord readVm(String vmUuid) {
        String vm = vmRef(vmUuid);
        Map<String, Object> record = struct(call("VM.get_record", vm), "VM.get_record");
        List<Vbd> vbds = new ArrayList<>();
        for (String vbd : refs(record, "VBDs")) {
            vbds.add(vbd(vbd));
        }
        return new VmRecord(vmUuid, string(record, "name_label"), string(record, "PV_bootloader"),
                string(record, "PV_bootloader_args"), string(record, "PV_args"),
                stringMap(record, "other_config"), stringMap(record, "platform"), vbds);
    }

    private Vbd vbd(String ref) {
        Map<String, Object> record = struct(call("VBD.get_record", ref), "VBD.get_record");
        String uuid = string(record, "uuid");
        vbdRefs.put(uuid, ref);
        String vdiRef = string(record, "VDI");
        String vdi = "";
        if (!vdiRef.isEmpty() && !vdiRef.equals(NULL_REF) && !bool(record, "empty")) {
            vdi = String.valueOf(call("VDI.get_uuid", vdiRef));
        }
        // the image path is not derived: it would take the SR's PBDs and the driver's conventions
        return new Vbd(uuid, string(record, "userdevice"), bool(record, "bootable"), string(record, "type"),
                string(record, "mode"), "", bool(record, "currently_attached"), stringMap(record, "other_config"), vdi);
    }

    @Override
    public void apply(String vmUuid, List<RecordEdit> edits) {
        for (RecordEdit edit : edits) {
            applyOne(vmUuid, edit);
        }
    }

    private void applyOne(String vmUuid, RecordEdit edit) {
        if (edit instanceof RecordEdit.PutOtherConfig e) {
            String vm = vmRef(vmUuid);
            call("VM.remove_from_other_config", vm, e.key());
            call("VM.add_to_other_config", vm, e.key(), e.value());
        } else if (edit instanceof RecordEdit.RemoveOtherConfig e) {
            call("VM.remove_from_other_config", vmRef(vmUuid), e.key());
        } else if (edit instanceof RecordEdit.PutPlatform e) {
            String vm = vmRef(vmUuid);
            call("VM.remove_from_platform", vm, e.key());
            call("VM.add_to_platform", vm, e.key(), e.value());
        } else if (edit instanceof RecordEdit.RemovePlatform e) {
            call("VM.remove_from_platform", vmRef(vmUuid), e.key());
        } else if (edit instanceof RecordEdit.SetPvBootloader e) {
            call("VM.set_PV_bootloader", vmRef(vmUuid), e.value());
        } else if (edit instanceof RecordEdit.SetPvBootloaderArgs e) {
            call("VM.set_PV_bootloader_args", vmRef(vmUuid), e.value());
        } else if (edit instanceof RecordEdit.SetVbdBootable e) {
            call("VBD.set_bootable", vbdRef(e.vbdUuid()), e.bootable());
        } else if (edit instanceof RecordEdit.DestroyVbd e) {
            String vbd = vbdRef(e.vbdUuid());
            if (Boolean.TRUE.equals(call("VBD.get_currently_attached", vbd))) {
                try {
                    call("VBD.unplug", vbd);
                } catch (XapiFailure failure) {
                    if (!"DEVICE_ALREADY_DETACHED".equals(failure.code())) {
                        throw failure;
                    }
                }
            }
            call("VBD.destroy", vbd);
            vbdRefs.remove(e.vbdUuid());
        } else {
            throw new IllegalArgumentException("unknown edit " + edit);
        }
    }

    @Override
    public String secretValue(String secretUuid) {
        String ref;
        try {
            ref = string(client.call("secret.get_by_uuid", secretUuid), "secret.get_by_uuid");
        } catch (XapiFailure failure) {
            if ("UUID_INVALID".equals(failure.code())) {
                throw new BootloaderException(ErrorCode.INVALID_SOURCE, "The secret " + secretUuid
                        + " is not known to " + describe() + " (" + failure.getMessage() + ").");
            }
            throw failed(failure);
        }
        return string(call("secret.get_value", ref), "secret.get_value");
    }

    @Override
    public String describe() {
        return client.describe();
    }

    @Override
    public void close() {
        client.close();
    }

    private String vmRef(String vmUuid) {
        String ref = vmRefs.get(vmUuid);
        if (ref != null) {
            return ref;
        }
        try {
            ref = string(client.call("VM.get_by_uuid", vmUuid), "VM.get_by_uuid");
        } catch (XapiFailure failure) {
            if ("UUID_INVALID".equals(failure.code())) {
                throw new BootloaderException(ErrorCode.INVALID_SOURCE, "The VM " + vmUuid + " is not known to "
                        + describe() + " (" + failure.getMessage() + ").");
            }
            throw failed(failure);
        }
        vmRefs.put(vmUuid, ref);
        return ref;
    }

    private String vbdRef(String vbdUuid) {
        String ref = vbdRefs.get(vbdUuid);
        if (ref == null) {
            ref = string(call("VBD.get_by_uuid", vbdUuid), "VBD.get_by_uuid");
            vbdRefs.put(vbdUuid, ref);
        }
        return ref;
    }

    /** A session-bound call whose xapi failure ends the run. */
    private Object call(String method, Object... args) {
        try {
            return client.call(method, args);
        } catch (XapiFailure failure) {
            throw failed(failure);
        }
    }

    private BootloaderException failed(XapiFailure failure) {
        return new BootloaderException(ErrorCode.INTERNAL_ERROR, failure.getMessage() + " (" + describe() + ")",
                failure);
    }

    // ---- reading values as XenAPI types them: strings, booleans, string maps, ref sets

    private BootloaderException badType(String what) {
        return new BootloaderException(ErrorCode.INTERNAL_ERROR, describe() + " sent " + what
                + " of an unexpected XML-RPC type.");
    }

    private Map<String, Object> struct(Object value, String what) {
        if (!(value instanceof Map<?, ?> map)) {
            throw badType("the result of " + what);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        map.forEach((k, v) -> result.put(String.valueOf(k), v));
        return result;
    }

    private String string(Object value, String what) {
        if (!(value instanceof String s)) {
            throw badType("the result of " + what);
        }
        return s;
    }

    private String string(Map<String, Object> record, String field) {
        Object value = record.get(field);
        if (value == null) {
            return "";
        }
        if (!(value instanceof String s)) {
            throw badType("the field " + field);
        }
        return s;
    }

    private boolean bool(Map<String, Object> record, String field) {
        Object value = record.get(field);
        if (value == null) {
            return false;
        }
        if (!(value instanceof Boolean b)) {
            throw badType("the field " + field);
        }
        return b;
    }

    private Map<String, String> stringMap(Map<String, Object> record, String field) {
        Object value = record.get(field);
        Map<String, String> result = new LinkedHashMap<>();
        if (value == null) {
            return result;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw badType("the field " + field);
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw badType("a value in " + field);
            }
            result.put(String.valueOf(e.getKey()), s);
        }
        return result;
    }

    private List<String> refs(Map<String, Object> record, String field) {
        Object value = record.get(field);
        List<String> result = new ArrayList<>();
        if (value == null) {
            return result;
        }
        if (!(value instanceof List<?> list)) {
            throw badType("the field " + field);
        }
        for (Object item : list) {
            if (!(item instanceof String s)) {
                throw badType("a reference in " + field);
            }
            result.add(s);
        }
        return result;
    }
}
